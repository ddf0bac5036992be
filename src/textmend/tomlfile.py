"""Reading the project's TOML files (configuration, lexicons, boilerplate patterns) with one
clear error per problem: the file, what it was meant to be, and what went wrong.

>>> read_toml("/nonexistent.toml", "lexicon", ValueError)
Traceback (most recent call last):
ValueError: /nonexistent.toml: cannot read lexicon: No such file or directory
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: str | os.PathLike, what: str, error: type[Exception]) -> dict[str, Any]:
    """The parsed TOML file at ``path``; any failure raises ``error`` naming the file."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{p}: cannot read {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{p}: {what} is not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{p}: invalid TOML: {exc}") from None

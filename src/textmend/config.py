"""Configuration files: ``[tool.textmend]`` in ``pyproject.toml``, or ``textmend.toml``.

The nearest configuration is found by searching upward from the current directory.  In
each directory ``textmend.toml`` (top-level keys) is used if present, else a
``pyproject.toml`` that has a ``[tool.textmend]`` table (as ruff does).  Keys are the long
option names of the command line::

    [tool.textmend]
    select = ["TM1", "TM2"]        # or a comma-separated string
    ignore = ["TM204"]
    unsafe-fixes = false
    lexicon = ["names.toml"]       # relative to the configuration file
    include = ["*.txt", "*.md"]
    exclude = ["drafts"]
    jobs = 4
    format = "jsonl"               # auto, text or jsonl
    field = ["text", "title"]
    encoding = "utf-8"
    errors = "strict"              # or surrogateescape

Options given on the command line override the same keys of the file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .tomlfile import read_toml


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file."""


_LISTS = ("select", "ignore", "lexicon", "include", "exclude", "field")
KEYS = (*_LISTS, "unsafe_fixes", "jobs", "format", "encoding", "errors")
FORMATS = ("auto", "text", "jsonl")
ERRORS = ("strict", "surrogateescape")


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest ``textmend.toml`` or ``pyproject.toml`` with ``[tool.textmend]``."""
    d = Path(start or os.getcwd()).resolve()
    for directory in (d, *d.parents):
        own = directory / "textmend.toml"
        if own.is_file():
            return own
        py = directory / "pyproject.toml"
        if py.is_file():
            data = _read(py)
            if isinstance(data.get("tool"), dict) and "textmend" in data["tool"]:
                return py
    return None


def _read(path: Path) -> dict[str, Any]:
    return read_toml(path, "configuration", ConfigError)


def load_config(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check one configuration file; return the options (keys with underscores).

    ``lexicon`` paths are made relative to the file's directory.
    """
    path = Path(path)
    data = _read(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("textmend", {}) if isinstance(tool, dict) else {}
        where = f"{path} [tool.textmend]"
    else:
        table = data
        where = str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    out: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in KEYS:
            known = ", ".join(k.replace("_", "-") for k in KEYS)
            raise ConfigError(f"{where}: unknown key {raw_key!r} (known keys: {known})")
        out[key] = _check(where, raw_key, key, value)
    if "lexicon" in out:
        base = path.resolve().parent
        out["lexicon"] = [str(base / p) for p in out["lexicon"]]
    return out


def _check(where: str, raw_key: str, key: str, value: Any) -> Any:
    if key in _LISTS:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",")] if key != "lexicon" else [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where}: {raw_key!r} must be a string or a list of strings")
        return value
    if key == "unsafe_fixes":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {raw_key!r} must be true or false")
        return value
    if key == "jobs":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {raw_key!r} must be a whole number >= 0 (0: all cores)")
        return value
    if key == "format":
        if value not in FORMATS:
            raise ConfigError(f"{where}: {raw_key!r} must be one of {', '.join(FORMATS)}")
        return value
    if key == "errors":
        if value not in ERRORS:
            raise ConfigError(f"{where}: {raw_key!r} must be one of {', '.join(ERRORS)}")
        return value
    if key == "encoding":
        import codecs

        if not isinstance(value, str):
            raise ConfigError(f"{where}: {raw_key!r} must be a string")
        try:
            codecs.lookup(value)
        except LookupError:
            raise ConfigError(f"{where}: unknown encoding {value!r}") from None
        return value
    raise AssertionError(key)  # pragma: no cover


__all__ = ["ConfigError", "find_config", "load_config", "KEYS"]

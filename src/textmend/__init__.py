"""textmend: repair English text damaged by machine translation and careless processing.

>>> import textmend
>>> textmend.mend("The declaration came for a four -day visit.")
'The declaration came for a four-day visit.'
>>> r = textmend.explain("a two -day summit")
>>> [(e.start, e.end, e.replacement, e.rule) for e in r.edits]
[(5, 6, '', 'TM201')]
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .edits import SAFE, UNSAFE, Edit, Flag, Result, apply_edits
from .pipeline import Pipeline
from .rules import Context, Rule, builtin_rules, rule

__version__ = "0.1.0"


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    fingerprint = getattr(value, "fingerprint", None)
    if isinstance(fingerprint, str):  # a Lexicon: equal content, one cached pipeline
        return ("fingerprint", fingerprint)
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


@lru_cache(maxsize=32)
def _cached_pipeline(key: tuple) -> Pipeline:
    return Pipeline(**dict(_OPTIONS_BY_KEY[key]))


_OPTIONS_BY_KEY: dict[tuple, dict[str, Any]] = {}


#: the default pipeline (no options), once built: ``mend(text)`` skips the options' key
_DEFAULT: list[Pipeline] = []


def get_pipeline(**options: Any) -> Pipeline:
    """The pipeline for these options, built once and reused (rules, lexicon)."""
    if not options and _DEFAULT:
        return _DEFAULT[0]
    key = _freeze(options)
    if key not in _OPTIONS_BY_KEY:
        if len(_OPTIONS_BY_KEY) >= 64:  # bounded: options seen long ago are forgotten
            _OPTIONS_BY_KEY.clear()
            _cached_pipeline.cache_clear()
        _OPTIONS_BY_KEY[key] = options
    got = _cached_pipeline(key)
    if not options:
        _DEFAULT[:] = [got]
    return got


def explain(text: str, **options: Any) -> Result:
    """Mend ``text`` and say what changed: ``Result.text``, ``.edits``, ``.flags``.

    Options: ``select``/``ignore`` (rule codes or prefixes), ``unsafe_fixes`` (bool),
    ``lexicon`` (a :class:`Lexicon`, a path to a TOML lexicon, or a list of them).
    """
    return get_pipeline(**options).explain(text)


def mend(text: str, **options: Any) -> str:
    """Mend ``text`` with the default pipeline (safe fixes only) and return the result."""
    return get_pipeline(**options).mend(text)


def __getattr__(name: str) -> Any:  # lazy: importing textmend must not load the lexicon
    if name == "Lexicon":
        from .lexicon import Lexicon

        return Lexicon
    if name == "mend_many":
        from .batch import mend_many

        return mend_many
    raise AttributeError(name)


__all__ = ["Edit", "Flag", "Result", "Pipeline", "Rule", "Context", "Lexicon", "SAFE", "UNSAFE",
           "apply_edits", "builtin_rules", "explain", "mend", "mend_many", "rule", "get_pipeline",
           "__version__"]

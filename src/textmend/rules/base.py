"""The rule protocol: what every normaliser implements.

A rule has a stable ``code`` (``TM201``), a readable ``name``, a ``family`` (the module it
lives in), a default ``safety`` and a one-line ``description``.  ``find(text, ctx)``
returns edits and flags with offsets into ``text`` (the current text of the pipeline);
the pipeline maps them to the original input.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..edits import SAFE, Edit, Flag, Safety
from ..protect import carry_protected, plain_spans, with_code


def matches_code(code: str, selector: str) -> bool:
    """Ruff-style selection: ``ALL``, a full code, or a code prefix.

    >>> matches_code("TM201", "TM2"), matches_code("TM201", "TM3"), matches_code("TM201", "ALL")
    (True, False, True)
    """
    selector = selector.strip().upper()
    return selector == "ALL" or code.upper().startswith(selector)


#: texts from this length on carry their protected spans across edits
#: (:meth:`Context.carry_protected`); a shorter one is scanned again when a rule asks, which
#: costs less than working out the stretches around each edit (callgrind, damaged news of
#: ~3,000 characters: carrying them cost 1.5 % more in all)
CARRY_FROM = 20_000


class Context:
    """Per-document state shared by the rules of one pipeline run."""

    __slots__ = ("pipeline", "original", "text", "cache", "_prot_text", "_prot", "_plain")

    def __init__(self, pipeline: Any, original: str):
        self.pipeline = pipeline
        self.original = original
        self.text = original
        self.cache: dict[str, Any] = {}
        self._prot_text: str | None = None
        self._prot: list[tuple[int, int]] = []
        self._plain: list[tuple[int, int]] = []  # _prot but for code (what edits carry)

    @property
    def lexicon(self):
        p = self.pipeline
        got = getattr(p, "_lexicon", None)  # (loaded: skip the loading property)
        return got if got is not None else p.lexicon

    @property
    def options(self) -> dict[str, Any]:
        return self.pipeline.options

    def protected(self, text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` no rule may touch (URLs, e-mail, handles, hashtags, code)."""
        if self._prot_text is not text:
            self._plain = plain_spans(text)
            self._prot = with_code(text, self._plain)
            self._prot_text = text
        return self._prot

    def keep_protected(self, last: Context) -> None:
        """Take over the protected spans ``last`` worked out (for the text it ended with)."""
        self._prot_text, self._prot, self._plain = last._prot_text, last._prot, last._plain

    def carry_protected(self, before: str, after: str, edits) -> None:
        """``edits`` (sorted, non-overlapping, offsets into ``before``) made ``after``: when
        the protected spans of ``before`` are known, work out those of ``after`` from them
        and the stretches the edits touched (:func:`~textmend.protect.carry_protected`),
        not from a scan of the whole text."""
        if self._prot_text is before and len(before) >= CARRY_FROM:
            plain = carry_protected(before, self._plain, after, edits)
            if plain is not None:
                self._plain = plain
                self._prot = with_code(after, plain)
                self._prot_text = after


class Rule:
    """Base class for a rule.  Subclasses set the class attributes and ``find``."""

    code: str = "TM000"
    name: str = "rule"
    family: str = "custom"
    safety: Safety = SAFE
    description: str = ""
    default_enabled: bool = True
    #: edits and flags inside protected spans (URLs, e-mail, code...) are dropped
    respects_protected: bool = True
    #: ``find`` depends on its text (and the pipeline's options and lexicon) alone, so the
    #: pipeline may reuse what it found in a text instead of running it again on the same text
    #: (in the passes that check the result is stable); set False for a rule with state
    deterministic: bool = True
    #: ``find`` returns flags only, never an edit, so it cannot change the text: a run that
    #: keeps the text alone (``Pipeline.mend``, ``explain(flags=False)``) leaves it out
    flags_only: bool = False

    def find(self, text: str, ctx: Context) -> Iterable[Edit | Flag]:
        raise NotImplementedError

    def prepare(self, words: set[str], pipeline: Any) -> None:
        """Called by :meth:`Pipeline.prepare` with the capitalised tokens of the texts about
        to be mended: a rule that learns something per word may learn them all at once here
        (faster in bulk).  Must not change what :meth:`find` returns."""

    def take_learned(self, pipeline: Any) -> Any:
        """What this rule learned per word since the last call, picklable (None: nothing),
        for :meth:`absorb_learned` in another process with the same pipeline options: the
        command line's workers pass it on so that each need not learn it again."""
        return None

    def absorb_learned(self, pipeline: Any, data: Any) -> None:
        """Take over what :meth:`take_learned` gave in another process.  Must not change what
        :meth:`find` returns."""

    def edit(self, start: int, end: int, replacement: str, message: str = "", *,
             safety: Safety | None = None, confidence: float = 1.0) -> Edit:
        return Edit(start, end, replacement, self.code, self.name,
                    safety or self.safety, message or self.description, confidence)

    def flag(self, start: int, end: int, message: str, suggestion: str | None = None) -> Flag:
        return Flag(start, end, self.code, self.name, message, suggestion)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code} {self.name}>"


class FunctionRule(Rule):
    """Wrap a plain function ``f(text, ctx) -> iterable of Edit/Flag`` as a rule.

    The function may carry ``code``, ``name``, ``safety`` and ``description``
    attributes (see :func:`textmend.rule`); otherwise it gets code ``USER``.
    """

    def __init__(self, func: Callable[..., Iterable[Edit | Flag]], code: str | None = None,
                 name: str | None = None, safety: Safety | None = None,
                 description: str | None = None):
        self.func = func
        self.code = code or getattr(func, "code", "USER")
        self.name = name or getattr(func, "rule_name", getattr(func, "__name__", "user-rule"))
        self.safety = safety or getattr(func, "safety", SAFE)
        self.description = description or getattr(func, "description", (func.__doc__ or "").strip())
        self.family = "custom"

    def find(self, text: str, ctx: Context) -> Iterable[Edit | Flag]:
        try:
            return self.func(text, ctx)
        except TypeError as exc:
            if "positional argument" not in str(exc):
                raise
            return self.func(text)


def rule(code: str, name: str | None = None, safety: Safety = SAFE, description: str = ""):
    """Decorator that turns a function into a :class:`Rule` for a custom pipeline."""

    def wrap(func: Callable[..., Iterable[Edit | Flag]]) -> FunctionRule:
        return FunctionRule(func, code=code, name=name or func.__name__.replace("_", "-"),
                            safety=safety, description=description or (func.__doc__ or "").strip())

    return wrap

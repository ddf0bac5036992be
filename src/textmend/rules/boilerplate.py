"""Boilerplate: page furniture and teasers left inside the text of an article.

One rule, ``TM600`` ``boilerplate``, with three codes (select or ignore each one):

* **TM601** ``teaser``: a label and the headline of another article, ``Also read | …``,
  ``Read also: …``, ``READ MORE: …``;
* **TM602** ``page-furniture``: fixed furniture (``ADVERTISEMENT``, ``Story continues below``)
  on its own line, or between two sentences;
* **TM603** ``call-to-action``: ``Follow us on Facebook …``, ``Sign up for our newsletter …``.

They are found in one scan from left to right, and what is removed is looked through when the
next piece is judged, so furniture right after furniture goes at once.

Nothing is removed unless it starts a line or a sentence, and a teaser label needs a separator
(``|``, ``:``, a dash) after it: ``She also read the report``, ``Read more about it in
chapter 3`` and ``Also read aloud on the main stage were poems`` are prose.

Where a teaser (or a call) ends is decided from evidence, and the edit's message says which:
the end of the line or text; the end of its sentence; another piece of furniture; a run-in
heading followed by a sentence (``… by the bodyguard Ukrainian conflict in progress Despite
the festive atmosphere, …``: the teaser ends before the heading); or a capitalised sentence
opener after the headline (``… rises to 78 dead The host proposed …``).  An end found only
from a capitalised word after a lower-case one, with no heading to confirm it, is uncertain:
that edit is unsafe (suggested, not applied by default).

The patterns live in ``textmend/data/boilerplate.toml``; add your own files with the option
``boilerplate_patterns=[path, ...]`` (see ``docs/boilerplate.md``).

>>> from textmend import mend
>>> mend("He left. Also read | Markets fall on rate fears\\n\\nShares fell on Monday.")
'He left.\\n\\nShares fell on Monday.'
>>> mend("Prices rose. ADVERTISEMENT The bank said the rise was temporary.")
'Prices rose. The bank said the rise was temporary.'
>>> mend("She also read the report. Read more about it in chapter 3.")
'She also read the report. Read more about it in chapter 3.'
"""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from ..edits import SAFE, UNSAFE, Edit
from ..tomlfile import read_toml
from .base import Context, Rule
from .layout import (STARTERS, Tok, boundary, core, ends_sentence, heading_before, is_cap,
                     is_lower, line_end, sentence_end, tokens)

DATA = Path(__file__).resolve().parent.parent / "data" / "boilerplate.toml"

#: the longest headline (in words) a teaser may have before its end is called uncertain
MAX_HEADLINE = 40
#: how many words a run-in heading may have between a weak and a strong boundary
HEADING_WINDOW = 7


class BoilerplateError(ValueError):
    """A boilerplate pattern file that cannot be used: the message names the file and why."""


@dataclass(frozen=True)
class Furniture:
    pattern: Any
    inline: bool
    next: str  # "capital" or "opener"
    source: str


@dataclass(frozen=True)
class Patterns:
    teasers: tuple[tuple[Any, str], ...]   # (label regex, separator mode)
    furniture: tuple[Furniture, ...]
    calls: tuple[Any, ...]
    any_start: Any                        # any label, call or furniture, to end a run


_SEPARATOR = regex.compile(r"[ \t]*(?:\||:|–|—|-{1,2}|>>|»)[ \t]*")


def _compile(pattern: Any, where: str, flags: int) -> Any:
    if not isinstance(pattern, str) or not pattern.strip():
        raise BoilerplateError(f"{where}: a pattern must be a non-empty string")
    try:
        return regex.compile(_WRAP[0] + pattern + _WRAP[1], flags | regex.V0)
    except regex.error as exc:
        raise BoilerplateError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None


def _read(path: str | os.PathLike) -> dict[str, Any]:
    return read_toml(path, "boilerplate patterns", BoilerplateError)


def _tables(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(d, dict) for d in items):
        raise BoilerplateError(f"{where}: '{key}' must be an array of tables ([[{key}]])")
    return items


@lru_cache(maxsize=16)
def load_patterns(paths: tuple[str, ...] = ()) -> Patterns:
    """The built-in patterns plus those of the TOML files ``paths`` (see the data file)."""
    teasers: list[tuple[Any, str]] = []
    furniture: list[Furniture] = []
    calls: list[Any] = []
    files = [str(DATA), *paths]
    for n, path in enumerate(files):
        data = _read(path)
        if n and data.get("builtin") is False:
            teasers, furniture, calls = [], [], []
        unknown = set(data) - {"teaser", "furniture", "call", "builtin"}
        if unknown:
            raise BoilerplateError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; "
                                   "expected [[teaser]], [[furniture]] or [[call]] tables")
        for i, d in enumerate(_tables(data, "teaser", path)):
            where = f"{path}: teaser {i + 1}"
            sep = d.get("separator", "required")
            if sep not in ("required", "caps"):
                raise BoilerplateError(f"{where}: separator must be 'required' or 'caps', not {sep!r}")
            teasers.append((_compile(d.get("label"), where, regex.IGNORECASE), sep))
        for i, d in enumerate(_tables(data, "furniture", path)):
            where = f"{path}: furniture {i + 1}"
            case = d.get("case", "any")
            nxt = d.get("next", "capital")
            if case not in ("any", "exact"):
                raise BoilerplateError(f"{where}: case must be 'any' or 'exact', not {case!r}")
            if nxt not in ("capital", "opener"):
                raise BoilerplateError(f"{where}: next must be 'capital' or 'opener', not {nxt!r}")
            if not isinstance(d.get("inline", False), bool):
                raise BoilerplateError(f"{where}: inline must be true or false")
            flags = 0 if case == "exact" else regex.IGNORECASE
            furniture.append(Furniture(_compile(d.get("pattern"), where, flags),
                                       d.get("inline", False), nxt, where))
        for i, d in enumerate(_tables(data, "call", path)):
            calls.append(_compile(d.get("pattern"), f"{path}: call {i + 1}", regex.IGNORECASE))
    alts = [t[0].pattern for t in teasers] + [c.pattern for c in calls]
    alts += [f.pattern.pattern if f.pattern.flags & regex.IGNORECASE else "(?-i:" + f.pattern.pattern + ")"
             for f in furniture]
    any_start = regex.compile("|".join(f"(?:{a})" for a in alts) or r"(?!)", regex.IGNORECASE | regex.V0)
    return Patterns(tuple(teasers), tuple(furniture), tuple(calls), any_start)


_WRAP = ("(?:", r")(?![\w])")


def _top_level_alternation(pattern: str) -> bool:
    depth, i = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a character class: skip to its end
            j = pattern.find("]", i + 2)
            i = len(pattern) if j < 0 else j + 1
            continue
        depth += (c == "(") - (c == ")")
        if c == "|" and depth == 0:
            return True
        i += 1
    return False


@lru_cache(maxsize=512)
def _gate(pattern: str) -> tuple[str, ...] | None:
    """Words one of which a text must contain (in lower case) for ``pattern`` to match, when
    the pattern starts with a plain word or a group of plain words; else None (always scan)."""
    if pattern.startswith(_WRAP[0]) and pattern.endswith(_WRAP[1]):
        pattern = pattern[len(_WRAP[0]):-len(_WRAP[1])]
    if _top_level_alternation(pattern):
        return None
    m = regex.match(r"\(\?:((?:[A-Za-z]+\|)*[A-Za-z]+)\)|([A-Za-z]+)", pattern)
    if m is None:
        return None
    return tuple(w.lower() for w in (m.group(1) or m.group(2)).split("|"))


def patterns_for(ctx: Context) -> Patterns:
    extra = ctx.options.get("boilerplate_patterns") if ctx is not None else None
    if extra is None:
        return load_patterns()
    if isinstance(extra, (str, os.PathLike)):
        extra = [extra]
    try:
        paths = tuple(str(Path(p)) for p in extra)
    except TypeError:
        raise BoilerplateError("boilerplate_patterns must be a path or a list of paths to TOML files") from None
    return load_patterns(paths)


# -- where things start and end ---------------------------------------------------------------

_BULLETS = "•*>·▪►-–—"


class _Removed(list):
    """Removed spans in text order, with their starts kept for bisection."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[int] = []

    def append(self, span: tuple[int, int]) -> None:
        super().append(span)
        self.starts.append(span[0])


def _starts_of(removed) -> list[int]:
    return removed.starts if isinstance(removed, _Removed) else [r[0] for r in removed]


def _blank_to_eol(text: str, pos: int) -> int | None:
    """The end of the line when only spaces or tabs follow ``pos`` on it, else None."""
    j = pos
    while j < len(text) and text[j] in " \t":
        j += 1
    return j if j == len(text) or text[j] in "\n\r" else None


def _start_kind(text: str, pos: int, removed: list[tuple[int, int]]) -> tuple[str, int] | None:
    """Does ``pos`` start a line or a sentence (looking through what is being removed)?

    Returns ``("line", line_start)`` or ``("sentence", end_of_previous_sentence)``.
    ``removed`` holds the spans already removed, in text order.
    """
    starts = _starts_of(removed)
    q = pos
    while True:
        while q > 0 and text[q - 1] in " \t":
            q -= 1
        k = bisect.bisect_left(starts, q) - 1  # the last removal that starts before q
        if k >= 0 and removed[k][1] >= q:
            q = removed[k][0]
            continue
        break
    ls = q  # a line start: only indentation and one bullet before q on its line
    while ls > 0 and text[ls - 1] in " \t":
        ls -= 1
    if ls > 0 and text[ls - 1] in _BULLETS:
        ls -= 1
        while ls > 0 and text[ls - 1] in " \t":
            ls -= 1
    if ls == 0 or text[ls - 1] == "\n":
        return "line", ls
    word = text[max(0, q - 40):q].split()
    if word and ends_sentence(word[-1]):
        return "sentence", q
    return None


def _next_word(text: str, pos: int) -> Tok | None:
    toks = tokens(text, pos, line_end(text, pos, 200), 1)
    return toks[0] if toks else None


@dataclass
class End:
    end: int          # end of the removed run (exclusive), before any whitespace
    how: str          # for the message
    safe: bool
    confidence: float


def run_end(text: str, toks: list[Tok], first: int, pats: Patterns) -> End | None:
    """Where a headline-shaped run (``toks[first:]``, the words after a teaser label or a
    call's opening words) ends; ``toks`` covers the rest of the line."""
    if first >= len(toks):
        return End(toks[-1].end if toks else 0, "it runs to the end of the line", True, 0.95)
    weak: int | None = None  # the first capitalised word after a lower-case one
    for i in range(first + 1, min(len(toks), first + MAX_HEADLINE + 1)):
        t, prev = toks[i], toks[i - 1]
        if ends_sentence(prev.text):
            if weak is not None:
                break
            return End(prev.end, "it ends with its own sentence", True, 0.85)
        if pats.any_start.match(text, t.start):
            return End(prev.end, "another teaser or piece of page furniture follows it", True, 0.85)
        if weak is not None and i - weak > HEADING_WINDOW:
            break
        kind = boundary(prev.text, t.text)
        if kind == "strong" and sentence_end(text, t.start) is not None:
            j = heading_before(text, toks, i, first + 1)
            follows = core(t.text)
            if j is not None:
                head = text[toks[j].start:toks[i - 1].end]
                return End(toks[j - 1].end, f"it ends before the run-in heading {head!r}, which "
                           f"is followed by the sentence opener {follows!r}", True, 0.8)
            if weak is not None:
                break
            return End(prev.end, f"the article resumes with the sentence opener {follows!r} "
                       "after a headline without a full stop", True, 0.8)
        if kind == "weak" and weak is None and sentence_end(text, t.start) is not None:
            weak = i
    if weak is not None:
        j = heading_before(text, toks, weak, first + 1)
        follows = core(toks[weak].text)
        if j is not None:
            head = text[toks[j].start:toks[weak - 1].end]
            return End(toks[j - 1].end, f"it ends before the run-in heading {head!r}, followed by "
                       f"a sentence that starts with {follows!r}", True, 0.75)
        return End(toks[weak - 1].end, f"it probably ends before {follows!r}, a capitalised word after "
                   "a lower-case one; the end is uncertain", False, 0.5)
    last = toks[-1]
    if len(toks) - first > MAX_HEADLINE:
        return None
    if _blank_to_eol(text, last.end) is not None:
        if ends_sentence(last.text) or not any(ends_sentence(t.text) for t in toks[first:]):
            return End(last.end, "it runs to the end of the line", True, 0.95)
    return None


def _eol_width(text: str, pos: int) -> int:
    """Length of the line break at ``pos`` (``\n``, ``\r\n``, ``\r``), 0 when none."""
    if text.startswith("\r\n", pos):
        return 2
    return 1 if pos < len(text) and text[pos] in "\n\r" else 0


def _removal(text: str, a: int, b: int, where: tuple[str, int]) -> tuple[int, int]:
    """The span to delete for furniture at ``text[a:b]``, with the whitespace it leaves."""
    kind, at = where
    le = _blank_to_eol(text, b)
    if kind == "line" and le is not None:  # a whole line: remove it with its line break
        ls = at
        w = _eol_width(text, le)
        if w:
            end = le + w
            before = text[max(0, ls - 4):ls].replace("\r", "\n")
            if ls == 0 or before.endswith("\n\n") or ls == len(before) == 1:
                # between blank lines (or first): take the blank lines after it too
                nxt = end
                while _eol_width(text, nxt):
                    nxt += _eol_width(text, nxt)
                if nxt < len(text) or ls == 0:
                    end = nxt
            return ls, end
        s = ls
        while s > 0 and text[s - 1] in "\n\r":
            s -= 1
        return s, le
    if kind == "line":  # at the start of a line, text follows: take the spaces after it
        e = b
        while e < len(text) and text[e] in " \t":
            e += 1
        return at if text[at:a].strip() else a, e
    # after a sentence: take the spaces before it (and the trailing ones at a line end)
    return at, le if le is not None else b


_FURNITURE, _CALL, _TEASER = "TM602", "TM603", "TM601"
_NAMES = {_TEASER: "teaser", _FURNITURE: "page-furniture", _CALL: "call-to-action"}


class Boilerplate(Rule):
    """Teasers (TM601), page furniture (TM602) and calls to action (TM603), found in one
    left-to-right scan so that furniture right after furniture is seen at once."""

    code = "TM600"
    name = "boilerplate"
    family = "boilerplate"
    description = "page furniture and teasers removed"
    subrules = (
        (_TEASER, "teaser", "teaser for another article removed (Also read | …)"),
        (_FURNITURE, "page-furniture", "page furniture removed (ADVERTISEMENT, Story continues below)"),
        (_CALL, "call-to-action", "call to action removed (Follow us on …, Sign up for our newsletter)"),
    )

    def find(self, text: str, ctx: Context) -> list[Edit]:
        pats = patterns_for(ctx)
        cands = self._candidates(text, pats)
        if not cands:
            return []
        unsafe_ok = bool(getattr(ctx.pipeline, "unsafe_fixes", False))
        removed = _Removed()
        out: list[Edit] = []
        last = -1
        for a, _, opened, kind, extra in cands:
            if a < last:
                continue
            where = _start_kind(text, a, removed)
            if where is None:
                continue
            if kind == _FURNITURE:
                found = self._furniture(text, a, opened, extra, where, pats)
            else:
                found = self._run(text, a, opened, extra, kind, where, pats)
            if found is None:
                continue
            edit, b = found
            out.append(edit)
            last = b
            if edit.safety == SAFE or unsafe_ok:
                removed.append((edit.start, edit.end))
        return _tidy(out)

    @staticmethod
    def _candidates(text: str, pats: Patterns) -> list[tuple[int, int, int, str, Any]]:
        """``(start, priority, end_of_opening, kind, extra)``, in text order."""
        out: list[tuple[int, int, int, str, Any]] = []
        low = text.lower()

        def scan(pattern):
            gate = _gate(pattern.pattern)
            if gate is not None and not any(g in low for g in gate):
                return ()
            return pattern.finditer(text)

        for f in pats.furniture:
            for m in scan(f.pattern):
                out.append((m.start(), 0, m.end(), _FURNITURE, f))
        for c in pats.calls:
            for m in scan(c):
                out.append((m.start(), 1, m.end(), _CALL, m.end()))
        for label, sep in pats.teasers:
            for m in scan(label):
                s = _SEPARATOR.match(text, m.end())
                if s and s.end() > m.end():
                    out.append((m.start(), 2, m.end(), _TEASER, s.end()))
                elif sep == "caps" and m.group().isupper():
                    h = m.end()
                    while h < len(text) and text[h] in " \t":
                        h += 1
                    out.append((m.start(), 2, m.end(), _TEASER, h))
        out.sort(key=lambda c: (c[0], c[1], -c[2]))
        return out

    def _edit(self, kind: str, s: int, e: int, message: str, safe: bool, confidence: float) -> Edit:
        return Edit(s, e, "", kind, _NAMES[kind], SAFE if safe else UNSAFE, message, confidence)

    def _furniture(self, text, a, b, f: Furniture, where, pats):
        furn = text[a:b]
        if _blank_to_eol(text, b) is not None:
            msg = f"page furniture {furn!r} removed ({'a line of its own' if where[0] == 'line' else 'at the end of a line'})"
            safe = True
        else:
            if not f.inline:
                return None
            nxt = _next_word(text, b)
            if nxt is None or text[b:nxt.start].strip() or not is_cap(nxt.text):
                return None
            chained = bool(pats.any_start.match(text, nxt.start))  # more furniture follows
            after = tokens(text, nxt.end, line_end(text, nxt.end, 80), 1)
            if not chained and core(nxt.text).isupper() and len(core(nxt.text)) > 1 \
                    and not (after and is_lower(after[0].text)):
                return None  # "ADVERTISEMENT RULES CHANGE": a headline in capitals
            opener = core(nxt.text) in STARTERS or chained
            safe = f.next == "capital" or opener
            msg = (f"page furniture {furn!r} removed from between two sentences "
                   f"(the next one starts with {core(nxt.text)!r})")
            if not safe:
                msg += "; the next word is no sentence opener, so this is only a suggestion"
        s, e = _removal(text, a, b, where)
        return self._edit(_FURNITURE, s, e, msg, safe, 0.95 if safe else 0.5), b

    def _run(self, text, a, opened, h, kind, where, pats):
        toks = tokens(text, a, line_end(text, a, 4000), MAX_HEADLINE + HEADING_WINDOW + 40)
        first = sum(1 for t in toks if t.start < h)
        rest = toks[first:]
        if kind == _TEASER:
            if not rest and opened == h:
                return None
            if rest and not (is_cap(rest[0].text) or rest[0].text[0].isdigit()
                             or rest[0].text[0] in "\"'“‘«"):
                return None  # "See also: the report …": a lower-case sentence, not a headline
        end = run_end(text, toks, first, pats)
        if end is None:
            return None
        b = end.end
        s, e = _removal(text, a, b, where)
        shown = text[a:b] if b - a <= 70 else text[a:a + 60] + "…"
        what = "teaser" if kind == _TEASER else "call to action"
        msg = f"{what} {shown!r} removed: {end.how}"
        if not end.safe:
            msg += " (only a suggestion)"
        return self._edit(kind, s, e, msg, end.safe, end.confidence), b


def _tidy(edits: list[Edit]) -> list[Edit]:
    """Sort, and join deletions that overlap or touch (furniture after furniture) into one."""
    edits.sort(key=lambda e: (e.start, e.end))
    out: list[Edit] = []
    for e in edits:
        if out and e.start <= out[-1].end and (e.start < out[-1].end or e.safety == out[-1].safety):
            last = out[-1]
            safety = SAFE if last.safety == SAFE and e.safety == SAFE else UNSAFE
            out[-1] = Edit(last.start, max(last.end, e.end), "", last.rule, last.name, safety,
                           f"{last.message}; {e.message}", min(last.confidence, e.confidence))
            continue
        out.append(e)
    return out


__all__ = ["Boilerplate", "BoilerplateError", "load_patterns", "run_end"]

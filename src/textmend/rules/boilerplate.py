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

Only the patterns that match where something can be removed (a line or sentence start, or
right after a removal) are scanned, found from their first word; ``Boilerplate.find_plain``
scans every pattern, and ``find`` matches it exactly.

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
import re
from itertools import islice
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from ..edits import SAFE, UNSAFE, Edit
from ..tomlfile import read_toml
from ..trie import trie_pattern
from .base import Context, Rule
from .layout import (_TERMINAL_CHARS, _TOKEN, STARTERS, Tok, boundary, core, ends_sentence,
                     heading_before, is_cap, is_lower, line_end, sentence_end, tokens)

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


def _all_patterns(pats: Patterns) -> list[Any]:
    """Every compiled pattern, in the order :meth:`Boilerplate._candidates` lists their
    matches: furniture, calls, teaser labels."""
    return [f.pattern for f in pats.furniture] + list(pats.calls) + [t[0] for t in pats.teasers]


def _matches(text: str, pats: Patterns, i: int) -> list[tuple[int, int, int, str, Any]]:
    """The candidates of pattern ``i`` (of :func:`_all_patterns`)."""
    out: list[tuple[int, int, int, str, Any]] = []
    nf, nc = len(pats.furniture), len(pats.calls)
    if i < nf:
        f = pats.furniture[i]
        for m in f.pattern.finditer(text):
            out.append((m.start(), 0, m.end(), _FURNITURE, f))
    elif i < nf + nc:
        for m in pats.calls[i - nf].finditer(text):
            out.append((m.start(), 1, m.end(), _CALL, m.end()))
    else:
        label, sep = pats.teasers[i - nf - nc]
        for m in label.finditer(text):
            s = _SEPARATOR.match(text, m.end())
            if s and s.end() > m.end():
                out.append((m.start(), 2, m.end(), _TEASER, s.end()))
            elif sep == "caps" and m.group().isupper():
                h = m.end()
                while h < len(text) and text[h] in " \t":
                    h += 1
                out.append((m.start(), 2, m.end(), _TEASER, h))
    return out


# -- finding the few patterns that can matter, fast ---------------------------------------------
#
# Nearly every pattern starts with a word (``Also\s+read``, ``(?:Follow|Like)\s+us``,
# ``[-–—]+\s*(?:ADVERTISEMENT|…)``: after characters of ``_SKIP``), its *trigger*, and goes on
# with something that is no letter (``\s``, ``['’]``, the end of the pattern).  Where such a
# pattern matches, the first letters after the white space, bullets and dashes there are the
# trigger, in some case.  So one ``re`` scan per kind of line or sentence start (``\n``, ``.``,
# ``!``, ``?``: each found fast as a literal) lists the triggers that start a line or a
# sentence, and only the patterns they name are tried there.  A pattern without a trigger
# (``always``) is always scanned.

#: white space (of ``str.split`` and of ``regex``'s ``\s``), bullets and dashes
_SKIP = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
         "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" + _BULLETS)
_SKIP_CLASS = "[" + "".join(re.escape(c) for c in _SKIP) + "]"
_SKIP_SET = frozenset(_SKIP)
#: a long run of white space after a line break: a scan from each line break costs the white
#: space after it, so only texts with such a run need the linear way (``_Triggers.scans``)
_LONG_RUN = _SKIP_CLASS + "{63}"
#: closing quotes and brackets between a terminator and the next sentence
_CLOSERS = "\"'”’»)]"
#: letters that an ASCII letter matches ignoring case (``regex``: İ ſ K; ``re``: also ı)
_CASE_LETTERS = "[A-Za-z\u0130\u0131\u017f\u212a]"
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
#: a leading piece of a pattern that matches characters of ``_SKIP`` only
_SKIP_PREFIX = regex.compile(r"(?:\\s|\[((?:[^\]\\]|\\.)+)\])[*+?]?")
_TRIGGER = regex.compile(r"\(\?:((?:[A-Za-z]+\|)*[A-Za-z]+)\)|([A-Za-z]+)")


def _class_chars(body: str) -> str | None:
    """The characters of a character class body without ranges or class escapes."""
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body) or body[i + 1].isalnum():
                return None
            c = body[i + 1]
            i += 1
        elif c in "-^" and 0 < i < len(body) - 1:
            return None  # a range or a negation
        elif c == "^" and i == 0:
            return None
        out.append(c)
        i += 1
    return "".join(out)


def _group_end(pattern: str, i: int) -> int | None:
    """Index after the group that opens at ``pattern[i] == "("``."""
    depth = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        depth += (c == "(") - (c == ")")
        i += 1
        if depth == 0:
            return i
    return None


def _closed(rest: str) -> bool:
    r"""Can the character after a trigger (matched by ``rest``, then ``(?![\w])``) never be a
    letter?  Conservative: False when unsure."""
    if not rest:
        return True  # the wrapping (?![\w])
    if rest.startswith(r"\s"):
        q = rest[2:3]
        if q == "{":
            return False
        return q not in ("*", "?") or _closed(rest[3:])
    m = _SKIP_PREFIX.match(rest)
    if m is not None and m.group(1) is not None:
        chars = _class_chars(m.group(1))
        if chars is None or any(c.isalnum() or c == "_" for c in chars) or rest[m.end():m.end() + 1] == "{":
            return False
        q = rest[m.end() - 1] if m.end() - 1 > m.start(1) + len(m.group(1)) else ""
        return q not in ("*", "?") or _closed(rest[m.end():])
    if rest.startswith("(?:"):
        end = _group_end(rest, 0)
        if end is None:
            return False
        inner = rest[3:end - 1]
        if _top_level_alternation(inner):
            return False
        q = rest[end:end + 1]
        if q in ("?", "*"):  # the group may be skipped: what follows it counts too
            return _closed(inner) and _closed(rest[end + 1:])
        if q == "{":
            return False
        return _closed(inner)
    return False


def _trigger_words(pattern: str) -> tuple[str, ...] | None:
    """The words (lower case) one of which starts every match of ``pattern`` after
    ``_SKIP`` characters, followed by no letter; None when the pattern is not of that shape."""
    if pattern.startswith(_WRAP[0]) and pattern.endswith(_WRAP[1]):
        pattern = pattern[len(_WRAP[0]):-len(_WRAP[1])]
    if _top_level_alternation(pattern) or re.search(r"\(\?[a-zA-Z]|\\G|\(\?r", pattern):
        return None
    while True:  # leading pieces that match _SKIP characters only
        m = _SKIP_PREFIX.match(pattern)
        if m is None:
            break
        if m.group(1) is not None:
            chars = _class_chars(m.group(1))
            if chars is None or any(c not in _SKIP for c in chars):
                return None
        pattern = pattern[m.end():]
    m = _TRIGGER.match(pattern)
    if m is None or not _closed(pattern[m.end():]):
        return None
    return tuple(w.lower() for w in (m.group(1) or m.group(2)).split("|"))


def _any_case(ch: str) -> str:
    """The pattern for one character of a trigger word in any case: a letter also stands for
    the characters that match it ignoring case (``İ ı`` for i, ``ſ`` for s, ``K`` for k)."""
    extra = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}.get(ch, "")
    return "[" + ch + ch.upper() + extra + "]" if ch.isalpha() else re.escape(ch)


class _Triggers:
    """What :meth:`Boilerplate.find` needs to know of a pattern set, computed once."""

    def __init__(self, pats: Patterns):
        self.patterns = _all_patterns(pats)
        self.always: frozenset[int] = frozenset(
            i for i, p in enumerate(self.patterns) if _trigger_words(p.pattern) is None)
        by_word: dict[str, list[int]] = {}
        for i, p in enumerate(self.patterns):
            for w in _trigger_words(p.pattern) or ():
                by_word.setdefault(w, []).append(i)
        self.by_word = {w: tuple(v) for w, v in by_word.items()}
        self.first = self.scans = self.rare = None
        if by_word:  # (?=…): a first letter of some trigger, the cheap test first
            firsts = "".join(sorted({w[0] + w[0].upper() for w in by_word}))
            word = ("(?=[" + firsts + "\u0130\u0131\u017f\u212a])(" + trie_pattern(by_word, _any_case)
                    + ")(?!" + _CASE_LETTERS + ")")
            # (possessive: neither closers nor white space can start a trigger word, so
            # giving some back never helps; it is only the engine's time)
            tail = _SKIP_CLASS + "*+" + word
            self.first = re.compile("()" + tail)
            # from each line break or terminator (and closing quotes or brackets); the scan
            # from the line breaks also stops at a long run of white space (no group 2): a
            # match that passes over line breaks passes over no long run, which would have
            # stopped it at the first of them
            closers = "[" + re.escape(_CLOSERS) + "]*+"
            self.scans = (re.compile(r"\n()(?:(?=" + _LONG_RUN + ")|" + tail + ")"),
                          re.compile(r"\." + closers + "()" + tail))
            # "!" and "?" are rare: tried where str.find finds them (no match holds another)
            self.rare = (("!", re.compile("!" + closers + "()" + tail)),
                         ("?", re.compile(r"\?" + closers + "()" + tail)))
            # the trigger words themselves, where a line or sentence may start before them
            # (after white space, a closing quote or bracket, a terminator, or at the start)
            before = "".join(re.escape(c) for c in _SKIP + _CLOSERS + ".!?")
            self.words = re.compile("(?<![^" + before + "])" + word)

    def _try(self, text: str, start: int, at: int, word: str, found: dict[int, bool]) -> None:
        """Add to ``found`` the patterns named by the trigger ``word`` (at ``at``) that match
        between ``start`` (the end of its line or sentence start) and the trigger (True when
        the trigger is written in ASCII: then the lower-cased text holds the pattern's first
        word)."""
        ascii_ = word.isascii()
        for i in self.by_word.get(word.translate(_FOLD).lower(), ()):
            if not found.get(i, False) and (i not in found or ascii_):
                p = self.patterns[i]
                if any(p.match(text, x) for x in range(start, at + 1)):
                    found[i] = ascii_

    def at_starts(self, text: str) -> dict[int, bool]:
        """The patterns that match at the start of a line or a sentence somewhere in
        ``text`` (a superset), and those without a trigger (see :meth:`_try`).

        A trigger word starts a line or sentence when only white space (``_SKIP``) stands
        between it and the start of the text, a line break, or a terminator and closing
        quotes or brackets.  Texts with a long run of white space (where a scan from every
        line break in it would cost the rest of the run each time) find the trigger words
        first and walk the run of white space before each back once: linear."""
        found = dict.fromkeys(self.always, False) if self.always else {}
        if self.scans is None:
            return found
        if self._from_starts(text, found):
            return found
        found = dict.fromkeys(self.always, False)
        self._from_words(text, found)
        return found

    def _from_starts(self, text: str, found: dict[int, bool]) -> bool:
        """:meth:`at_starts` the fast way, for texts without long runs of white space: a
        scan from each line break or terminator (which costs the length of such a run each
        time).  False, and ``found`` unfinished, when the text has a long run."""
        for scan in self.scans:
            for m in scan.finditer(text):
                if m.start(2) < 0:
                    return False  # a long run of white space (only "\n" scans for it)
                self._try(text, m.start(1), m.start(2), m.group(2), found)
        for char, scan in self.rare:
            i = text.find(char)
            while i >= 0:
                m = scan.match(text, i)
                if m is not None:
                    self._try(text, m.start(1), m.start(2), m.group(2), found)
                i = text.find(char, i + 1)
        m = self.first.match(text)
        if m is not None:
            self._try(text, m.start(1), m.start(2), m.group(2), found)
        return True

    def _from_words(self, text: str, found: dict[int, bool]) -> None:
        """:meth:`at_starts` the linear way: from the trigger words, each run of white
        space before one walked back once."""
        for m in self.words.finditer(text):
            at, word = m.start(), m.group(1)
            j = at
            while j and text[j - 1] in _SKIP_SET:
                j -= 1
            if j == 0:  # only white space before it: the text starts here
                self._try(text, 0, at, word, found)
            nl = text.find("\n", j, at)
            if nl >= 0:  # a line starts after the first line break of the run
                self._try(text, nl + 1, at, word, found)
            k = j
            while k and text[k - 1] in _CLOSERS:
                k -= 1
            if k and text[k - 1] in ".!?":  # a sentence starts after the closers
                self._try(text, j, at, word, found)

    def after(self, text: str, pos: int) -> dict[int, bool]:
        """The patterns with a trigger that match from ``pos`` on across ``_SKIP``
        characters (a superset of those that match right after a removal ending at ``pos``)."""
        found: dict[int, bool] = {}
        if self.first is not None:
            m = self.first.match(text, pos)
            if m is not None:
                self._try(text, m.start(1), m.start(2), m.group(2), found)
        return found

    def may_start(self, text: str, pos: int) -> bool:
        """False when no pattern can match at ``pos`` (the trigger test); else True."""
        return bool(self.always) or (self.first is not None and self.first.match(text, pos) is not None)


_TRIGGER_CACHE: dict[int, tuple[Patterns, _Triggers]] = {}


def _triggers(pats: Patterns) -> _Triggers:
    got = _TRIGGER_CACHE.get(id(pats))
    if got is None or got[0] is not pats:
        if len(_TRIGGER_CACHE) > 32:
            _TRIGGER_CACHE.clear()
        got = _TRIGGER_CACHE[id(pats)] = (pats, _Triggers(pats))
    return got[1]


def _starts_any(text: str, pos: int, pats: Patterns) -> bool:
    """``pats.any_start.match(text, pos)``: does a teaser, call or furniture start here?"""
    return _triggers(pats).may_start(text, pos) and pats.any_start.match(text, pos) is not None


class _Plain:
    """Candidates listed in full (:meth:`Boilerplate.find_plain`)."""

    def __init__(self, cands):
        self.cands = cands

    def __iter__(self):
        return iter(self.cands)

    def removed_up_to(self, b: int) -> None:
        pass


class _Source:
    """The candidates of the patterns that can matter, in the order of
    :meth:`Boilerplate._candidates` (start, priority, longer first, pattern order), growing
    when a removal ends before a pattern that had not been scanned."""

    def __init__(self, text: str, pats: Patterns, trig: _Triggers, patterns: dict[int, bool]):
        self.text = text
        self.pats = pats
        self.trig = trig
        self._low: str | None = None
        self.added: set[int] = set()
        self.cands: list[tuple[tuple, tuple]] = []
        for i, ascii_ in patterns.items():
            self.cands.extend(self._scan(i, ascii_))
        self.cands.sort(key=_first)
        self.pos = 0

    def _scan(self, i: int, ascii_: bool) -> list[tuple[tuple, tuple]]:
        self.added.add(i)
        gate = _gate(self.trig.patterns[i].pattern)
        if gate is not None and not ascii_:
            # as _candidates: a gate word must be in the lower-cased text (it is when the
            # pattern was seen to match with its first word in ASCII)
            if self._low is None:
                self._low = self.text.lower()
            if not any(g in self._low for g in gate):
                return []
        return [((c[0], c[1], -c[2], i), c) for c in _matches(self.text, self.pats, i)]

    def __iter__(self):
        while self.pos < len(self.cands):
            self.pos += 1
            yield self.cands[self.pos - 1][1]

    def removed_up_to(self, b: int) -> None:
        new = {i: a for i, a in self.trig.after(self.text, b).items() if i not in self.added}
        if not new:
            return
        key = self.cands[self.pos - 1][0]
        more = [c for i, a in new.items() for c in self._scan(i, a) if c[0] > key]
        if more:
            self.cands[self.pos:] = sorted(self.cands[self.pos:] + more, key=_first)


def _first(c):
    return c[0]


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


class _Line(list):
    """``tokens(text, start, line_end(text, start, 4000), limit)``, read (in chunks) only as
    far as they are looked at: ``has(i)`` reads up to token ``i``, ``full()`` all of them;
    and :func:`sentence_end` at their starts from the same reading of the line."""

    def __init__(self, text: str, start: int, limit: int):
        super().__init__()
        self.text = text
        self.limit = limit
        stop = line_end(text, start, 4000)
        nl = text.find("\n", start)
        self.whole = stop == (len(text) if nl < 0 else nl)  # sentence_end sees this line end
        self._found = _TOKEN.finditer(text, start, stop)
        self._done = False
        self._ends: dict[int, int | None] = {}

    def has(self, i: int) -> bool:
        """Is there a token ``i`` (below the limit)?"""
        while len(self) <= i and not self._done:
            want = min(max(16, i + 1 - len(self)), self.limit - len(self))
            new = tuple.__new__
            got = [new(Tok, (m.start(), m.end(), m.group())) for m in islice(self._found, want)]
            self.extend(got)
            if len(got) < want or len(self) >= self.limit:
                self._done = True
        return i < len(self)

    def full(self) -> _Line:
        self.has(self.limit)
        return self

    def sentence_end(self, i: int) -> int | None:
        """``sentence_end(text, self[i].start)``."""
        if i in self._ends:
            return self._ends[i]
        got = None
        if not self.whole:  # sentence_end would see more of this (very long) line
            got = sentence_end(self.text, self[i].start)
        else:
            words = lower = 0
            for j in range(i, i + 80):
                if j >= len(self) and not self.has(j):
                    if len(self) >= self.limit:  # the line goes on after the tokens read
                        got = sentence_end(self.text, self[i].start)
                    break
                w = self[j][2]
                words += 1
                lower += is_lower(w)
                if w[-1] in _TERMINAL_CHARS and ends_sentence(w):
                    got = self[j][1] if words >= 4 and lower >= 2 else None
                    break
        self._ends[i] = got
        return got


def run_end(text: str, toks: list[Tok], first: int, pats: Patterns) -> End | None:
    """Where a headline-shaped run (``toks[first:]``, the words after a teaser label or a
    call's opening words) ends; ``toks`` covers the rest of the line (a list, or a
    :class:`_Line` that reads it as far as needed)."""
    line = toks if isinstance(toks, _Line) else None
    if line is not None:
        has, ends = line.has, line.sentence_end
    else:
        def has(i: int) -> bool:
            return i < len(toks)

        def ends(i: int) -> int | None:
            return sentence_end(text, toks[i].start)
    if not has(first):
        if line is not None:
            line.full()
        return End(toks[-1].end if has(0) else 0, "it runs to the end of the line", True, 0.95)
    weak: int | None = None  # the first capitalised word after a lower-case one
    i = first + 1
    while i < first + MAX_HEADLINE + 1 and (i < len(toks) or has(i)):
        t, prev = toks[i], toks[i - 1]
        if ends_sentence(prev.text):
            if weak is not None:
                break
            return End(prev.end, "it ends with its own sentence", True, 0.85)
        if _starts_any(text, t.start, pats):
            return End(prev.end, "another teaser or piece of page furniture follows it", True, 0.85)
        if weak is not None and i - weak > HEADING_WINDOW:
            break
        kind = boundary(prev.text, t.text)
        if kind == "strong" and ends(i) is not None:
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
        if kind == "weak" and weak is None and ends(i) is not None:
            weak = i
        i += 1
    if weak is not None:
        j = heading_before(text, toks, weak, first + 1)
        follows = core(toks[weak].text)
        if j is not None:
            head = text[toks[j].start:toks[weak - 1].end]
            return End(toks[j - 1].end, f"it ends before the run-in heading {head!r}, followed by "
                       f"a sentence that starts with {follows!r}", True, 0.75)
        return End(toks[weak - 1].end, f"it probably ends before {follows!r}, a capitalised word after "
                   "a lower-case one; the end is uncertain", False, 0.5)
    if line is not None:
        line.full()
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
        """The scan of :meth:`find_plain`, over the candidates that can matter only.

        A removal must start a line or a sentence, or follow (across white space) what was
        just removed.  So the first removal is a match at a line or sentence start, and
        :class:`_Triggers` finds those with a few C-level scans, one per kind of start (a
        document without one costs nothing more); a pattern matters when it matches at such
        a start, or right after a removal, and only those patterns are scanned (in full, so
        that their matches are exactly those of :meth:`find_plain`)."""
        pats = patterns_for(ctx)
        trig = _triggers(pats)
        static = trig.at_starts(text)
        if not static:
            return []
        source = _Source(text, pats, trig, static)
        if not source.cands:
            return []
        return self._scan(text, ctx, pats, source)

    def find_plain(self, text: str, ctx: Context) -> list[Edit]:
        """Every match of every pattern looked at (slow; the specification :meth:`find` is
        held to)."""
        pats = patterns_for(ctx)
        cands = self._candidates(text, pats)
        if not cands:
            return []
        return self._scan(text, ctx, pats, _Plain(cands))

    def _scan(self, text: str, ctx: Context, pats: Patterns, source) -> list[Edit]:
        unsafe_ok = bool(getattr(ctx.pipeline, "unsafe_fixes", False))
        removed = _Removed()
        out: list[Edit] = []
        last = -1
        for a, _, opened, kind, extra in source:
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
            source.removed_up_to(b)
        return _tidy(out)

    @staticmethod
    def _candidates(text: str, pats: Patterns) -> list[tuple[int, int, int, str, Any]]:
        """``(start, priority, end_of_opening, kind, extra)``, in text order."""
        out: list[tuple[int, int, int, str, Any]] = []
        low = text.lower()
        for i, pattern in enumerate(_all_patterns(pats)):
            gate = _gate(pattern.pattern)
            if gate is not None and not any(g in low for g in gate):
                continue
            out.extend(_matches(text, pats, i))
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
            chained = _starts_any(text, nxt.start, pats)  # more furniture follows
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
        toks = _Line(text, a, MAX_HEADLINE + HEADING_WINDOW + 40)
        first = 0
        while toks.has(first) and toks[first].start < h:
            first += 1
        if kind == _TEASER:
            if not toks.has(first) and opened == h:
                return None
            nxt = toks[first].text if toks.has(first) else None
            if nxt is not None and not (is_cap(nxt) or nxt[0].isdigit() or nxt[0] in "\"'“‘«"):
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

"""Spacing: hyphens with a stray space, space before punctuation, missing space after a
sentence, doubled spaces, trailing whitespace.

>>> from textmend import mend
>>> mend("a four -day visit to a well- known summit .Then")
'a four-day visit to a well-known summit. Then'
>>> mend("pre- and post-war, two- or three-day, -5 C, a 3-1 win, 1990 -1995, word - word")
'pre- and post-war, two- or three-day, -5 C, a 3-1 win, 1990 -1995, word - word'

Every rule needs evidence, because the same characters are often right:

* a hyphen joins two words only when they make a compound (a number, a productive prefix
  such as ``well``/``non``/``anti``, a productive head such as ``-day``/``-based``/``-led``,
  or the same compound written elsewhere in the text); ``the economy -which stagnated``
  and ``Sydney- nullified`` are dashes;
* punctuation and sentence rules stay out of text in other languages (French puts a space
  before ``!?;:``) and out of spaced ellipses (``. . .``), tickers (``<eric.St.>``) and code;
* the two whitespace-only rules (doubled spaces, trailing whitespace) are opt-in:
  ``select=["TM2"]`` or ``select=["TM204", "TM205"]`` turns them on.

All scans start on a literal (`` -``, ``- ``, `` ,``…) so clean text costs one fast pass
per rule, and every per-match look-around is bounded, so no input is quadratic.
"""
from __future__ import annotations

import re

from ..edits import Edit
from ..evidence import speedup
from ..protect import LanguageGuard, LineIndex
from .base import Context, Rule

RULE_ORDER = ("TM201", "TM202", "TM203", "TM204", "TM205")

# words that follow a suspended hyphen: "pre- and post-war", "two- to three-day",
# and in foreign names "Vereins- und Westbank"
_SUSPENDED = frozenset("""and or to nor but versus vs through than as plus via into
und oder bis et ou y e o en og och""".split())

_NUMBER_WORDS = frozenset("""one two three four five six seven eight nine ten eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
seventy eighty ninety hundred thousand million billion half quarter single double triple
first second third fourth fifth sixth seventh eighth ninth tenth multi""".split())

# productive first elements of English compounds
_PREFIXES = frozenset("""well ill non self ex anti pro co semi multi pre post cross inter
intra extra ultra mid counter pan neo quasi vice sub super long short high low full part far
near hard soft top all so much never ever front home year state world record left right open
broad close fast slow deep wide old new hot cold large small big free hand last
""".split())

# productive second elements (heads) of English compounds
_HEADS = frozenset("""day days week weeks month months year years hour hours minute minutes
decade decades century old long term time based backed led run owned funded made born linked
related controlled sponsored held free wide scale level class style like sized size fold
member members page point party seat storey story mile miles metre metres meter meters
kilometre kilometres kilometer kilometers foot inch percent strong known called awaited
fledged lasting standing looking making keeping building running breaking winning selling
ending leaning wing handed minded speed rich bound driven oriented focused friendly proof
trade haul range profile ranking quality income risk priced paid elect designate""".split())

# words that never end or start a compound: a hyphen next to them is a dash
_FUNCTION = frozenset("""which who whom whose that this these those the a an and or but nor
if then than as at by for from in into of on onto to with without it its is are was were be
been being has have had do does did will would shall should can could may might must not no
he she they we you i me him her them us his their our your my there here what when where why
how also even just only very too yet still""".split())

_LEFT_WORD = re.compile(r"[A-Za-z0-9]{1,40}\Z")
_RIGHT_WORD = re.compile(r"[a-z]{2,40}")


_ASCII_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_ALNUM = frozenset(_ASCII_ALNUM)


def _language_guard(ctx: Context | None, text: str) -> LanguageGuard:
    """One :class:`LanguageGuard` per text, shared by the spacing rules of a pass (its
    answers depend on the text alone)."""
    cache = getattr(ctx, "cache", None)
    if cache is None:
        return LanguageGuard(text)
    guard = cache.get("language_guard")
    if guard is None or guard.text is not text:
        guard = cache["language_guard"] = LanguageGuard(text)
    return guard


def _left_token(text: str, end: int) -> str | None:
    """The word of letters or digits that ends at ``end`` and stands alone on its left
    (after a space, an opening bracket or quote, or the start), else None.  Never a word
    on the line before: a hyphen that opens a line is a list bullet or a dash, and the
    word before the line break is not part of a compound with the word after it."""
    if end <= 0:
        return None
    if text[end - 1] not in _ALNUM:
        return None
    m = _LEFT_WORD.search(text, max(0, end - 41), end)
    if m is None:
        return None
    s = m.start()
    if s > 0 and not (text[s - 1].isspace() or text[s - 1] in "([{\"'“‘"):
        return None
    return m.group()


def _right_token(text: str, start: int) -> str | None:
    """The lower-case word that starts at ``start`` and is a plain word (not followed by a
    hyphen, slash, apostrophe, digit or letter), else None."""
    m = _RIGHT_WORD.match(text, start)
    if m is None:
        return None
    e = m.end()
    if e < len(text) and (text[e].isalnum() or text[e] in "-/_@'’"):
        return None
    return m.group()


_LETTERS = re.compile(r"[A-Za-z]+")


def _compounds_py(text: str) -> list[tuple[str, str]]:
    """``re.findall(r"([A-Za-z0-9]+)-([A-Za-z]+)", text)``, found from the hyphens.

    That pattern tries every position of every word (and rescans the word from each), so it
    costs ~70 ns a character.  A match is the run of ASCII letters and digits before a hyphen
    (cut at the end of the previous match) and the letters after it; the leftmost match from a
    position is the one of the first hyphen after it that has both.
    """
    out: list[tuple[str, str]] = []
    find = text.find
    n = len(text)
    pos = 0
    h = find("-")
    while h >= 0:
        if h - 1 >= pos and h + 1 < n and text[h - 1] in _ALNUM and text[h + 1] in _ALNUM \
                and not text[h + 1].isdigit():
            # the start of the run before the hyphen, at ``pos`` at the earliest
            st = h - 1
            lo = st
            while True:
                lo = max(pos, lo - 64)
                kept = len(text[lo:st].rstrip(_ASCII_ALNUM))
                if kept or lo == pos:
                    st = lo + kept
                    break
                st = lo
            m = _LETTERS.match(text, h + 1)
            out.append((text[st:h], m.group()))
            pos = m.end()
            h = find("-", pos)
        else:
            h = find("-", h + 1)
    return out


#: :func:`_compounds_py` in C (``textmend._speedups.compound_pairs``) where it is in use
_compounds = speedup("compound_pairs", _compounds_py)


class HyphenSpacing(Rule):
    """``four -day`` → ``four-day``, ``well- known`` → ``well-known``."""

    code = "TM201"
    name = "hyphen-spacing"
    family = "spacing"
    description = "stray space next to a hyphen inside a compound word"
    # " -(?=[a-z])" ("four -day") and "- (?=[a-z])" ("well- known") in one scan that starts on
    # the hyphen, not on the (far more frequent) space.  Only where both words can be read:
    # _left_token needs an ASCII letter or digit right before the space or hyphen,
    # _right_token two lower-case letters, so a spaced dash ("word - word") is no match
    _either = re.compile(r"-(?:(?<=[A-Za-z0-9] -)(?=[a-z]{2})|(?<=[A-Za-z0-9]-)(?= [a-z]{2}))")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if "-" not in text:
            return []
        first = self._either.search(text)
        if first is None:  # (most news: no hyphen next to a space between two words)
            return []
        befores: list[int] = []
        afters: list[int] = []
        for m in self._either.finditer(text, first.start()):
            h = m.start()
            if text[h + 1] == " ":
                afters.append(h)
            else:
                befores.append(h - 1)
        if not befores and not afters:
            return []
        out: list[Edit] = []
        guard: LanguageGuard | None = None
        compounds: set[str] | None = None

        def evidence(left: str, right: str) -> bool:
            nonlocal compounds
            lo, r = left.lower(), right.lower()
            if r in _FUNCTION or (lo in _FUNCTION and lo not in _PREFIXES):
                return False
            if left.isdigit() or lo in _NUMBER_WORDS or lo in _PREFIXES or r in _HEADS:
                return True
            if compounds is None:  # the same compound written correctly elsewhere
                compounds = {f"{a.lower()}-{b.lower()}" for a, b in _compounds(text)}
            return f"{lo}-{r}" in compounds

        for s in befores:
            left = _left_token(text, s)
            if left is None or not (left.isalpha() or left.isdigit()):
                continue
            right = _right_token(text, s + 2)
            if right is None:
                continue
            if not evidence(left, right):
                continue
            guard = guard or _language_guard(ctx, text)
            if guard.foreign(s):
                continue
            out.append(self.edit(s, s + 1, "", "space before the hyphen of a compound removed"))
        for hy in afters:
            left = _left_token(text, hy)
            if left is None or not (left.isdigit() or (left.isalpha() and len(left) >= 2)):
                continue
            right = _right_token(text, hy + 2)
            if right is None or right in _SUSPENDED:
                continue
            if not evidence(left, right):
                continue
            guard = guard or _language_guard(ctx, text)
            if guard.foreign(hy):
                continue
            out.append(self.edit(hy + 1, hy + 2, "", "space after the hyphen of a compound removed"))
        return out


_CLOSERS = ")]\"”’'%"


def _mark_after_space(mark: str):
    """The mark (a literal, so ``re`` skips to it in a tight C loop), then a look back for
    the space: where `` `` + mark occurs."""
    return re.compile(re.escape(mark) + "(?<= " + re.escape(mark) + ")").search


_COMMA, _STOP, _SEMI, _COLON, _BANG, _QUERY = map(_mark_after_space, ",.;:!?")


def spaced_mark(text: str) -> bool:
    """Whether a space stands before one of ``,.;:!?`` anywhere in ``text``: exactly where
    :attr:`SpaceBeforePunctuation._re` matches (most news has no such place).

    One scan per mark, each skipping to the mark, is cheaper than ``_re``'s own scan, which
    stops at every space.  ``,`` and ``.`` are in every story; the rarer marks are first
    looked for with ``in`` (memchr speed), which most stories answer with no.
    """
    return (_COMMA(text) is not None or _STOP(text) is not None
            or (";" in text and _SEMI(text) is not None) or (":" in text and _COLON(text) is not None)
            or ("!" in text and _BANG(text) is not None) or ("?" in text and _QUERY(text) is not None))


class SpaceBeforePunctuation(Rule):
    """``week , according`` → ``week, according``; ``summit .Then`` → ``summit. Then``."""

    code = "TM202"
    name = "space-before-punctuation"
    family = "spacing"
    description = "space before punctuation removed"
    _re = re.compile(r" [,.;:!?]")
    # sentence starters after a misplaced full stop ("summit .Then")
    _STARTERS = frozenset("""The A An He She It They We I This That These Those There In On At
For But And However Then His Her Their Its Our After Before When While As If According
Meanwhile Also Some Many Most No So Yet Now Today Yesterday Earlier Later Both Each""".split())
    _cap = re.compile(r"[A-Z][a-z]*")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if not spaced_mark(text):
            return []
        out: list[Edit] = []
        guard: LanguageGuard | None = None
        n = len(text)
        last = -1
        for m in self._re.finditer(text):
            p = m.end() - 1          # the punctuation mark
            c = text[p]
            s = p - 1
            while s > 0 and s > p - 20 and text[s - 1] in " \t":
                s -= 1
            if s <= last or s == 0:
                continue
            prev = text[s - 1]
            if not (prev.isalnum() or prev in _CLOSERS):
                continue
            nxt = text[p + 1] if p + 1 < n else ""
            moved = False
            if c == ".":
                if nxt == "." or prev == "." or text.startswith(" .", p + 1):
                    continue  # ". . ." a spaced ellipsis
                if nxt and nxt.isalpha():  # "summit .Then": the stop belongs to the word
                    w = self._cap.match(text, p + 1)
                    if not (w and w.group() in self._STARTERS and text[s - 2:s].isalpha()
                            and text[s - 2:s].islower()):
                        continue
                    e = w.end()
                    if e < n and (text[e].isalnum() or text[e] in "._-/@"):
                        continue
                    moved = True
                elif nxt and not (nxt.isspace() or nxt in "\"”’)"):
                    continue
            elif c in ":;":
                if nxt and not (nxt.isspace() or nxt in "\"”’"):  # ":)" ";-)" "10 :30"
                    continue
            elif nxt and not (nxt.isspace() or nxt in "\"”’)"):
                continue
            guard = guard or _language_guard(ctx, text)
            if guard.foreign(p):
                continue
            last = p
            if moved:
                out.append(self.edit(s, p + 1, ". ", "space before a full stop moved after it"))
            else:
                out.append(self.edit(s, p, ""))
        return out


# abbreviations that end in a full stop and are followed by a capitalised word
_ABBREVIATIONS = frozenset("""mr mrs ms dr st mt ft sr jr prof gen col lt sgt capt cmdr adm
gov sen rep rev hon corp inc ltd co bros no nos vol vols fig figs pp ed eds jan feb mar apr
jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun vs etc approx
dept est univ assn ave blvd rd""".split())


class MissingSpaceAfterSentence(Rule):
    """``visit.The`` → ``visit. The``; ``said.“We`` → ``said. “We``; ``said.”We`` → ``said.” We``.

    A straight ``"`` after the stop may open the next quotation or close the last one: the
    quotes before it on the line decide (an even count: it opens).
    """

    code = "TM203"
    name = "missing-sentence-space"
    family = "spacing"
    description = "missing space after the end of a sentence inserted"
    _after = '(?=["”’)“‘]?[A-Z][a-z])'
    _dot = re.compile(r"\." + _after)
    _bang = re.compile(r"!" + _after)
    _query = re.compile(r"\?" + _after)
    _word = re.compile(r"(?:[a-z]{2,40}|[A-Z][a-z]{1,40}|\d{4})$")
    # the next sentence's first word, standing as a word of prose: then the end, a space, or
    # punctuation and a space ("It's", "Basically, ...", "Then." but not "Ghi,jkl" or "St.>")
    _prose = re.compile(r"[A-Z][a-z]+(?:['’][a-z]{1,3})?(?:[,;:.!?\"'”’)\]-]*(?:\s|$))")
    QUOTE_WINDOW = 2000

    def _matches(self, text: str) -> list[re.Match]:
        """The matches of ``_dot``, then ``_bang``, then ``_query``.  Each pattern opens with
        its mark (``re`` skips to it in C); ``search`` answers the common "none" without
        building an iterator, and ``finditer`` goes on from the first match."""
        found: list[re.Match] = []
        for mark, pattern in ((".", self._dot), ("!", self._bang), ("?", self._query)):
            if mark in text:
                m = pattern.search(text)
                if m is not None:
                    found.extend(pattern.finditer(text, m.start()))
        return found

    def find(self, text: str, ctx: Context) -> list[Edit]:
        out: list[Edit] = []
        guard: LanguageGuard | None = None
        lines: LineIndex | None = None
        matches = self._matches(text)
        if not matches:
            return out
        for m in matches:
            p = m.start()
            q = text[p + 1]
            if self._prose.match(text, p + 1 if q.isupper() else p + 2) is None:
                continue  # an identifier or a blob, not prose: "System.Drawing.Color"
            w = self._word.search(text, max(0, p - 41), p)
            if w is None:
                continue
            ws = w.start()
            if ws > 0:
                before = text[ws - 1]
                if not (before.isspace() or before in "([\"'“‘-–—"):
                    continue  # part of a bigger token: "<eric.St.>", "www.x.Com", "a.b.Cd"
            word = w.group()
            if word.lower() in _ABBREVIATIONS or (word[0].isupper() and len(word) <= 3):
                continue  # "Mr.Smith", "St.Louis", "Gov.Brown"
            at = p + 1                       # where the space goes
            if q in "”’)":
                at += 1                      # after a closing quote
            elif q == '"':
                lines = lines or _language_guard(ctx, text).lines
                ls = lines.bounds(p)[0]
                if p - ls > self.QUOTE_WINDOW:
                    continue                 # too far to count: do not guess
                if text.count('"', ls, p) % 2:
                    at += 1                  # an odd count before: this one closes
            guard = guard or _language_guard(ctx, text)
            if guard.foreign(p):
                continue
            out.append(self.edit(at, at, " "))
        return out


# characters that start a UTF-8 sequence whose byte A0 became a space (ftfy's
# restore_byte_a0): "voilÃ  le" is mojibake for "voilà le", not a doubled space
_A0_LEADS = frozenset(bytes([b]).decode("cp1252") for b in b"\xc2\xc3\xc5\xce\xd0\xd9\xe0\xe1\xe2\xe3")


class RepeatedSpaces(Rule):
    """``the  reconstruction`` → ``the reconstruction`` (not in aligned tables).  Opt-in.

    Off by default, like every rule that only changes layout: a doubled space never changes
    a word, is often on purpose (aligned columns, two spaces after a sentence), and turning it
    on costs two guarantees at once.  ftfy deletes a control character and keeps the spaces
    around it (``"a \\x1a b"`` → ``"a  b"``); collapsing them in the same run breaks ftfy
    compatibility, and collapsing them only in a second run would make mending not idempotent.
    """

    code = "TM204"
    name = "repeated-spaces"
    family = "spacing"
    description = "doubled space between words collapsed"
    default_enabled = False
    _re = re.compile(r"  +")
    _runs = re.compile(r"\S {2,}(?=\S)")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if "  " not in text:
            return []
        out: list[Edit] = []
        lines: LineIndex | None = None
        aligned: dict[int, bool] = {}
        n = len(text)
        for m in self._re.finditer(text):
            s, e = m.span()
            if e - s > 3 or s == 0 or e >= n:
                continue
            prev, nxt = text[s - 1], text[e]
            if not ((prev.isalpha() or prev == ",") and nxt.isalpha()):
                continue
            if prev in _A0_LEADS:
                continue
            lines = lines or _language_guard(ctx, text).lines
            ls, le = lines.bounds(s)
            if ls not in aligned:  # two or more runs in a line: aligned columns, leave them
                aligned[ls] = len(self._runs.findall(text, ls, min(le, ls + 100_000))) > 1
            if aligned[ls]:
                continue
            out.append(self.edit(s, e, " "))
        return out


def _whitespace_start(text: str, end: int) -> int:
    """Where the run of spaces and tabs that ends at ``end`` starts (in chunks: a run of a
    million spaces costs one pass in C, not a million steps in Python)."""
    s = end
    while s > 0:
        lo = max(0, s - 4096)
        kept = len(text[lo:s].rstrip(" \t"))
        if kept:
            return lo + kept
        s = lo
    return 0


class TrailingWhitespace(Rule):
    """Spaces and tabs at the end of a line removed.  Opt-in, for the reasons given for
    :class:`RepeatedSpaces` (and a trailing double space is a line break in Markdown)."""

    code = "TM205"
    name = "trailing-whitespace"
    family = "spacing"
    description = "trailing whitespace removed"
    default_enabled = False

    def find(self, text: str, ctx: Context) -> list[Edit]:
        ends: list[int] = []
        for nl in ("\n", "\r"):
            if nl not in text:
                continue
            for ws in (" ", "\t"):
                if ws + nl in text:
                    ends.extend(m.start() + 1 for m in re.finditer(re.escape(ws + nl), text))
        if text and text[-1] in " \t":
            ends.append(len(text))
        out: list[Edit] = []
        seen: set[int] = set()
        for e in sorted(ends):
            if e in seen:
                continue
            seen.add(e)
            s = _whitespace_start(text, e)
            if s == 0 or text[s - 1].isspace():
                continue  # a line of nothing but whitespace
            out.append(self.edit(s, e, ""))
        return out

"""Encoding damage, repaired by ftfy: mojibake, HTML entities, control characters, Unicode forms.

textmend never re-implements ftfy's fixers.  Each rule here runs one group of them, and only
on the lines that can contain that kind of damage (TM102 runs ftfy's own loop over its fixers,
step for step, but calls a fixer only when the line holds a character that fixer maps:
:func:`fix_and_explain`).  The author's typography is kept (ftfy's
``uncurl_quotes`` and ``fix_line_breaks`` are off), and every repair is reported as the
smallest span that changed.

Compatibility: on every line these two rules give exactly what
``ftfy.fix_text(line, uncurl_quotes=False, fix_line_breaks=False)`` gives (checked against
ftfy's own test cases and by property tests).  One deliberate difference for multi-line
input: ftfy stops decoding HTML entities in *every later line* once it has seen a ``<``;
textmend decides line by line.

Cheap gates (why mostly-ASCII news costs almost nothing): ftfy's fixers can only change a
line that contains one of the characters they map (controls, C1 controls, ligatures,
full-width forms, surrogates), that is not in NFC, or that its mojibake heuristic
(``ftfy.badness.is_bad``) flags.  Every pattern of that heuristic needs a C1 control, two
non-ASCII characters side by side, or one of ``Œ œ Ã Â``; so a line of well-formed text with
curly quotes, dashes, accented letters and ``£``/``€`` between ASCII never reaches ftfy.

>>> from textmend import mend
>>> mend("Nicol\\u00c3\\u00a1s Maduro met S\\u00c3\\u00a3o Paulo\\u00e2\\u20ac\\u2122s mayor")
'Nicolás Maduro met São Paulo’s mayor'
>>> mend("research &amp; development, &amp;quot;double&amp;quot; escaped")
'research & development, "double" escaped'
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator

import ftfy
import ftfy.fixes
import regex
from ftfy import badness, chardata

from ..edits import Edit
from ..evidence import long_pieces
from .base import Context, Rule

RULE_ORDER = ("TM101", "TM102", "TM103")

_OFF = dict(
    unescape_html=False, fix_encoding=False, restore_byte_a0=True, replace_lossy_sequences=True,
    decode_inconsistent_utf8=True, fix_c1_controls=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False,
    remove_terminal_escapes=False, remove_control_chars=False, normalization=None, explain=True,
)


def _config(**on) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(**{**_OFF, **on})


#: ftfy.fix_text cuts lines longer than this into segments; textmend cuts at the same places
MAX_SEGMENT = ftfy.TextFixerConfig().max_decode_length


def _char_class(chars) -> str:
    out = []
    for c in sorted(set(chars)):
        c = chr(c) if isinstance(c, int) else c
        out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                   else f"\\U{ord(c):08x}")
    return "".join(out)


# every character a non-mojibake fixer of ftfy maps to something else (built from ftfy's
# own tables, so a new ftfy release that maps more characters widens the gate with it)
_FIXER_CHARS = (set(chardata.CONTROL_CHARS) | set(chardata.LIGATURES) | set(chardata.WIDTH_MAP)
                | set(range(0x80, 0xA0)))
_FIXER_CLASS = _char_class(_FIXER_CHARS) + r"\ud800-\udfff"
#: a character some fixer other than the mojibake repair changes
FIXER_RE = re.compile(f"[{_FIXER_CLASS}]")
_ASCII_CONTROLS = bytes(c for c in _FIXER_CHARS if c < 0x80)
_ASCII_FIXER_RE = re.compile(f"[{_char_class(_ASCII_CONTROLS)}]")
_ASCII_CONTROL_CHARS = tuple(map(chr, _ASCII_CONTROLS))
#: a lone non-ASCII character that needs ftfy: a fixer's character, or one that ftfy's
#: mojibake heuristic flags on its own (Œ œ Ã Â); every other pattern of that heuristic
#: needs two non-ASCII characters side by side
_SINGLES = frozenset(chr(c) for c in _FIXER_CHARS if c >= 0x80) | frozenset("\u0152\u0153\u00c3\u00c2")
#: runs of non-ASCII characters, and pairs (the ``regex`` module scans for these ~20x faster
#: than ``re``; ``re`` is the faster one for a class of single characters)
_RUN = regex.compile(r"[^\x00-\x7f]+")
_PAIR = regex.compile(r"[^\x00-\x7f]{2}")
_SINGLE_RE = re.compile(f"[{_char_class(_SINGLES)}\\ud800-\\udfff]")
_HOT_SINGLES = _SINGLES | frozenset(map(chr, range(0xD800, 0xE000)))
#: the longest match of ftfy's badness patterns is 7 characters
_BAD_REACH = 10


def _has_ascii_controls(text: str) -> bool:
    """Whether ``text`` holds one of the ASCII control characters ftfy's fixers act on: a
    ``str.find`` of each (memchr speed; ~1.5x faster than translating the encoded text).
    A long text outside ASCII is searched block by block: one curly quote makes all of it
    a UCS-2 string, where each search costs ~8x more, while most of its blocks are Latin-1
    (10 MB of news: 73 ms whole)."""
    blocks = long_pieces(text)
    return _has_controls(text) if blocks is None else any(map(_has_controls, blocks))


def _has_controls(text: str) -> bool:
    for c in _ASCII_CONTROL_CHARS:
        if c in text:
            return True
    return False


def _hot_run(run: str) -> bool:
    return len(run) > 1 or run in _SINGLES or "\ud800" <= run <= "\udfff"


def is_bad(segment: str) -> bool:
    """``ftfy.badness.is_bad``, searched only around the places that can match (every
    pattern holds a C1 control, two adjacent non-ASCII characters, or one of Œ œ Ã Â)."""
    if len(segment) <= 64:
        return badness.is_bad(segment)
    return _is_bad_windowed(segment)


def _is_bad_windowed(segment: str) -> bool:
    search = badness.BADNESS_RE.search
    lo = hi = -1
    for m in _RUN.finditer(segment):
        if not _hot_run(m.group()):
            continue
        s, e = max(0, m.start() - _BAD_REACH), m.end() + _BAD_REACH
        if s > hi + 256:  # nearby windows are searched as one (a call costs more than a scan)
            if hi > lo and search(segment, lo, hi):
                return True
            lo = s
        hi = e
    return hi > lo and bool(search(segment, lo, hi))


def needs_ftfy(segment: str) -> bool:
    """True when ftfy's fixers (with textmend's configuration) could change ``segment``.

    Exact, not a guess: ftfy's first pass leaves a segment alone unless one of these holds.
    """
    if FIXER_RE.search(segment):
        return True
    if segment.isascii():
        return False
    return not unicodedata.is_normalized("NFC", segment) or is_bad(segment)


def _segment(text: str, pos: int) -> tuple[int, int]:
    """The ftfy segment (a line, cut every MAX_SEGMENT characters) that holds ``pos``."""
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    le = len(text) if le < 0 else le + 1
    if le - ls > MAX_SEGMENT:
        ls += (pos - ls) // MAX_SEGMENT * MAX_SEGMENT
        le = min(le, ls + MAX_SEGMENT)
    return ls, le


def _scan(text: str, pattern, found: dict[int, int], test=None) -> None:
    """Add the segments where ``pattern`` matches (and ``test(match)`` holds) to ``found``;
    after a hit the scan jumps to the end of its segment, so each segment costs one hit."""
    pos = 0
    search = pattern.search
    while (m := search(text, pos)) is not None:
        a, b = m.span()
        if test is not None and not test(m):
            pos = b
            continue
        for p in (a, b - 1):  # a match cut by a segment boundary belongs to both segments
            s, e = _segment(text, p)
            found[s] = e
        pos = max(e, b)


# ftfy.fix_and_explain, step for step, with each fixer run only when the text holds a
# character it maps (ftfy runs every fixer, and its mojibake heuristic, on the whole segment
# in every round of its loop: ~5 ms for a damaged 1,500-character line).  Exact by
# construction: a fixer that is skipped would have returned its input unchanged, and the
# heuristic is ftfy's own, searched where it can match.  Used with the ftfy versions it was
# checked against (the tests compare it with ftfy.fix_and_explain); others take ftfy's path.
_ONE_STEP = getattr(ftfy, "_fix_encoding_one_step_and_explain", None)
_FAST_FTFY = (_ONE_STEP is not None and ftfy.__version__.split(".")[:2] in (["6", "2"], ["6", "3"])
              and chardata.C1_CONTROL_RE.pattern == "[\\x80-\\x9f]"
              and chardata.HTML_ENTITY_RE.pattern.startswith("&"))
#: the fixers after the mojibake repair, in ftfy's order; each changes only text that holds
#: a character of FIXER_RE (C1 controls, ligatures, full-width forms, surrogates, controls,
#: ESC), except uncurl_quotes and fix_line_breaks, which always run when they are on
_AFTER = ("fix_c1_controls", "fix_latin_ligatures", "fix_character_width", "uncurl_quotes",
          "fix_line_breaks", "fix_surrogates", "remove_terminal_escapes", "remove_control_chars")
_UNGATED = frozenset({"uncurl_quotes", "fix_line_breaks"})


def fix_and_explain(text: str, config: ftfy.TextFixerConfig) -> tuple[str, list]:
    """``ftfy.fix_and_explain(text, config)`` (with ``config.explain`` on), faster."""
    if not _FAST_FTFY:
        fixed, steps = ftfy.fix_and_explain(text, config)
        return fixed, steps
    if config.unescape_html == "auto" and "<" in text:
        config = config._replace(unescape_html=False)
    Step = ftfy.ExplanationStep
    fixers = ftfy.FIXERS
    after = [name for name in _AFTER if getattr(config, name)]
    steps: list = []
    while True:
        origtext = text
        if config.unescape_html and "&" in text:  # its pattern starts with "&"
            fixed = fixers["unescape_html"](text)
            if fixed != text:
                steps.append(Step("apply", "unescape_html"))
            text = fixed
        if config.fix_encoding:
            while text and not text.isascii() and is_bad(text):  # else ftfy's step is a no-op
                before = text
                text, plan = _ONE_STEP(text, config)
                if plan is not None:
                    steps.extend(plan)
                if text == before:
                    break
        gated = FIXER_RE.search(text) is None
        for name in after:
            if gated and name not in _UNGATED:
                continue
            fixed = fixers[name](text)
            if fixed != text:
                steps.append(Step("apply", name))
                if name in _UNGATED:
                    gated = FIXER_RE.search(fixed) is None
            text = fixed
        if config.normalization is not None:
            fixed = unicodedata.normalize(config.normalization, text)
            if fixed != text:
                steps.append(Step("normalize", config.normalization))
            text = fixed
        if text == origtext:
            return text, steps


def candidate_segments(text: str, ctx: Context | None = None) -> list[tuple[int, int]]:
    """Spans of the segments of ``text`` that ftfy could change, in order (a superset of
    the segments for which :func:`needs_ftfy` holds).  Clean text costs a few scans in C.
    With a ``ctx``, whether the text has a pair is left for TM103 (:func:`has_pair`)."""
    found: dict[int, int] = {}
    if _has_ascii_controls(text):
        _scan(text, _ASCII_FIXER_RE, found)
    if text.isascii():
        return sorted(found.items())
    # the distinct non-ASCII runs, joined (a few hundred characters for a news story):
    # whether the text has a pair or a hot single is decided on them, and the text is
    # scanned only for what is there
    distinct = set(_RUN.findall(text))
    runs = "\n".join(distinct)
    pair = _PAIR.search(runs) is not None
    cache = getattr(ctx, "cache", None)
    if cache is not None:
        cache["has_pair"] = (text, pair)
    if pair:
        _scan(text, _PAIR, found)
    if not _HOT_SINGLES.isdisjoint(runs):
        _scan(text, _SINGLE_RE, found)
    # NFC from the runs too: the text is in NFC when every run is and none starts with a
    # combining character (an ASCII character is a starter that composes with nothing but a
    # combining mark after it); otherwise the whole text is checked
    if (any(map(unicodedata.combining, [r[0] for r in distinct]))
            or not unicodedata.is_normalized("NFC", runs)) and not unicodedata.is_normalized("NFC", text):
        # a combining mark composes with the character before it, ASCII or not
        _scan(text, _RUN, found,
              lambda m: not unicodedata.is_normalized("NFC", text[max(0, m.start() - 1):m.end()]))
    return sorted(found.items())


def has_pair(text: str, ctx: Context | None = None) -> bool:
    """Whether two non-ASCII characters stand side by side in ``text`` (``_PAIR`` matches).

    Answered from what TM102 found (:func:`candidate_segments`) while the text is the same
    object: a pair in the text is a pair inside one of its distinct runs of non-ASCII
    characters, which TM102 joins with newlines (ASCII) and searches."""
    got = getattr(ctx, "cache", {}).get("has_pair")
    if got is not None and got[0] is text:
        return got[1]
    return _PAIR.search(text) is not None


def _common_prefix(a: str, b: str, limit: int) -> int:
    """The length of the common prefix of ``a`` and ``b`` (at most ``limit``), found by
    halving with slice comparisons (in C), not character by character."""
    lo, hi = 0, limit  # a[:lo] == b[:lo], and the answer is at most hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the common suffix of ``a`` and ``b`` (at most ``limit``)."""
    la, lb = len(a), len(b)
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - lo] == b[lb - mid:lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def diff_edits(rule: Rule, start: int, before: str, after: str, message: str) -> Iterator[Edit]:
    """Yield the smallest edits that turn ``before`` (at ``start``) into ``after``."""
    if before == after:
        return
    # trim the common prefix and suffix first: most repairs are small
    limit = min(len(before), len(after))
    p = _common_prefix(before, after, limit)
    q = _common_suffix(before, after, limit - p)
    a, b = before[p:len(before) - q], after[p:len(after) - q]
    if len(a) + len(b) > 2000:  # long hunk: one edit is cheaper than a diff
        yield rule.edit(start + p, start + p + len(a), b, message)
        return
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    pending = None
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            if i2 - i1 > 1 and pending:
                yield rule.edit(start + p + pending[0], start + p + pending[1], b[pending[2]:pending[3]], message)
                pending = None
            continue
        if pending is None:
            pending = [i1, i2, j1, j2]
        else:
            pending[1], pending[3] = i2, j2
    if pending:
        yield rule.edit(start + p + pending[0], start + p + pending[1], b[pending[2]:pending[3]], message)


def _describe(steps) -> str:
    if not steps:
        return ""
    return "; ".join(f"{kind} {name}" for kind, name in steps)


def _unescape_all(s: str) -> str:
    """ftfy's entity decoding, repeated until stable (``&amp;quot;`` → ``"``), as ftfy loops."""
    for _ in range(len(s)):
        again = ftfy.fixes.unescape_html(s)
        if again == s:
            break
        s = again
    return s


class HtmlEntities(Rule):
    """``research &amp; development`` → ``research & development``.

    ftfy's decoder (named entities that end in ``;``, numeric references, the all-caps forms
    of Latin letters), repeated until stable.  A line that contains ``<`` is markup: it is
    left to HTML tools, as ftfy does.
    """

    code = "TM101"
    name = "html-entity"
    family = "encoding"
    description = "HTML entity decoded"
    respects_protected = False
    # an entity, with any "&amp;" layers of double escaping in front of it
    _entity = re.compile(r"&(?:(?:amp|AMP|#0*38|#[xX]0*26);)*#?[0-9A-Za-z]{1,24};")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if "&" not in text:
            return []
        edits: list[Edit] = []
        pos = 0
        entity = self._entity
        seen: dict[str, str] = {}  # entity -> decoded (documents repeat a few entities)
        while True:
            m = entity.search(text, pos)
            if m is None:
                break
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.start())
            le = len(text) if le < 0 else le + 1
            pos = le
            line = text[ls:le]
            if "<" in line:  # markup: leave it to HTML tools
                continue
            line_edits = []
            for em in entity.finditer(line):
                ent = em.group()
                fixed = seen.get(ent)
                if fixed is None:
                    fixed = seen[ent] = _unescape_all(ent)
                if fixed != ent:
                    line_edits.append(self.edit(ls + em.start(), ls + em.end(), fixed,
                                                f"HTML entity {ent} decoded"))
            if not line_edits:
                continue
            # the entity-by-entity result must be ftfy's whole-line result; else one diff
            want = _unescape_all(line)
            got, p = [], ls
            for e in line_edits:
                got.append(text[p:e.start])
                got.append(e.replacement)
                p = e.end
            got.append(text[p:le])
            if "".join(got) == want:
                edits.extend(line_edits)
            else:
                edits.extend(diff_edits(self, ls, line, want, self.description))
        return edits


# segments that ftfy leaves alone (its own output, or a segment it did not change), so
# that the pipeline's next pass (it runs the rules until nothing changes) does not scan
# them again; keyed by hash and length, the last few hundred
_STABLE: OrderedDict[tuple, None] = OrderedDict()


def _remember(key: tuple) -> None:
    _STABLE[key] = None
    if len(_STABLE) > 512:
        _STABLE.popitem(last=False)


class Encoding(Rule):
    """Mojibake, C1 and other control characters, surrogates, terminal escapes, NFC,
    Latin ligatures and full-width characters: ftfy's fixers, looped until stable, on the
    lines that can contain them."""

    code = "TM102"
    name = "encoding"
    family = "encoding"
    description = "encoding damage repaired"
    respects_protected = False
    config = _config(fix_encoding=True, fix_c1_controls=True, fix_surrogates=True,
                     remove_terminal_escapes=True, remove_control_chars=True,
                     fix_latin_ligatures=True, fix_character_width=True, normalization="NFC")
    # with TM101 in the pipeline, ftfy's loop also decodes entities that a repair uncovers
    # (full-width "＆ａｍｐ；" → "&amp;" → "&"), exactly as ftfy.fix_text does
    config_html = config._replace(unescape_html="auto")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        segments = candidate_segments(text, ctx)
        if not segments:
            return []
        rules = getattr(getattr(ctx, "pipeline", None), "rules", ())
        html = any(getattr(r, "code", "") == "TM101" for r in rules)
        edits: list[Edit] = []
        for s, e in segments:
            seg = text[s:e]
            key = (hash(seg), len(seg), html)
            if key in _STABLE:  # seen already: ftfy leaves it alone
                continue
            if not needs_ftfy(seg):
                _remember(key)
                continue
            config = self.config_html if html and "<" not in seg else self.config
            fixed, steps = fix_and_explain(seg, config)
            # ftfy loops until stable: its output needs nothing in the next pass
            _remember((hash(fixed), len(fixed), html))
            if fixed != seg:
                why = _describe(steps)
                edits.extend(diff_edits(self, s, seg, fixed,
                                        f"{self.description} ({why})" if why else self.description))
        return edits


def _bytes_as(codecs: tuple[str, ...], lo: int, hi: int, letters_only: bool = False) -> str:
    out = set()
    for codec in codecs:
        for b in range(lo, hi):
            try:
                c = bytes([b]).decode(codec)
            except UnicodeDecodeError:
                continue
            if not letters_only or unicodedata.category(c) in ("Lu", "Ll", "Lo"):
                out.add(c)
    return _char_class(out)


_WORD_CODECS = ("cp1252", "latin-1")
#: first bytes of UTF-8 sequences, misread
_LEAD = _bytes_as(_WORD_CODECS, 0xC2, 0xF5)
#: continuation bytes misread as *letters* (Š š Œ œ Ž ž Ÿ ƒ ª µ º); the others read as
#: punctuation or symbols (’ … ™ — ® ¡ ´), which next to an accented capital are real text
#: as often as mojibake ("VOCÊ…", "NESTLÉ®", "ZZAJÉ’s"): ftfy's business, with context
_CONT = _bytes_as(_WORD_CODECS, 0x80, 0xC0, letters_only=True)


class WordMojibake(Rule):
    """``ErdoÄŸan`` → ``Erdoğan``: mojibake inside a word that ftfy's heuristic lets pass.

    ftfy leaves a lone misread letter alone when its two characters look plausible
    (``ÄŸ`` for ``ğ``, ``ÅŸ`` for ``ş``, ``Åš`` for ``Ś``).  This rule repairs a word only
    with strong evidence: it is made of letters, its misread bytes read as letters too, the
    whole word encoded back as cp1252 (or Latin-1) is valid UTF-8, and that decodes to a word
    of letters again.  A real word passes that test essentially never: none of the ~290,000
    words of GeoNames' place names, in all their languages, does.
    """

    code = "TM103"
    name = "word-mojibake"
    family = "encoding"
    description = "mojibake inside a word repaired"
    _word = re.compile(f"(?:[{_LEAD}][{_CONT}]{{1,3}}|[^\\W\\d_])+")

    _wordish = re.compile(f"[{_LEAD}]|[^\\W\\d_]")  # a character a word can hold

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if text.isascii() or not has_pair(text, ctx):
            return []  # (a word of mojibake holds a pair)
        lines: dict[int, int] = {}
        _scan(text, _PAIR, lines)
        out: list[Edit] = []
        for s, e in sorted(lines.items()):
            for m in self._words(text, s, e):
                word = m.group()
                if word.isascii() or len(word) < 2:
                    continue
                fixed = word_mojibake(word)
                if fixed is not None:
                    out.extend(diff_edits(self, m.start(), word, fixed,
                                          f"{word!r} is {fixed!r} read with the wrong encoding"))
        return out

    def _words(self, text: str, s: int, e: int) -> Iterator[re.Match]:
        """The matches of ``_word.finditer(text, s, e)`` that can be mojibake, in order: those
        that meet a run of two or more non-ASCII characters (a word with no two such characters
        side by side never decodes to anything else).  The others are skipped, not scanned:
        the scan starts after the last character before a run that no word can hold."""
        finditer, wordish = self._word.finditer, self._wordish.match
        pos = s  # the matches from ``pos`` on are those of a scan from ``s``
        for run in _RUN.finditer(text, s, e):
            ra, rb = run.span()
            if rb - ra < 2 or rb <= pos:
                continue
            st = max(ra, pos)
            floor = max(pos, st - 64)
            while st > floor and wordish(text, st - 1):
                st -= 1
            if st == floor and st > pos:
                st = pos  # a long word: scan from ``pos`` (still exact)
            for m in finditer(text, st, e):
                if m.start() >= rb:
                    pos = m.start()
                    break
                yield m
                pos = m.end()
            else:
                return  # no more words in the segment


def word_mojibake(word: str) -> str | None:
    """The word that ``word`` is mojibake of, or None (see :class:`WordMojibake`)."""
    for codec in _WORD_CODECS:
        try:
            fixed = word.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if fixed != word and fixed.isalpha() and not fixed.isascii():
            return fixed
    return None

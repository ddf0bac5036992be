"""Encoding damage, repaired by ftfy: mojibake, HTML entities, control characters, Unicode forms.

textmend never re-implements ftfy.  Each rule here runs one group of ftfy's fixers, and only
on the lines that can contain that kind of damage.  The author's typography is kept (ftfy's
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
from collections.abc import Iterator

import ftfy
import ftfy.fixes
from ftfy import badness, chardata

from ..edits import Edit
from .base import Context, Rule

RULE_ORDER = ("TM101", "TM102")

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
#: the ASCII ones (control characters, escape): the only work on an ASCII text
_ASCII_FIXER_RE = re.compile(f"[{_char_class(c for c in _FIXER_CHARS if c < 0x80)}]")
#: necessary for ``badness.is_bad``: C1 (in FIXER_RE), two non-ASCII side by side, or Œ œ Ã Â
_CANDIDATE_RE = re.compile(f"[{_FIXER_CLASS}\u0152\u0153\u00c3\u00c2]|[^\\x00-\\x7f]{{2}}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def needs_ftfy(segment: str) -> bool:
    """True when ftfy's fixers (with textmend's configuration) could change ``segment``.

    Exact, not a guess: ftfy's first pass leaves a segment alone unless one of these holds.
    """
    return bool(FIXER_RE.search(segment)) or (
        not segment.isascii() and (badness.is_bad(segment)
                                   or not unicodedata.is_normalized("NFC", segment)))


def _segment(text: str, pos: int) -> tuple[int, int]:
    """The ftfy segment (a line, cut every MAX_SEGMENT characters) that holds ``pos``."""
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    le = len(text) if le < 0 else le + 1
    if le - ls > MAX_SEGMENT:
        ls += (pos - ls) // MAX_SEGMENT * MAX_SEGMENT
        le = min(le, ls + MAX_SEGMENT)
    return ls, le


def candidate_segments(text: str) -> list[tuple[int, int]]:
    """Spans of the segments of ``text`` that ftfy could change, in order."""
    if text.isascii():
        pattern = _ASCII_FIXER_RE
    else:
        pattern = _CANDIDATE_RE
    found: dict[int, int] = {}
    pos = 0
    search = pattern.search
    while True:
        m = search(text, pos)
        if m is None:
            break
        s, e = _segment(text, m.start())
        found[s] = e
        pos = max(e, m.start() + 1)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        pos = 0
        while True:
            m = _NON_ASCII.search(text, pos)
            if m is None:
                break
            s, e = _segment(text, m.start())
            if s not in found and not unicodedata.is_normalized("NFC", text[s:e]):
                found[s] = e
            pos = max(e, m.start() + 1)
    return sorted(found.items())


def diff_edits(rule: Rule, start: int, before: str, after: str, message: str) -> Iterator[Edit]:
    """Yield the smallest edits that turn ``before`` (at ``start``) into ``after``."""
    if before == after:
        return
    # trim the common prefix and suffix first: most repairs are small
    p = 0
    limit = min(len(before), len(after))
    while p < limit and before[p] == after[p]:
        p += 1
    q = 0
    while q < limit - p and before[-1 - q] == after[-1 - q]:
        q += 1
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
        segments = candidate_segments(text)
        if not segments:
            return []
        rules = getattr(getattr(ctx, "pipeline", None), "rules", ())
        html = any(getattr(r, "code", "") == "TM101" for r in rules)
        edits: list[Edit] = []
        for s, e in segments:
            seg = text[s:e]
            if not needs_ftfy(seg):
                continue
            config = self.config_html if html and "<" not in seg else self.config
            fixed, steps = ftfy.fix_and_explain(seg, config)
            if fixed != seg:
                why = _describe(steps)
                edits.extend(diff_edits(self, s, seg, fixed,
                                        f"{self.description} ({why})" if why else self.description))
        return edits

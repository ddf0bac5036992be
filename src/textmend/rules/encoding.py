"""Encoding damage, repaired by ftfy: mojibake, HTML entities, control characters, Unicode forms.

textmend never re-implements ftfy.  Each rule here runs one group of ftfy's fixers, and only
on the lines that a cheap scan says can contain that kind of damage.  The author's
typography is kept (ftfy's ``uncurl_quotes`` and ``fix_line_breaks`` are off), and every
repair is reported as the smallest span that changed.

>>> from textmend import mend
>>> mend("Nicol\\u00c3\\u00a1s Maduro met S\\u00c3\\u00a3o Paulo\\u00e2\\u20ac\\u2122s mayor")
'Nicolás Maduro met São Paulo’s mayor'
>>> mend("research &amp; development")
'research & development'
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

import ftfy
import ftfy.fixes

from ..edits import Edit
from .base import Context, Rule

_OFF = dict(
    unescape_html=False, fix_encoding=False, restore_byte_a0=True, replace_lossy_sequences=True,
    decode_inconsistent_utf8=True, fix_c1_controls=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False,
    remove_terminal_escapes=False, remove_control_chars=False, normalization=None, explain=True,
)


def _config(**on) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(**{**_OFF, **on})


_LINE = re.compile(r"[^\n]*\n|[^\n]+")


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


class FtfyRule(Rule):
    """A rule that runs a group of ftfy fixers on the lines its gate selects."""

    family = "encoding"
    respects_protected = False
    gate: re.Pattern[str]
    config: ftfy.TextFixerConfig

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if not self.gate.search(text):
            return []
        edits: list[Edit] = []
        for m in _LINE.finditer(text):
            line = m.group()
            if not self.gate.search(line):
                continue
            config = self.config
            if config.unescape_html == "auto" and "<" in line:
                continue
            fixed, steps = ftfy.fix_and_explain(line, config)
            if fixed != line:
                why = _describe(steps)
                edits.extend(diff_edits(self, m.start(), line, fixed,
                                        f"{self.description} ({why})" if why else self.description))
        return edits


class HtmlEntities(FtfyRule):
    code = "TM101"
    name = "html-entity"
    description = "HTML entity decoded"
    gate = re.compile(r"&#?[0-9A-Za-z]")
    _entity = re.compile(r"&#?[0-9A-Za-z]{1,24};?")
    config = _config(unescape_html="auto")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if "&" not in text:
            return []
        edits = []
        for line in _LINE.finditer(text):
            if "&" not in line.group() or "<" in line.group():  # markup: leave it to HTML tools
                continue
            for m in self._entity.finditer(line.group()):
                fixed = m.group()
                for _ in range(8):  # "&amp;amp;" decodes twice, as ftfy's loop does
                    again = ftfy.fixes.unescape_html(fixed)
                    if again == fixed:
                        break
                    fixed = again
                if fixed != m.group():
                    s = line.start() + m.start()
                    edits.append(self.edit(s, s + len(m.group()), fixed,
                                           f"HTML entity {m.group()} decoded"))
        return edits


class Encoding(FtfyRule):
    """Mojibake, C1 and other control characters, surrogates, terminal escapes, NFC,
    Latin ligatures and full-width characters: ftfy's fixers, looped until stable."""

    code = "TM102"
    name = "encoding"
    description = "encoding damage repaired"
    gate = re.compile(r"[^\x09\x0a\x0d\x20-\x7e]")
    config = _config(fix_encoding=True, fix_c1_controls=True, fix_surrogates=True,
                     remove_terminal_escapes=True, remove_control_chars=True,
                     fix_latin_ligatures=True, fix_character_width=True, normalization="NFC")

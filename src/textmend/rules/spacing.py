"""Spacing: hyphens with a stray space, space before punctuation, missing space after a
sentence, doubled spaces, trailing whitespace.

>>> from textmend import mend
>>> mend("a four -day visit to a well- known summit .Then")
'a four-day visit to a well-known summit. Then'
>>> mend("pre- and post-war, two- or three-day, -5 C, a 3-1 win, 1990 -1995, word - word")
'pre- and post-war, two- or three-day, -5 C, a 3-1 win, 1990 -1995, word - word'
"""
from __future__ import annotations

import re

from ..edits import Edit
from .base import Context, Rule

# words that follow a suspended hyphen: "pre- and post-war", "two- to three-day"
_SUSPENDED = {"and", "or", "to", "nor", "but", "versus", "vs", "through", "than", "as", "&", "plus"}


class HyphenSpacing(Rule):
    """``four -day`` → ``four-day``, ``well- known`` → ``well-known``."""

    code = "TM201"
    name = "hyphen-spacing"
    family = "spacing"
    description = "stray space next to a hyphen inside a compound word"
    # "four -day": a word, one space, a hyphen glued to a lower-case word
    _before = re.compile(r"(?<=[^\W_])[ ](-)(?=[a-z]{2,}\b)(?!-)")
    # "well- known": a word glued to a hyphen, one space, a lower-case word
    _after = re.compile(r"(?<![\w-])([A-Za-z]{2,}|\d+)-[ ]([a-z]{2,})\b")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if "-" not in text:
            return []
        out = []
        for m in self._before.finditer(text):
            s = m.start()
            # the left neighbour must be a word (letters or digits), not a number range
            left = text[max(0, s - 30):s].split()[-1:] or [""]
            if not re.fullmatch(r"[A-Za-z]+|\d+", left[0]):
                continue
            out.append(self.edit(s, m.start(1), "", "space before the hyphen of a compound removed"))
        for m in self._after.finditer(text):
            if m.group(2).lower() in _SUSPENDED:
                continue
            hy = m.end(1)
            out.append(self.edit(hy + 1, hy + 2, "", "space after the hyphen of a compound removed"))
        return out


class SpaceBeforePunctuation(Rule):
    """``week , according`` → ``week, according``."""

    code = "TM202"
    name = "space-before-punctuation"
    family = "spacing"
    description = "space before punctuation removed"
    _re = re.compile(r"(?<=[^\W_]|[)\]\"”’%])([ \t]+)(?:[,;!?]|:(?!\d)|\.(?![.\w]))(?=[\s\"”’)]|$)")

    # "summit .Then": the full stop belongs to the word before it, the space after it
    _moved = re.compile(r"(?<=[a-z]{2}) \.(?=[A-Z][a-z]+\b)")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if " " not in text:
            return []
        out = [self.edit(m.start(1), m.end(1), "") for m in self._re.finditer(text)]
        out += [self.edit(m.start(), m.end(), ". ", "space before a full stop moved after it")
                for m in self._moved.finditer(text)]
        return out


class MissingSpaceAfterSentence(Rule):
    """``visit.The`` → ``visit. The``."""

    code = "TM203"
    name = "missing-sentence-space"
    family = "spacing"
    description = "missing space after the end of a sentence inserted"
    _re = re.compile(r"(?<![A-Za-z.])(?:[a-z]{2,}|[A-Z][a-z]+|\d{4})[.!?][\"”’)]?(?=[A-Z][a-z])")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        out = []
        for m in self._re.finditer(text):
            word = m.group()
            if word[0].isupper() and len(word) <= 4:  # "Mr.", "Dr.", "St.", "Gov." abbreviations
                continue
            out.append(self.edit(m.end(), m.end(), " "))
        return out


class RepeatedSpaces(Rule):
    """``the  reconstruction`` → ``the reconstruction`` (not in aligned tables)."""

    code = "TM204"
    name = "repeated-spaces"
    family = "spacing"
    description = "doubled space between words collapsed"
    _re = re.compile(r"(?<=[^\W\d_]|,)( {2,3})(?=[^\W\d_])")
    _runs = re.compile(r"\S {2,}(?=\S)")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if "  " not in text:
            return []
        out = []
        for m in self._re.finditer(text):
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            line = text[ls:le if le >= 0 else len(text)]
            if len(self._runs.findall(line)) > 1:  # aligned columns: leave the layout alone
                continue
            out.append(self.edit(m.start(1), m.end(1), " "))
        return out


class TrailingWhitespace(Rule):
    """Spaces and tabs at the end of a line removed."""

    code = "TM205"
    name = "trailing-whitespace"
    family = "spacing"
    description = "trailing whitespace removed"
    _re = re.compile(r"(?<=\S)[ \t]+(?=\r?\n|\r|\Z)")

    def find(self, text: str, ctx: Context) -> list[Edit]:
        return [self.edit(m.start(), m.end(), "") for m in self._re.finditer(text)]

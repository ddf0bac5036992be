"""Casing of names in mixed-case prose.

=====  ==============  ================================================================
code   name            what it repairs
=====  ==============  ================================================================
TM501  caps-name       ``XI said`` → ``Xi said``, ``MACRON met`` → ``Macron met``
TM502  proper-phrase   ``the victory day parade`` → ``the Victory Day parade``
=====  ==============  ================================================================

ALL-CAPS lines (headlines) are left alone, and so are Roman numerals after a name or title
(``Pope Pius XI``, ``Louis XI``, ``Super Bowl XI``).  An ALL-CAPS name is repaired when the
document also writes it in proper case, or when it is long, no English word, and used as a
name (a verb or a lower-case word after it).

>>> from textmend import Pipeline
>>> from textmend.lexicon import Lexicon, Entry
>>> lex = Lexicon([Entry("Xi Jinping", "person", "m", "Xi"), Entry("Victory Day", "event")])
>>> p = Pipeline(lexicon=lex, select=["TM5"])
>>> p.mend("Xi Jinping arrived. XI said the victory day parade mattered to Pope Pius XI.")
'Xi Jinping arrived. Xi said the Victory Day parade mattered to Pope Pius XI.'
>>> p.mend("PUTIN MEETS XI IN MOSCOW")
'PUTIN MEETS XI IN MOSCOW'
"""
from __future__ import annotations

import regex

from ..edits import SAFE, UNSAFE, Edit
from ..evidence import caps_lines, doc_words, occurrences, CapsLines, DocWords, is_english_word, used_in, next_word, prev_word, sentence_initial
from .base import Context, Rule
from .possessives import gate_tokens, lexicon_gate

_CAPS = regex.compile(r"(?<![\p{L}\p{M}\d_-])\p{Lu}{2,}(?:-\p{Lu}+)*(?![\p{L}\p{M}\d_])")
_ROMAN = regex.compile(r"[IVXLCDM]+")


class CapsName(Rule):
    code = "TM501"
    name = "caps-name"
    family = "casing"
    description = "an ALL-CAPS name in mixed-case prose written in proper case"

    def find(self, text: str, ctx: Context) -> list[Edit]:
        lex = ctx.lexicon
        gate = lexicon_gate(lex)
        if gate is None:  # an empty lexicon: no name to repair
            return []
        idx = gate.index
        tokens = gate_tokens(ctx, text, gate)  # (shared with TM300: one pass over the tokens)
        if tokens is None:
            found = [(m.start(), m.end(), m.group()) for m in _CAPS.finditer(text)]
        else:  # only the capitalised words that are names in capitals
            words = tokens & gate.caps
            if not words:
                return []
            found = occurrences(text, words, _CAPS)
        caps = caps_lines(ctx, text)
        doc = None
        out = []
        for s, e, word in found:
            proper = idx.caps.get(word)
            if proper is None or caps(s):
                continue
            if doc is None:
                doc = doc_words(ctx, text)
            if text[e:e + 1] in ("'", "’", "-") or text[e:e + 1].isalpha() or text[s - 1:s] == "-":
                continue  # possessives are the possessive rules' business; "CAN-Spam" is a name
            before, bs = prev_word(text, s)
            glued = bs >= 0 and text[bs + len(before):s] in (" ", "\t")
            if _ROMAN.fullmatch(word) and glued and before[:1].isupper() and not sentence_initial(text, bs):
                continue  # "Louis XI", "Pope Pius XI", "Super Bowl XI"
            if _ROMAN.fullmatch(word) and glued and before.lower() in ("chapter", "part", "act", "volume", "war", "phase", "article", "no"):
                continue
            after, _ = next_word(text, e)
            if (before.isupper() and glued) or (after.isupper() and text[e:e + 1] == " "):
                continue  # a run of capitals: a shouted phrase, not a name in prose
            if _line_start(text, s) and (text[e:e + 1] in ",(" or text[e:e + 2] in (" (", " -", " —")):
                continue  # a dateline: "BEIJING, July 26 (Xinhua)", "ISLAMABAD (AP) -"
            if _line_start(text, s):
                continue  # a first word set in capitals ("BARCELONA will be known as ...")
            used = used_in(proper, lex, doc)
            if used:
                out.append(Edit(s, e, proper, self.code, self.name, SAFE,
                                f"{word!r} written as the document writes it elsewhere: {proper!r}", 0.9))
            elif (len(word) >= 4 and not is_english_word(word) and not _ROMAN.fullmatch(word)
                  and (after.islower() or text[e:e + 1] in ",;:")):
                out.append(Edit(s, e, proper, self.code, self.name, SAFE,
                                f"{word!r} is the name {proper!r} in capitals inside prose", 0.8))
            elif after.islower() and not _ROMAN.fullmatch(word):
                out.append(Edit(s, e, proper, self.code, self.name, UNSAFE,
                                f"{word!r} may be the name {proper!r} in capitals", 0.5))
        return out


class ProperPhrase(Rule):
    code = "TM502"
    name = "proper-phrase"
    family = "casing"
    description = "a proper noun phrase lower-cased by translation (victory day → Victory Day)"

    def find(self, text: str, ctx: Context) -> list[Edit]:
        lex = ctx.lexicon
        if not len(lex):
            return []
        pattern, by_lower = _phrases(lex)
        if pattern is None:
            return []
        caps = None  # (looked up at the first phrase: most news has none)
        out = []
        for m in pattern.finditer(text):
            found = m.group()
            canon = by_lower.get(found.lower())
            if canon is None or found == canon or found.isupper():
                continue
            if caps is None:
                caps = caps_lines(ctx, text)
            if caps(m.start()):
                continue
            if _capitals(canon) <= _capitals(found):
                continue  # only ever add capitals ("Minsk Agreements" stays)
            first = found.split()[0]
            if first[0].isupper() and lex.entries_for(first) and not sentence_initial(text, m.start()):
                continue  # "the Iraq war", "the Paris agreement": a name before a common noun
            out.append(Edit(m.start(), m.end(), canon, self.code, self.name, SAFE,
                            f"{found!r} is the proper name {canon!r}", 0.85))
        return out


def _phrases(lex):
    got = getattr(lex, "_case_phrases", None)
    if got is None:
        by_lower = {}
        for e in lex.entries:
            # named days only ("Victory Day", "Independence Day"): always capitalised in English;
            # other events and landmarks ("cold war", "red square") are also plain phrases
            if e.kind == "event" and " " in e.name and e.name.split()[-1] == "Day":
                by_lower[e.name.lower()] = e.name
        if by_lower:
            alts = "|".join(regex.escape(k) for k in sorted(by_lower, key=len, reverse=True))
            pattern = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{alts})(?![\p{{L}}\p{{M}}])", regex.IGNORECASE)
        else:
            pattern = None
        got = (pattern, by_lower)
        lex._case_phrases = got
    return got


def _capitals(s: str) -> int:
    return sum(1 for c in s if c.isupper())


def _line_start(text: str, s: int) -> bool:
    i = s - 1
    while i >= 0 and text[i] in " \t\"'“‘(":
        i -= 1
    return i < 0 or text[i] == "\n"

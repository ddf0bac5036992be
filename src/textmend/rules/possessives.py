"""Broken possessives on names.

=====  ======================  ===========================================================
code   name                    what it repairs
=====  ======================  ===========================================================
TM301  double-possessive       ``Washingtons's`` → ``Washington's``, ``XIS's`` → ``Xi's``
TM302  missing-apostrophe      ``Serbias President`` → ``Serbia's President``,
                               ``XIS visit`` → ``Xi's visit``
TM303  stray-s                 ``the presence of XIS,`` → ``the presence of Xi,``,
                               ``of Slovakies Robert Fico`` → ``of Slovakia Robert Fico``
TM304  spaced-apostrophe       ``Putin ’ s`` → ``Putin’s``, ``Macron 's`` → ``Macron's``
=====  ======================  ===========================================================

A name counts only when the lexicon knows it (a single-word place, a person's surname, an
organisation, or a listed foreign spelling of one), so ``James's``, ``Paris's``,
``Kansas's``, ``the Netherlands' economy`` and ``the Browns`` stay as they are.  The
apostrophe inserted is the one the document already uses.

>>> from textmend import Pipeline
>>> from textmend.lexicon import Lexicon, Entry
>>> lex = Lexicon([Entry("Serbia", "country"), Entry("Washington", "city"), Entry("Xi Jinping", "person", "m", "Xi")])
>>> p = Pipeline(lexicon=lex, select=["TM3"])
>>> p.mend("Serbias President and Washingtons's position; Xi said XIS visit was long.")
"Serbia's President and Washington's position; Xi said Xi's visit was long."
>>> p.mend("James's book, Paris's mayor, Kansas's team, the Netherlands' economy.")
"James's book, Paris's mayor, Kansas's team, the Netherlands' economy."
"""
from __future__ import annotations

import regex

from ..edits import SAFE, UNSAFE, Edit
from ..evidence import (text_memo, caps_lines, cap_tokens, occurrences, doc_words, english_here, FUNCTION_WORDS, TITLES, used_in, CapsLines, DocWords, apostrophe, is_english_word,
                        next_word, prev_word, sentence_initial)
from ..lexicon.matching import NameIndex, name_index
from .base import Context, Rule

_DOUBLE = regex.compile(r"(?<![\p{L}\p{M}])(\p{Lu}[\p{L}\p{M}]*?)[sS]([’'])s\b")
_PLAIN_S = regex.compile(r"(?<![\p{L}\p{M}'’-])(\p{Lu}[\p{L}\p{M}]*?)(s|S|ies)\b(?![’'\-]\p{L})")
_PLAIN_S_WORD = regex.compile(r"(?<![\p{L}\p{M}'’-])\p{Lu}[\p{L}\p{M}]*[sS]\b(?![’'\-]\p{L})")
_SPACED = regex.compile(r"(?<=[\p{L}\p{M}])(?: ([’']) ?| ?([’']) )s\b(?=[\s,.;:!?)]|$)")

#: capitalised words after a name that show a possessive (``Serbias President``)
POSSESSED_TITLES = TITLES | {"Foreign", "Defence", "Defense", "Interior", "Finance", "Supreme",
                              "National", "Central", "Constitutional", "Communist", "Socialist",
                              "Prime", "First", "Vice", "Deputy", "Chief", "Ministry", "Parliament",
                              "Senate", "Congress", "Army", "Navy", "Embassy", "Government", "Cabinet"}


class Possessives(Rule):
    code = "TM300"
    name = "possessives"
    family = "possessives"
    description = "broken possessives on names repaired"
    subrules = (
        ("TM301", "double-possessive", "a possessive S added twice removed (Washingtons's)"),
        ("TM302", "missing-apostrophe", "the apostrophe of a possessive name restored (Serbias President)"),
        ("TM303", "stray-s", "a stray S on a name removed (the presence of XIS,)"),
        ("TM304", "spaced-apostrophe", "spaces around a possessive apostrophe removed (Putin ’ s)"),
    )

    def find(self, text: str, ctx: Context) -> list[Edit]:
        edits: list[Edit] = []
        if "’ s" in text or " 's" in text or " ’s" in text or "' s" in text:
            for m in _spaced(text):
                apo = m.group(1) or m.group(2)
                edits.append(Edit(m.start(), m.end(), apo + "s", "TM304", "spaced-apostrophe", SAFE,
                                  "spaces around a possessive apostrophe removed", 0.9))
        lex = ctx.lexicon
        if not len(lex):
            return edits
        idx = name_index(lex)
        tokens = cap_tokens(ctx, text)
        double = tokens is None or "s's" in text or "s’s" in text or "S's" in text or "S’s" in text
        words = None if tokens is None else tokens & _s_forms(idx)
        if not double and not words:
            return edits
        caps = caps_lines(ctx, text)
        doc = doc_words(ctx, text)
        for m in (_DOUBLE.finditer(text) if double else ()):
            base = m.group(1)
            if caps(m.start()):
                continue
            proper = resolve(base, idx, doc)
            if proper is None or (base + "s") in idx.canonical_tokens or lex.variant(base + "s"):
                continue
            edits.append(Edit(m.start(), m.end(), proper + m.group(2) + "s", "TM301", "double-possessive",
                              SAFE, f"possessive S added twice to {proper!r}", 0.9))
        apo = None
        # only words whose stem is a name the lexicon knows are worth a look
        if tokens is None:
            words = set(_PLAIN_S_WORD.findall(text))
        elif not words:  # no capitalised word of the text could be such a word
            return edits
        worth = {w for w in words if w not in idx.canonical_tokens
                 and any(resolve(c, idx, doc) for c in _stems(w))}
        if not worth:
            return edits
        found = ([(m.start(), m.group()) for m in _PLAIN_S.finditer(text)] if tokens is None
                 else [(s, w) for s, _, w in occurrences(text, worth, _PLAIN_S_WORD)])
        for start, word in found:
            if word not in worth:
                continue
            m = _PLAIN_S.match(text, start)
            base = m.group(1)
            if m.group(2) == "ies":  # "Slovakies": a variant ending in -ie or a name in -y
                candidates = [base + "ie", base + "y", base + "ia"]
            else:
                candidates = [base]
            proper = None
            for c in candidates:
                proper = resolve(c, idx, doc)
                if proper:
                    break
            if proper is None or lex.variant(word) is not None:
                continue
            if is_english_word(word):
                # "Turkeys", "Prices", "Browns": a plural of an English word; only a place or
                # organisation the document names elsewhere counts, and never a person's name
                entry = _entry_of(proper, idx)
                if (word.lower() != (base + "s").lower() or entry is None or entry.kind == "person"
                        or (sentence_initial(text, m.start()) and proper not in doc)):
                    continue
            if apo is None:  # (the same for the whole text: counted once)
                apo = apostrophe(text)
            ed = self._judge_plain(text, m.start(), m.end(), word, proper, apo, idx, doc)
            # (the judgements above only read: the costlier checks of where the word stands
            # come last) not in an ALL-CAPS line, and not in a passage in another language
            if ed is not None and not caps(start) and english_here(text, start):
                edits.append(ed)
        return edits

    def _judge_plain(self, text: str, s: int, e: int, word: str, proper: str, apo: str,
                     idx: NameIndex, doc: DocWords) -> Edit | None:
        ed = self._plain_edit(text, s, e, word, proper, apo, idx, doc)
        if ed is not None and _stands_as_name(text, word, s):
            return None  # "Rinus Michels, …", "from Williams, dealers said": a name of its own
        return ed

    @staticmethod
    def _plain_edit(text: str, s: int, e: int, word: str, proper: str, apo: str,
                    idx: NameIndex, doc: DocWords) -> Edit | None:
        """The repair the word's neighbours call for (before the costlier look at the rest
        of the text in :meth:`_judge_plain`)."""
        before, bs = prev_word(text, s)
        glued = bs >= 0 and text[bs + len(before):s].strip() == ""
        if before.lower() in ("the", "two", "both", "three", "all") and glued:
            return None  # "the Browns", "the two Koreas"
        if glued and before[:1].isupper() and not sentence_initial(text, bs) and before not in POSSESSED_TITLES:
            return None  # part of a longer name: "Aguas Argentinas", "Tennessee Williams"
        if any(x.kind == "person" for x in idx.lexicon.entries_for(proper)):
            if glued and before in TITLES:
                return None  # "Mr Williams": a surname of its own
            if proper not in doc:
                return None  # a person's name needs the name itself elsewhere in the text
        after, _ = next_word(text, e)
        nxt = text[e:e + 1]
        if before.lower() == "of" and (nxt in ",.;:" or (after[:1].isupper() and after not in POSSESSED_TITLES)):
            if nxt == "" and not after:
                return None
            return Edit(s, e, proper, "TM303", "stray-s", SAFE,
                        f"stray S on {proper!r} after 'of' removed", 0.8)
        if not after or text[e:e + 1] not in " \t":
            return None
        if after in POSSESSED_TITLES or (after.islower() and after not in FUNCTION_WORDS
                                         and not after.endswith(("ed", "ing")) and len(after) > 2):
            if sentence_initial(text, s) and is_english_word(word) and proper not in doc:
                return Edit(s, e, proper + apo + "s", "TM302", "missing-apostrophe", UNSAFE,
                            f"{word!r} before {after!r} reads as the possessive of {proper!r}", 0.5)
            return Edit(s, e, proper + apo + "s", "TM302", "missing-apostrophe", SAFE,
                        f"{word!r} before {after!r} is the possessive of {proper!r}", 0.85)
        return None


def _spaced(text: str) -> list:
    """``_SPACED.finditer(text)``, tried only where one of its spaced apostrophes is: every
    match starts at one of them or at the space before it."""
    starts = set()
    for needle in ("’ s", "' s", " 's", " ’s"):
        i = text.find(needle)
        while i >= 0:
            starts.update((i - 1, i) if i else (i,))
            i = text.find(needle, i + 1)
    out, end = [], 0
    for i in sorted(starts):
        if i >= end:
            m = _SPACED.match(text, i)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


def _s_forms(idx: NameIndex) -> frozenset[str]:
    """Every word ending in s whose stem :func:`resolve` may accept (whatever the document):
    the possessive and plural-looking forms of head words, proper-case names of ALL-CAPS
    forms, and one-word variants."""
    got = getattr(idx, "_s_forms", None)
    if got is None:
        bases = set(idx.heads) | set(idx.caps)
        bases.update(v for v in idx.lexicon.variants if " " not in v)
        forms = set()
        for b in bases:
            forms.update((b + "s", b + "S"))
            if b.endswith(("ie", "ia")):
                forms.add(b[:-2] + "ies")
            if b.endswith("y"):
                forms.add(b[:-1] + "ies")
        got = idx._s_forms = frozenset(forms)
    return got


def _stems(word: str) -> list[str]:
    if word.endswith("ies"):
        return [word[:-3] + "ie", word[:-3] + "y", word[:-3] + "ia", word[:-1]]
    return [word[:-1]]


def _entry_of(proper: str, idx: NameIndex):
    found = idx.lexicon.entries_for(proper)
    return found[0] if len(found) == 1 else None


def resolve(base: str, idx: NameIndex, doc: DocWords) -> str | None:
    """The proper form of a name the lexicon knows as a head word, or None.

    ``Serbia`` → ``Serbia``; ``XI`` → ``Xi`` (only when the document also writes ``Xi``,
    or the word is long and no English word); ``Slovakie`` (a listed variant) → ``Slovakia``.
    """
    if len(base) < 2:
        return None
    heads = idx.heads
    if base in heads:
        return base
    if base.isupper():
        proper = idx.caps.get(base)
        if proper is None:
            return None
        if used_in(proper, idx.lexicon, doc) or (len(base) >= 4 and not is_english_word(base)):
            return proper
        return None
    v = idx.lexicon.variant(base)
    if v is not None:
        target, entry = v
        if " " not in target and (entry.kind != "person" or target == entry.short):
            return target
    return None



_LETTER_MARK = regex.compile(r"[\p{L}\p{M}]")


def _stands_as_name(text: str, word: str, here: int) -> bool:
    """``word`` appears elsewhere as a name of its own: after a capitalised first name or
    before punctuation (``Rinus Michels,``)."""
    memo = text_memo(text)  # (the places where it does, worked out once per text)
    places = memo.get(("stands", word))
    if places is None:
        places = memo[("stands", word)] = _standing_places(text, word)
    return bool(places) and (len(places) > 1 or here not in places)


def _standing_places(text: str, word: str) -> frozenset[int]:
    n = len(word)
    found = []
    i = text.find(word)
    while i >= 0:  # every occurrence with no letter or mark either side (as regex.finditer)
        j = i + n
        if (i and _LETTER_MARK.match(text, i - 1)) or (j < len(text) and _LETTER_MARK.match(text, j)):
            i = text.find(word, i + 1)
            continue
        start, i = i, text.find(word, j)
        if text[j:j + 1] in (",", ".", ";", ":", ")"):
            found.append(start)
            continue
        before, bs = prev_word(text, start)
        if before[:1].isupper() and bs >= 0 and not sentence_initial(text, bs) and before not in TITLES:
            found.append(start)
    return frozenset(found)

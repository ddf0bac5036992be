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

import re
from typing import NamedTuple

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
        spaced, doubled = apostrophe_marks(text)
        if spaced:
            for m in _spaced(text, spaced):
                apo = m.group(1) or m.group(2)
                edits.append(Edit(m.start(), m.end(), apo + "s", "TM304", "spaced-apostrophe", SAFE,
                                  "spaces around a possessive apostrophe removed", 0.9))
        lex = ctx.lexicon
        gate = lexicon_gate(lex)
        if gate is None:  # an empty lexicon: no name to repair
            return edits
        idx, forms = gate.index, gate.s_forms
        tokens = gate_tokens(ctx, text, gate)
        if tokens is None:  # combining marks: the exhaustive scan below
            words = None
        elif not doubled and forms.isdisjoint(tokens):
            return edits  # (most news: no doubled S, and no capitalised word is such a form)
        else:
            words = tokens & forms
        caps = caps_lines(ctx, text)
        doc = doc_words(ctx, text)
        for m in _doubles(text, doubled):
            base = m.group(1)
            if caps(m.start()):
                continue
            proper = resolve(base, idx, doc)
            if proper is None or (base + "s") in idx.canonical_tokens or lex.variant(base + "s"):
                continue
            edits.append(Edit(m.start(), m.end(), proper + m.group(2) + "s", "TM301", "double-possessive",
                              SAFE, f"possessive S added twice to {proper!r}", 0.9))
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
            if _unnamed_person(proper, idx, doc):
                continue  # (what _plain_edit would say of every occurrence, decided early)
            if is_english_word(word):
                # "Turkeys", "Prices", "Browns": a plural of an English word; only a place or
                # organisation the document names elsewhere counts, and never a person's name
                entry = _entry_of(proper, idx)
                if (word.lower() != (base + "s").lower() or entry is None or entry.kind == "person"
                        or (sentence_initial(text, m.start()) and proper not in doc)):
                    continue
            ed = self._judge_plain(text, m.start(), m.end(), word, proper, idx, doc)
            # (the judgements above only read: the costlier checks of where the word stands
            # come last) not in an ALL-CAPS line, and not in a passage in another language
            if ed is not None and not caps(start) and english_here(text, start):
                edits.append(ed)
        return edits

    def _judge_plain(self, text: str, s: int, e: int, word: str, proper: str,
                     idx: NameIndex, doc: DocWords) -> Edit | None:
        ed = self._plain_edit(text, s, e, word, proper, idx, doc)
        if ed is not None and _stands_as_name(text, word, s):
            return None  # "Rinus Michels, …", "from Williams, dealers said": a name of its own
        return ed

    @staticmethod
    def _plain_edit(text: str, s: int, e: int, word: str, proper: str,
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
            apo = _apostrophe(text)
            if sentence_initial(text, s) and is_english_word(word) and proper not in doc:
                return Edit(s, e, proper + apo + "s", "TM302", "missing-apostrophe", UNSAFE,
                            f"{word!r} before {after!r} reads as the possessive of {proper!r}", 0.5)
            return Edit(s, e, proper + apo + "s", "TM302", "missing-apostrophe", SAFE,
                        f"{word!r} before {after!r} is the possessive of {proper!r}", 0.85)
        return None


#: the spaced apostrophes :data:`_SPACED` starts on, and the doubled possessives
#: :data:`_DOUBLE` needs; each holds exactly one apostrophe
SPACED_NEEDLES = ("’ s", "' s", " 's", " ’s")
DOUBLE_NEEDLES = ("s's", "s’s", "S's", "S’s")


#: any of the needles with a straight apostrophe, and with a curly one: the apostrophe, then
#: ``s`` after one of `` sS`` or `` s``.  Each pattern opens with one literal character, so
#: ``re`` skips to it in a tight C loop (one pass, no Python per apostrophe)
_NEEDLE_STRAIGHT = re.compile(r"'(?:(?<=[ sS]')s| s)")
_NEEDLE_CURLY = re.compile(r"’(?:(?<=[ sS]’)s| s)")


def has_needle(text: str) -> bool:
    """Whether any of :data:`SPACED_NEEDLES` or :data:`DOUBLE_NEEDLES` occurs in ``text``
    (exact: the two patterns spell out the eight needles; most news has none)."""
    return (_NEEDLE_STRAIGHT.search(text) is not None
            or ("’" in text and _NEEDLE_CURLY.search(text) is not None))


def apostrophe_marks(text: str) -> tuple[list[int], list[int]]:
    """Where the :data:`SPACED_NEEDLES` start in ``text``, and where the apostrophes of the
    :data:`DOUBLE_NEEDLES` stand (each occurrence once, in no set order).

    One scan decides that there is none (:func:`has_needle`); else the apostrophes are
    visited (``str.find`` of one character) and each is looked around.  Exact, because every
    needle holds exactly one apostrophe: each occurrence of a needle is seen when the loop
    stands on that apostrophe and looks one character before it and two after it.
    """
    if not has_needle(text):
        return [], []
    spaced: list[int] = []
    doubled: list[int] = []
    find = text.find
    for apo in ("'", "’"):
        i = find(apo)
        while i >= 0:
            nxt = text[i + 1:i + 2]
            if nxt == "s":
                before = text[i - 1:i]  # ("" at 0: text[-1:0] is empty)
                if before == " ":
                    spaced.append(i - 1)  # " 's", " ’s"
                elif before == "s" or before == "S":
                    doubled.append(i)  # "s's", "S’s"
            elif nxt == " " and text[i + 2:i + 3] == "s":
                spaced.append(i)  # "’ s", "' s"
            i = find(apo, i + 1)
    return spaced, doubled


def _spaced(text: str, needles: list[int]) -> list:
    """``_SPACED.finditer(text)``, tried only where one of its spaced apostrophes is
    (``needles``, from :func:`apostrophe_marks`): every match starts at one of them or at
    the space before it."""
    starts = set()
    for i in needles:
        starts.update((i - 1, i) if i else (i,))
    out, end = [], 0
    for i in sorted(starts):
        if i >= end:
            m = _SPACED.match(text, i)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


class NameGate(NamedTuple):
    """What the cheap gates of TM300 and TM501 intersect a document's capitalised tokens
    with, worked out once per lexicon (its indexes are built once, on construction)."""

    index: NameIndex
    #: the words TM300 may repair (:func:`_s_forms`, but the names' own words)
    s_forms: frozenset[str]
    #: the ALL-CAPS forms of names TM501 may repair (the keys of ``index.caps``)
    caps: frozenset[str]
    #: both, for the one pass over the tokens the two rules share (:func:`gate_tokens`)
    either: frozenset[str]


def lexicon_gate(lex) -> NameGate | None:
    """The :class:`NameGate` of ``lex``, or None for an empty lexicon (kept on the lexicon,
    so a document pays one attribute look-up)."""
    got = getattr(lex, "_name_gate", False)
    if got is False:
        if len(lex):
            idx = name_index(lex)
            # (a canonical token is never worth a look: see ``worth`` in Possessives.find)
            forms, caps = _s_forms(idx) - idx.canonical_tokens, frozenset(idx.caps)
            got = NameGate(idx, forms, caps, forms | caps)
        else:
            got = None
        lex._name_gate = got
    return got


def gate_tokens(ctx: Context, text: str, gate: NameGate) -> set[str] | frozenset[str] | None:
    """``cap_tokens(ctx, text) & gate.either`` (None when the tokens are None): the
    capitalised tokens of ``text`` that TM300 or TM501 could repair, a handful at most.

    Each rule intersects this small set with its own words, which gives exactly what it
    would get from the whole token set (``T & (A | B) & A == T & A``).  Shared through
    ``ctx.cache`` while the text is the same object (TM501 runs on the text TM300 left:
    the same object when TM300 changed nothing), so the tokens are walked once, not twice.
    """
    got = ctx.cache.get("name_gate_tokens")
    if got is not None and got[0] is text and got[1] is gate:
        return got[2]
    tokens = cap_tokens(ctx, text)
    if tokens is None:
        hits = None
    elif gate.either.isdisjoint(tokens):
        hits = _NO_TOKENS  # (most news: no set to build)
    else:
        hits = tokens & gate.either
    ctx.cache["name_gate_tokens"] = (text, gate, hits)
    return hits


_NO_TOKENS: frozenset[str] = frozenset()


def _doubles(text: str, apostrophes: list[int]) -> list:
    """``_DOUBLE.finditer(text)``, tried only at the doubled needles (``apostrophes``, from
    :func:`apostrophe_marks`).

    Exact: a match is a run of letters and marks (nothing of the run before it), then the
    needle's apostrophe and ``s``; so it holds the needle, and starts where the run of
    letters and marks that ends just before the apostrophe starts.  Matches never overlap
    (a run starts after the apostrophe of any earlier needle in reach, with its lower-case
    ``s``, which cannot open a match), so these are finditer's matches, in order.
    """
    out = []
    for i in sorted(apostrophes):
        j = i - 1
        while j > 0 and _LETTER_MARK.match(text, j - 1):
            j -= 1
        m = _DOUBLE.match(text, j)
        if m is not None and m.end() == i + 2:
            out.append(m)
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


def _apostrophe(text: str) -> str:
    """:func:`~textmend.evidence.apostrophe` of ``text`` (four counts over the text), worked
    out once per text and only when a repair needs it, not for every candidate word."""
    memo = text_memo(text)
    got = memo.get(("apostrophe",))
    if got is None:
        got = memo[("apostrophe",)] = apostrophe(text)
    return got


def _stems(word: str) -> list[str]:
    if word.endswith("ies"):
        return [word[:-3] + "ie", word[:-3] + "y", word[:-3] + "ia", word[:-1]]
    return [word[:-1]]


def _unnamed_person(proper: str, idx: NameIndex, doc: DocWords) -> bool:
    """``proper`` is a person's name that the document never writes as it is: then
    :meth:`Possessives._plain_edit` rejects the word wherever it stands ("Williams" with no
    "William" in the text), so the loop skips it before the costlier look at its place."""
    return any(x.kind == "person" for x in idx.lexicon.entries_for(proper)) and proper not in doc


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

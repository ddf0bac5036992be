"""Names left in another language or mangled, repaired from the lexicon.

=====  ====================  ===========================================================
code   name                  what it repairs
=====  ====================  ===========================================================
TM401  foreign-name          a real foreign spelling listed in the lexicon
                             (``Poutine`` → ``Putin``, ``Le Caire`` → ``Cairo``)
TM402  dropped-letters       a name whose non-ASCII letters were lost
                             (``Nicols Maduro`` → ``Nicolás Maduro``)
TM403  transliteration       a foreign transliteration of a lexicon name found by its
                             sound skeleton and fuzzy matching (``Medwedew`` → ``Medvedev``)
TM404  given-name            a first name in another language next to a repaired or
                             known surname (``Sergueï Lavrov`` → ``Sergei Lavrov``)
=====  ====================  ===========================================================

Evidence needed before an edit is safe: a capital letter in running prose (not in an
ALL-CAPS line, not at a sentence start when the word is also an English word), not part of
a larger proper name (``Chez Moscou``, ``Tokio Hotel``), not a city name in a sentence about
sport (clubs), and for fuzzy matches a title or first name next to it or the canonical name
elsewhere in the document.  Weaker evidence gives an unsafe edit (a suggestion).

>>> from textmend import Pipeline
>>> from textmend.lexicon import Lexicon, Entry
>>> lex = Lexicon([Entry("Vladimir Putin", "person", "m", variants=("Poutine",)),
...                Entry("Nicolás Maduro", "person", "m"), Entry("Moscow", "city", variants=("Moscou",))])
>>> Pipeline(lexicon=lex, select=["TM4"]).mend("President Poutine met Nicols Maduro in Moscou, not at Chez Moscou.")
'President Putin met Nicolás Maduro in Moscow, not at Chez Moscou.'
>>> Pipeline(lexicon=lex, select=["TM4"]).mend("Poutine is a dish. We ate poutine in Montreal.")
'Poutine is a dish. We ate poutine in Montreal.'
"""
from __future__ import annotations

import sys
from functools import lru_cache

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)

from ..edits import SAFE, UNSAFE, Edit
from ..evidence import (caps_lines, cap_tokens, doc_words, english_here, occurrences, needle_hits, LONG_TEXT, CAP_WORD, FUNCTION_WORDS, MONTHS_DAYS, TITLES, CapsLines, DocWords, is_english_word,
                        next_word, prev_word, sentence_initial, sporty)
from ..lexicon import Entry, drop_non_ascii, strip_accents
from ..lexicon.matching import NameIndex, name_index, skeleton
from .base import Context, Rule

#: words that open the name of a place or club built on a city name ("Chez Moscou", "Hotel Moskau")
NAME_OPENERS = frozenset("""Chez Café Cafe Hotel Hôtel Rue Place Via Plaza Bar Restaurant Club Real
Sporting Dynamo Dinamo Lokomotiv Spartak Bayern Hertha Borussia Olympique Atlético Athletic Inter
AC FC SC SSC Radio Teatro Théâtre Banco Banca Gare Porta Piazza Strada Calle Avenida Avenue Boulevard
Grand Petit Le La Les Il Lo El Der Die Das""".split())
#: lower-case particles of other languages: what follows them is part of a foreign name
FOREIGN_PARTICLES = frozenset("du des de la le les di del della delle dei von der van do da dos das el al".split())
#: spellings that English transliteration does not use but other languages' press does
FOREIGN_MARKS = ("w", "sch", "sz", "cz", "ou", "oe", "j", "ch", "dj", "tj", "zj", "ij", "ck")
PLACE_KINDS = ("city", "country", "region", "landmark")
PARTICLES = frozenset("da de do dos das di del della van von der den al el bin ibn bint le la y".split())


class Names(Rule):
    code = "TM400"
    name = "names"
    family = "names"
    description = "names left in another language or mangled, repaired from the lexicon"
    subrules = (
        ("TM405", "name-mojibake", "a name left as mojibake that ftfy does not repair on its own"),
        ("TM401", "foreign-name", "a foreign spelling listed in the lexicon replaced by the English one"),
        ("TM402", "dropped-letters", "a name that lost its accented letters restored"),
        ("TM403", "transliteration", "a foreign transliteration matched to a lexicon name by sound and fuzzy matching"),
        ("TM404", "given-name", "a first name in another language next to a known surname"),
    )

    def prepare(self, words: set[str], pipeline) -> None:
        """Learn the gate's verdicts on these words at once (their fuzzy look-ups batched)."""
        gate = _pipeline_gate(pipeline)
        if gate is not None:
            new = words.difference(gate.seen_set)
            if new:
                gate._learn(new)

    def take_learned(self, pipeline) -> list[tuple] | None:
        """The gate's verdicts learned since the last call (see :meth:`_Gate.take`)."""
        gate = _pipeline_gate(pipeline)
        return None if gate is None else gate.take()

    def absorb_learned(self, pipeline, records) -> None:
        gate = _pipeline_gate(pipeline)
        if gate is not None and records:
            gate.absorb(records)

    def find(self, text: str, ctx: Context) -> list[Edit]:
        lex = ctx.lexicon
        if not len(lex):
            return []
        idx = name_index(lex)
        tokens = cap_tokens(ctx, text)
        if tokens is None:  # combining marks: every word of the document is looked at
            doc = doc_words(ctx, text)
            candidates = self._candidates(lex, idx, doc)
            if candidates is None:
                return []
            found = [(m.start(), m.end(), m.group(), ALL) for m in CAP_WORD.finditer(text) if m.group() in candidates]
        else:
            gate = _gate(lex, idx)
            candidates = gate.worth_a_look(tokens, text)
            if not candidates:
                gate._long = None  # (no occurrences asked for: let go of the text)
                return []
            doc = doc_words(ctx, text)
            found = [(s, e, w, candidates[w]) for s, e, w in gate.occurrences(text, candidates)]
        caps = caps_lines(ctx, text)
        known = set(doc.extra)
        doc.missed = set()
        edits = self._scan(text, found, lex, idx, caps, doc)
        for _ in range(3):  # evidence found further on may settle an earlier doubt
            if not any(e.safety == UNSAFE for e in edits):
                break
            if len(doc.extra) == len(known) or not self._asked_for(doc, known):
                # the scan recorded no evidence (only adds), or none that a judgement asked
                # for and missed: another scan would ask the same and get the same answers
                break
            known = set(doc.extra)
            doc.missed = set()
            again = self._scan(text, found, lex, idx, caps, doc)
            settled = again == edits and len(doc.extra) == len(known)
            edits = again
            if settled:
                break
        return edits

    @staticmethod
    def _asked_for(doc, known: set[str]) -> bool:
        """Did a judgement of the last scan ask for a word (and miss it) that the scan then
        recorded as evidence (``doc.extra`` less ``known``, what it held before)?"""
        return not doc.missed.isdisjoint(doc.extra - known)

    @staticmethod
    def _candidates(lex, idx: NameIndex, doc):
        """The words of this document worth a look: listed variants (and the
        first words of multi-word ones), dropped-letter forms, mojibake, and capitalised words
        that are neither English nor a known name (transliterations, foreign first names).
        Everything else (most of the text) is never visited.  The exhaustive form of
        :class:`_Gate`, for texts with combining marks."""
        found = [w for w in doc.words if _kind(w, lex, idx)]
        return frozenset(found) if found else None

    def _scan(self, text, found, lex, idx, caps, doc) -> list[Edit]:
        """Judge each ``(start, end, word, paths)`` of ``found`` (capitalised words in text
        order; ``paths``: the look-ups that may accept the word, bits of :data:`ALL`)."""
        edits: list[Edit] = []
        taken_until = 0
        multi_first = _multi_first(lex)
        for s, e, word, paths in found:
            if s < taken_until:
                continue
            if word.isupper() and len(word) > 1:
                continue  # ALL-CAPS words are the casing rules' business
            if text[e:e + 1] in "'’" and text[e + 1:e + 2].isalpha() and text[e + 1:e + 3] not in ("s", "s ") \
                    and not (text[e + 1:e + 2] == "s" and not text[e + 2:e + 3].isalpha()):
                continue  # the word goes on after an apostrophe: "Sana'a", "Huai'an"
            # The judgements below only read; before the first edit (or evidence recorded)
            # the sentence must be English: in a passage in another language names are spelt
            # right.  Checked that late because it costs more than most judgements.
            # 1. exact variants, longest phrase first
            hit = None
            if word in multi_first:
                hit = self._phrase(text, s, lex)
            if hit is None:
                v = lex.variant(word)
                if v is not None:
                    hit = (e, v[0], v[1])
            if hit is not None:
                end, target, entry = hit
                ed = self._judge_variant(text, s, end, target, entry, caps, doc, idx)
                if ed is not None and english_here(text, s):
                    edits.append(ed)
                    if ed.safety == SAFE:
                        doc.add(*target.split())
                    edits.extend(self._given_names(text, s, entry, target, idx, caps, surname_was_foreign=True))
                    taken_until = end
                continue
            # 2. mojibake that ftfy leaves alone in a single word ("ErdoÄŸan"): decoded with
            #    ftfy's own codec, kept only when it gives a name the lexicon knows
            if _MOJI.search(word):
                ed = self._mojibake(text, s, e, word, lex, idx)
                if ed is not None and english_here(text, s):
                    edits.append(ed)
                continue
            # 3. letters dropped by a lossy pipeline
            d = idx.dropped.get(word)
            if d is not None:
                ed = self._judge_dropped(text, s, e, d, caps, doc, idx)
                if ed is not None and english_here(text, s):
                    edits.append(ed)
                    if ed.safety == SAFE:
                        doc.add(ed.replacement)
                continue
            # an unknown word next to a known name: a foreign first name before it
            # ("Sergueï Lavrov") or after it, for names written surname first ("Kim Jong-oun")
            after, a_s = next_word(text, e) if paths & GIVEN else ("", -1)
            if after in idx.canonical_tokens and not caps(s):
                got = self._given_names(text, a_s, None, after, idx, caps, surname_was_foreign=False)
                if got:
                    if english_here(text, s):
                        edits.extend(got)
                    continue
            before, b_s = prev_word(text, s) if paths & GIVEN_AFTER else ("", -1)
            if before in idx.canonical_tokens and b_s >= 0 and not caps(s):
                ed = self._given_after(text, b_s + len(before), before, idx)
                if ed is not None and ed.start == s:
                    if english_here(text, s):
                        edits.append(ed)
                        taken_until = ed.end
                    continue
            # 4. transliterations by sound skeleton, then fuzzy
            if paths & FUZZY and len(word) >= 5 and not is_english_word(word) and not caps(s):
                got = self._judge_fuzzy(text, s, e, word, caps, doc, idx)
                if got is not None and english_here(text, s):
                    ed, entry = got
                    edits.append(ed)
                    if ed.safety == SAFE:
                        doc.add(ed.replacement)
                    edits.extend(self._given_names(text, s, entry, ed.replacement, idx, caps,
                                                   surname_was_foreign=True))
        return edits

    # -- mojibake in a name -----------------------------------------------------------
    def _mojibake(self, text, s, e, word, lex, idx) -> Edit | None:
        try:
            fixed = word.encode("sloppy-windows-1252").decode("utf-8")
        except UnicodeError:
            return None
        if fixed == word or not (fixed in idx.canonical_tokens or lex.variant(fixed)):
            return None
        return Edit(s, e, fixed, "TM405", "name-mojibake", SAFE,
                    f"{word!r} is the name {fixed!r} decoded with the wrong encoding", 0.9)

    # -- given names after the surname (surname-first names) -----------------------------
    def _given_after(self, text, e, surname, idx: NameIndex) -> Edit | None:
        people = [p for p in idx.lexicon.people.get(surname, [])
                  if p.name.split()[0] == surname and p.short == surname and len(p.name.split()) > 1]
        if not people or text[e:e + 1] != " ":
            return None
        found_any = []
        for person in people:
            rest = person.name.split()[1:]
            words, pos = [], e
            while len(words) < len(rest) and text[pos:pos + 1] == " ":
                m = _ANY_WORD.match(text, pos + 1)
                if not m:
                    break
                words.append((m.group(), m.end()))
                pos = m.end()
            if not words or not words[0][0][:1].isupper():
                continue
            for k in range(len(words), 0, -1):  # "Jong-oun" may stand for two words
                if skeleton("".join(w for w, _ in words[:k])) == skeleton("".join(rest)):
                    found_any.append((text[e + 1:words[k - 1][1]], " ".join(rest), words[k - 1][1]))
                    break
        if len(found_any) != 1:
            return None
        found, target, span_end = found_any[0]
        if found == target or not looks_foreign(found, target):
            return None
        return Edit(e + 1, span_end, target, "TM404", "given-name", SAFE,
                    f"{found!r} is a foreign spelling of {target!r}, after {surname!r}", 0.85)

    # -- exact variants -------------------------------------------------------------
    def _phrase(self, text: str, s: int, lex) -> tuple[int, str, Entry] | None:
        """The longest multi-word variant starting at ``s``."""
        m = _ANY_WORD.match(text, s)
        if not m:
            return None
        lengths = _phrase_lengths(lex).get(m.group())
        if lengths is None:
            return None
        e = m.end()
        if text[e:e + 1] != " " or not text.startswith(_phrase_tails(lex).get(m.group(), ()), e + 1):
            # (a phrase found below is this word, a space and the rest of a variant: where no
            # rest follows, none is; most places of "I" or "A" in a long text)
            return None
        words = [(m.group(), m.end())]
        pos = m.end() + 1
        while len(words) < lengths[0] and m.end() < len(text) and text[m.end()] == " ":
            m = _ANY_WORD.match(text, pos)
            if not m:
                break
            words.append((m.group(), m.end()))
            pos = m.end() + 1
        for n in lengths:
            if n <= len(words):
                v = lex.variant(" ".join(w for w, _ in words[:n]))
                if v is not None:
                    return words[n - 1][1], v[0], v[1]
        return None

    def _judge_variant(self, text, s, e, target, entry, caps, doc, idx) -> Edit | None:
        found = text[s:e]
        if caps(s) or not _free_standing(text, s, e, entry, idx):
            return None
        multi = " " in found
        initial = sentence_initial(text, s)
        if initial and not multi and (is_english_word(found) or found.lower() in doc):
            return None  # "Poutine is a Canadian dish"
        if found.lower() in doc and not multi:
            return None  # the document uses the word in lower case: a common noun
        safety, conf, why = SAFE, 0.95 if multi else 0.9, "listed foreign spelling"
        if entry.kind in PLACE_KINDS and sporty(text, s):
            safety, conf, why = UNSAFE, 0.5, "listed foreign spelling, but the sentence is about sport (a club?)"
        elif initial and not multi and target not in doc and not _titled(text, s):
            safety, conf, why = UNSAFE, 0.7, "listed foreign spelling at a sentence start, no other evidence"
        return Edit(s, e, target, "TM401", "foreign-name", safety,
                    f"{found!r} is the foreign spelling of {target!r} ({why})", conf)

    # -- dropped letters ------------------------------------------------------------
    def _judge_dropped(self, text, s, e, targets, caps, doc, idx) -> Edit | None:
        found = text[s:e]
        canonical = targets[0].canonical
        msg = f"{found!r} is {canonical!r} without its accented letters"
        for d in targets:
            same = _entry_neighbour(text, s, e, d.entry, idx)
            if same:
                if caps(s):  # (looked at after the cheaper test above)
                    return None
                return Edit(s, e, canonical, "TM402", "dropped-letters", SAFE, msg + f" (next to {same!r})", 0.95)
        if len(found) >= 5 and not is_english_word(found) and not caps(s) and all(
                _free_standing(text, s, e, d.entry, idx) for d in targets):
            if _titled(text, s) or any(t in doc for d in targets for t in d.entry.name.split() if t != canonical):
                return Edit(s, e, canonical, "TM402", "dropped-letters", SAFE,
                            msg + " (the name is used elsewhere in the text)", 0.85)
            return Edit(s, e, canonical, "TM402", "dropped-letters", UNSAFE, msg + " (no other evidence)", 0.6)
        return None

    # -- transliterations -----------------------------------------------------------
    def _judge_fuzzy(self, text, s, e, word, caps, doc, idx: NameIndex) -> tuple[Edit, Entry] | None:
        if word in idx.first_names or word in MONTHS_DAYS:
            return None
        target = idx.exact(word)
        score = 100.0
        if target is None:
            # fuzzy matching only where a title (against every name) or a neighbouring name
            # (against that name's people only) gives evidence
            if _titled(text, s):
                hit = idx.fuzzy(word)
            else:
                near = _name_next_to(text, s, e, idx)
                hit = _fuzzy_among(word, idx.lexicon.entries_for(near)) if near else None
            if hit is None:
                return None
            target, score = hit
        entry = target.entry
        if target.canonical == word or strip_accents(target.canonical).lower() == strip_accents(word).lower():
            return None
        if not _free_standing(text, s, e, entry, idx):
            return None
        titled = _titled(text, s)
        neighbour = _entry_neighbour(text, s, e, entry, idx)
        elsewhere = target.canonical in doc or doc.holds(entry.name)  # (doc: of this text)
        exact = score >= 100.0
        what = f"{word!r} sounds like {target.canonical!r} ({entry.kind})"
        if entry.kind in PLACE_KINDS and sporty(text, s):
            return None
        if not looks_foreign(word, target.canonical):
            # "Yanukovich", "Browne", "Huston": an English spelling or another name, not a
            # foreign transliteration: never repaired on sound alone
            return None
        if exact and (titled or neighbour or elsewhere):
            why = "after a title" if titled else (f"next to {neighbour!r}" if neighbour else "the name is used elsewhere")
            return Edit(s, e, target.canonical, "TM403", "transliteration", SAFE, f"{what}: {why}", 0.85), entry
        if exact:
            return Edit(s, e, target.canonical, "TM403", "transliteration", UNSAFE,
                        f"{what}: no other evidence", 0.55), entry
        if titled or neighbour:
            return Edit(s, e, target.canonical, "TM403", "transliteration", UNSAFE,
                        f"{what} (fuzzy score {score:.0f})", round(score / 100 * 0.7, 2)), entry
        return None

    # -- given names ----------------------------------------------------------------
    def _given_names(self, text, s, entry, surname, idx: NameIndex, caps, surname_was_foreign) -> list[Edit]:
        """First names before a surname: ``Sergueï Lavrov``, ``Alexandre Loukachenko``."""
        people = [entry] if entry is not None and entry.kind == "person" else [
            p for p in idx.lexicon.people.get(surname.split()[0], []) if p.short.split()[0] == surname.split()[0]]
        if len(people) != 1:
            return []
        person = people[0]
        given = person.name.split()[:-len(person.short.split())]
        if not given:
            return []
        out = []
        pos = s
        for canon in reversed(given):
            w, ws = prev_word(text, pos)
            if not w or ws < 0 or not w[0].isupper() or text[ws + len(w):pos].strip():
                break
            if w == canon or strip_accents(w).lower() == strip_accents(canon).lower():
                pos = ws
                continue
            if w in TITLES or sentence_initial(text, ws) and is_english_word(w):
                break
            foreign_letters = any(ord(c) > 127 for c in strip_accents(w)) or (
                any(ord(c) > 127 for c in w) and strip_accents(w) != strip_accents(canon))
            if drop_non_ascii(canon) == w:
                out.append(Edit(ws, ws + len(w), canon, "TM404", "given-name", SAFE,
                                f"{w!r} is {canon!r} without its accented letters, before {surname!r}", 0.9))
            elif skeleton(w) == skeleton(canon) or _close(w, canon):
                if surname_was_foreign or foreign_letters or any(ord(c) > 127 for c in w):
                    out.append(Edit(ws, ws + len(w), canon, "TM404", "given-name", SAFE,
                                    f"{w!r} is a foreign spelling of {canon!r}, before {surname!r}", 0.85))
                else:
                    out.append(Edit(ws, ws + len(w), canon, "TM404", "given-name", UNSAFE,
                                    f"{w!r} may be a spelling of {canon!r}, before {surname!r}", 0.5))
            else:
                break
            pos = ws
        return out


def _close(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(skeleton(a), skeleton(b)) >= 80


def _titled(text: str, s: int) -> bool:
    """A title or role stands right before the name (``President``, ``Mr``, ``leader``)."""
    w, ws = prev_word(text, s)
    if w in TITLES:
        return True
    # "President Recep Tayyip Erdoan": look past up to two capitalised first names
    for _ in range(2):
        if not w or not w[:1].isupper():
            return False
        w, ws = prev_word(text, ws)
        if w in TITLES:
            return True
    return False


def _name_next_to(text: str, s: int, e: int, idx: NameIndex) -> str:
    """A known first name or name token right before or after the word ('' if none)."""
    w, ws = prev_word(text, s)
    if w and (w in idx.first_names or w in idx.canonical_tokens) and text[ws + len(w):s].strip() == "":
        return w
    w, _ = next_word(text, e)
    return w if w and (w in idx.first_names or w in idx.canonical_tokens) else ""


def _fuzzy_among(word: str, entries, cutoff: float = 86.0):
    """The closest surname (by sound skeleton) among ``entries``, as (Target, score)."""
    from rapidfuzz import fuzz

    from ..lexicon.matching import Target

    key = skeleton(word)
    best = None
    for entry in entries:
        if entry.kind != "person":
            continue
        surname = entry.short.split()[-1]
        score = fuzz.ratio(key, skeleton(surname))
        if score >= cutoff and (best is None or score > best[1]):
            best = (Target(surname, entry), float(score))
    return best


@lru_cache(maxsize=8192)
def _entry_tokens(entry: Entry) -> tuple[frozenset[str], frozenset[str]]:
    """The words of an entry's name, short form and variants; and those without their
    non-ASCII letters."""
    tokens = set(entry.name.replace("-", " ").split()) | set(entry.short.split())
    for v in entry.variants:
        tokens.update(v.split())
    return frozenset(tokens), frozenset(drop_non_ascii(t) for t in tokens)


def _entry_neighbour(text: str, s: int, e: int, entry: Entry, idx: NameIndex) -> str:
    """A word right before or after the span that belongs to the same entry's name."""
    tokens, dropped = _entry_tokens(entry)
    w, ws = prev_word(text, s)
    if w and text[ws + len(w):s].strip() == "" and (w in tokens or w in dropped) and w not in PARTICLES:
        return w
    w, ws = next_word(text, e)
    if w and (w in tokens or w in dropped) and w not in PARTICLES:
        return w
    return ""


def _free_standing(text: str, s: int, e: int, entry: Entry, idx: NameIndex) -> bool:
    """False when the word is part of a larger proper name that is not this entry's
    (``Chez Moscou``, ``Tokio Hotel``, ``Bayern München``)."""
    name_tokens = _entry_tokens(entry)[0]
    w, ws = prev_word(text, s)
    if w in FOREIGN_PARTICLES and w not in name_tokens and text[ws + len(w):s] in (" ", "\t"):
        return False  # "Banque du Caire", "Universidad de Sevilla"
    if w and w[0].isupper() and text[ws + len(w):s] in (" ", "\t"):
        given = entry.name.split()[:-1] if entry.kind == "person" else []
        if not (w in TITLES or w in name_tokens or w in idx.first_names or _adjective(w)
                or any(_close(w, g) for g in given)
                or w.lower() in FUNCTION_WORDS or w in MONTHS_DAYS
                or (sentence_initial(text, ws) and is_english_word(w) and w not in NAME_OPENERS)
                or (w in idx.canonical_tokens and entry.kind == "person")):
            return False
    w, ws = next_word(text, e)
    if w and w[0].isupper() and not w.isupper():
        if (w not in name_tokens and w not in idx.canonical_tokens and w not in MONTHS_DAYS
                and idx.lexicon.variant(w) is None and w not in TITLES):
            return False
    return True


def _adjective(w: str) -> bool:
    """Nationality adjectives and similar words that may precede a name ("Russian", "Turkish")."""
    return w.endswith(("an", "ish", "ese", "ian", "i", "ic", "ch")) and len(w) > 4


import re as _re  # noqa: E402

import regex as _regex  # noqa: E402

_MOJI = _regex.compile(r"[\u00c2-\u00c5\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")
_ANY_WORD = _regex.compile(r"[\p{L}\p{M}]+(?:[-'’][\p{L}\p{M}]+)*")


#: what :func:`_kind` says about a word (bits)
SELF, MULTI, WEAK = 1, 2, 4


def _kind(w: str, lex, idx: NameIndex) -> int:
    """Why the name rules may look at a capitalised word, in any document: SELF, it is a
    listed variant, a dropped-letter form or mojibake; MULTI, it opens a multi-word variant;
    WEAK, it is neither English nor a known name but looks foreign.  0: never."""
    if not w[:1].isupper() or (len(w) > 1 and w.isupper()):
        return 0
    kind = 0
    if w in lex.variants or w in idx.dropped or (not w.isascii() and _MOJI.search(w)):
        kind |= SELF
    if w in _multi_first(lex):
        kind |= MULTI
    if not kind and (w not in idx.canonical_tokens and len(w) >= 3 and w not in MONTHS_DAYS
                     and _foreign_shape(w) and not is_english_word(w)):
        kind |= WEAK
    return kind


#: the look-ups of :meth:`Names._scan` for words that are no listed spelling (bits)
GIVEN, GIVEN_AFTER, FUZZY = 1, 2, 4
ALL = GIVEN | GIVEN_AFTER | FUZZY


class _Gate:
    """The names rule's cheap gate: which capitalised tokens of a document are worth a look,
    and which look-ups may accept them.

    A word's verdict does not depend on its document, so it is worked out once per lexicon
    and remembered; a document then costs a few C-level set operations.  Worth a look in any
    document: listed variants, dropped-letter forms, mojibake, and the words a given-name or
    transliteration look-up could accept (:meth:`NameIndex.given_before`,
    :meth:`NameIndex.fuzzy_neighbours`).  The first word of a multi-word variant (``Union`` of
    ``Union européenne``) also when the document contains one of its phrases; every
    foreign-looking word when the document names someone written surname first (``Kim
    Jong-oun``: the given name after the surname).  A superset of what the
    context-dependent judgements of :meth:`Names._scan` can accept."""

    LIMIT = 400_000  # remembered verdicts; forgotten all at once beyond this

    def __init__(self, lex, idx: NameIndex):
        self.lex, self.idx = lex, idx
        self.seen: dict[str, tuple[int, int]] = {}  # word -> (kind, paths)
        #: GIVEN words -> the surnames one of which must be in the document (None: any)
        self.given_before: dict[str, frozenset[str] | None] = {}
        #: FUZZY words -> the names one of which must be in the document (None: any)
        self.fuzzy_near: dict[str, frozenset[str] | None] = {}
        #: short dropped-letter forms -> the name words one of which must be in the document
        self.dropped_near: dict[str, frozenset[str]] = {}
        self.always: dict[str, int] = {}  # looked at in any document -> paths
        self.multi: dict[str, int] = {}   # looked at when a phrase they open is in the text
        self.weak: dict[str, int] = {}    # looked at next to a surname-first name
        self.surname_first = {w for w in idx.surname_first if w[:1].isupper()}
        self.surname_first_other = [w for w in idx.surname_first if not w[:1].isupper()]
        self._phrases: dict[str, object] = {}
        #: (text, words, hits) of the last :meth:`_scan_long`, for :meth:`occurrences`
        self._long: tuple[str, frozenset[str], list[tuple[int, str]]] | None = None
        self.seen_set: set[str] = set()
        self.fresh: list[str] = []  # words learned since the last take()
        self.looked_up_alone = 0  # words looked up one by one so far (see PRIME_AFTER)
        self.always_set: set[str] = set()
        self.multi_set: set[str] = set()
        self.weak_set: set[str] = set()

    #: new words that need fuzzy look-ups, at once, worth a batched look-up
    #: (:meth:`NameIndex.prime`: its look-ups are ~5x faster per word, but learning a word
    #: costs more than its look-ups: ~10-30% less in all)
    PRIME_AT = 16
    #: ... once this many words were looked up one by one: the first batch imports numpy
    #: (0.1-0.2 s), which only a long run wins back (a small file or a few texts never pay
    #: it).  One by one, a word's look-ups cost ~0.25 ms: 500 of them are about the import
    #: (pay the rent until it adds up to the price).  Measured on a cold run over BBC and
    #: Reuters (14,000 documents; instructions): 5000 -> 500 is 10 % fewer in all
    PRIME_AFTER = 500
    #: words learned and not yet taken by :meth:`take` (beyond this, nobody is taking them)
    FRESH_LIMIT = 50_000

    def verdict(self, w: str, kind: int | None = None) -> tuple[int, int]:
        if kind is None:
            kind = _kind(w, self.lex, self.idx)
        paths = 0
        lex, idx = self.lex, self.idx
        if (kind & SELF and w in idx.dropped and w not in lex.variants and not _MOJI.search(w)
                and (len(w) < 5 or is_english_word(w))):
            # a short or English word ("So" for "São"): repaired only next to a word of the name
            near = set()
            for target in idx.dropped[w]:
                tokens, dropped = _entry_tokens(target.entry)
                near |= tokens | dropped
            if all(t[:1].isupper() for t in near):
                self.dropped_near[w] = frozenset(near)
        if kind and not kind & SELF:
            idx = self.idx
            before = idx.given_before(w)
            if before:
                paths |= GIVEN
                self.given_before[w] = None if any(not t[:1].isupper() for t in before) else before
            if (len(w) >= 5 and w not in idx.first_names and w not in MONTHS_DAYS
                    and not is_english_word(w)):
                near = idx.fuzzy_neighbours(w, looks_foreign)
                if near is None or near:
                    paths |= FUZZY
                    self.fuzzy_near[w] = None if near is None or any(not t[:1].isupper() for t in near) else near
        return kind, paths

    def worth_a_look(self, tokens: set[str], text: str) -> dict[str, int]:
        """Word -> the look-ups (bits of :data:`ALL`) that may accept it here."""
        new = tokens.difference(self.seen_set)
        if new:
            self._learn(new)
        always, given_before, fuzzy_near = self.always, self.given_before, self.fuzzy_near
        found = {}
        for w in tokens & self.always_set:
            paths = always[w]
            if paths & GIVEN:
                names = given_before[w]
                if names is not None and tokens.isdisjoint(names):
                    paths &= ~GIVEN  # none of the surnames it could stand before is here
            if paths & FUZZY:
                names = fuzzy_near[w]
                if names is not None and tokens.isdisjoint(names):
                    paths &= ~FUZZY  # none of the names it could stand next to is here
            if paths or (self.seen[w][0] & SELF and not (
                    w in self.dropped_near and tokens.isdisjoint(self.dropped_near[w]))):
                found[w] = paths  # (a word that opens a phrase: the phrase decides below)
        multi = tokens & self.multi_set
        surnames = tokens & self.surname_first
        if self.surname_first_other:
            surnames |= {w for w in self.surname_first_other if w in text}
        if len(text) >= LONG_TEXT:  # one scan for the phrases, the surnames and the words
            with_phrase, surname_hits = self._scan_long(tokens, multi, surnames, text)
            for w in with_phrase:
                if w not in found:
                    found[w] = self.multi[w]  # a word that opens a phrase here
        else:
            for w in multi:
                if w not in found and self._has_phrase(w, tokens, text):
                    found[w] = self.multi[w]
            surname_hits = self._surname_hits(surnames, text) if surnames else ()
        if surnames:
            # "Kim Jong-oun": a given name right after a surname written first
            seen = self.seen
            for i, needle in surname_hits:
                m = CAP_WORD.match(text, i + len(needle))
                if m is not None and seen.get(m.group(), (0, 0))[0]:
                    found[m.group()] = found.get(m.group(), 0) | GIVEN_AFTER
        return found

    @staticmethod
    def _surname_hits(surnames, text: str):
        """``(start, name + " ")`` for every place where one of ``surnames`` stands before a
        space (a ``str.find`` scan per name)."""
        for name in surnames:
            needle = name + " "
            i = text.find(needle)
            while i >= 0:
                yield i, needle
                i = text.find(needle, i + 1)

    def _scan_long(self, tokens: set[str], multi: set[str], surnames: set[str],
                   text: str) -> tuple[set[str], list[tuple[int, str]]]:
        """For a long text, what :meth:`worth_a_look` asks of it, from one scan
        (:func:`~textmend.evidence.needle_hits`) for all of: the first words of multi-word
        variants whose phrases may be here, the surnames written first, and the words that
        may become candidates (all but the given names after such a surname, which
        :meth:`occurrences` looks for on their own).  Returns
        the words whose phrases are here (as :meth:`_has_phrase` says) and the places of
        the surnames before a space (as :meth:`_surname_hits` gives them).

        At each place the scan reports the longest word that starts there and is not
        followed by an ASCII letter (``whole``; every use below needs a word that ends
        there: a space after it, or a :data:`CAP_WORD` token ending with it, which an ASCII
        letter would carry on).  Each word is a whole capitalised token without a space, so
        where a word and a space stand, that word is the longest, and where a word is the
        token there, it is too."""
        ascii_text = text.isascii()
        rests = {w: r for w in multi if (r := self._rests_here(w, tokens, ascii_text))}
        single = {n for n in surnames if n and " " not in n}
        words = (tokens & self.always_set) | multi | single
        hits = list(needle_hits(text, words, whole=True))
        self._long = (text, frozenset(words), hits)
        with_phrase: set[str] = set()
        surname_hits: list[tuple[int, str]] = []
        for i, w in hits:
            j = i + len(w)
            if text[j:j + 1] != " ":
                continue  # both a phrase and a surname go on with a space
            r = rests.get(w)
            if r is not None and w not in with_phrase and text.startswith(r, j + 1):
                with_phrase.add(w)
            if w in single:
                surname_hits.append((i, w + " "))
        surname_hits.extend(self._surname_hits([n for n in surnames if n not in single], text))
        return with_phrase, surname_hits

    def occurrences(self, text: str, words) -> list[tuple[int, int, str]]:
        """:func:`~textmend.evidence.occurrences` of ``words`` as :data:`CAP_WORD` matches,
        taken from the scan of :meth:`_scan_long` when it was of this text (those of words
        it did not look for, as a given name after a surname may be, found on their own);
        the scan is let go of then (it holds the text)."""
        long, self._long = self._long, None
        if long is None or long[0] is not text:
            return occurrences(text, words, CAP_WORD)
        match = CAP_WORD.match
        found = [(i, i + len(w), w) for i, w in long[2]
                 if w in words and (m := match(text, i)) is not None and m.end() == i + len(w)]
        others = [w for w in words if w not in long[1]]
        if others:
            found += occurrences(text, others, CAP_WORD)
            found.sort()
        return found

    def _learn(self, words) -> None:
        self._make_room()
        self.seen_set.update(words)
        lex, idx = self.lex, self.idx
        kinds = [(w, _kind(w, lex, idx)) for w in words]
        looked_up = [w for w, kind in kinds if kind and not kind & SELF]  # what verdict() looks up
        if "numpy" in sys.modules:
            if len(looked_up) >= 2:  # (numpy imported already: worth it from two words on)
                idx.prime(looked_up)
        elif self.looked_up_alone >= self.PRIME_AFTER and len(looked_up) >= self.PRIME_AT:
            idx.prime(looked_up)
        else:
            self.looked_up_alone += len(looked_up)
        for w, kind in kinds:
            kind, paths = self.seen[w] = self.verdict(w, kind)
            self._file(w, kind, paths)
        if len(self.fresh) < self.FRESH_LIMIT:
            self.fresh.extend(words)

    def _make_room(self) -> None:
        if len(self.seen) > self.LIMIT:
            for d in (self.seen, self.always, self.multi, self.weak, self.given_before, self.fuzzy_near, self.dropped_near,
                      self.always_set, self.multi_set, self.weak_set, self.seen_set):
                d.clear()

    def _file(self, w: str, kind: int, paths: int) -> None:
        """Put a word with its verdict into the sets :meth:`worth_a_look` intersects."""
        if kind & SELF or paths:
            self.always[w] = paths
            self.always_set.add(w)
        if kind & MULTI:
            self.multi[w] = paths
            self.multi_set.add(w)
        elif kind & WEAK and not paths:
            self.weak[w] = paths
            self.weak_set.add(w)

    # -- sharing what was learned between processes (the CLI's workers) ------------------
    def take(self) -> list[tuple]:
        """The verdicts learned since the last call, as plain picklable records, for
        :meth:`absorb` in another process with the same lexicon (a verdict depends on the
        word and the lexicon alone, so absorbing one is the same as learning it)."""
        words, self.fresh = self.fresh, []
        seen, gb, fn, dn = self.seen, self.given_before, self.fuzzy_near, self.dropped_near
        return [(w, *seen[w], gb.get(w, False), fn.get(w, False), dn.get(w, False))
                for w in words if w in seen]

    def absorb(self, records: list[tuple]) -> None:
        """Take over the verdicts of :meth:`take` records for words not seen here yet."""
        self._make_room()
        seen_set = self.seen_set
        for w, kind, paths, gb, fn, dn in records:
            if w in seen_set:
                continue
            seen_set.add(w)
            self.seen[w] = (kind, paths)
            if gb is not False:
                self.given_before[w] = gb
            if fn is not False:
                self.fuzzy_near[w] = fn
            if dn is not False:
                self.dropped_near[w] = dn
            self._file(w, kind, paths)

    def _has_phrase(self, w: str, tokens: set[str], text: str) -> bool:
        """Does ``text`` contain a multi-word variant that opens with ``w``?  Phrases whose
        second word is capitalised need that word among ``tokens`` first (a set look-up)."""
        rests = self._rests_here(w, tokens, text.isascii())
        if not rests:
            return False
        prefix = w + " "
        n = len(prefix)
        i = text.find(prefix)
        while i >= 0:
            if text.startswith(rests, i + n):
                return True
            i = text.find(prefix, i + 1)
        return False

    def _rests_here(self, w: str, tokens: set[str], ascii_text: bool) -> tuple[str, ...]:
        """What may follow ``w`` and a space to make a multi-word variant here: the rests
        that go on with a capitalised word (when one of those words is among ``tokens``)
        and the others (only those in ASCII, for an ASCII text)."""
        seconds, capital, other, ascii_other = self._phrase_rests(w)
        if ascii_text:  # the phrases with other characters cannot be in it
            other = ascii_other
        if capital and not tokens.isdisjoint(seconds):
            return capital + other
        return other

    def _phrase_rests(self, w: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """``(seconds, capital, other, ascii)`` for the multi-word variants that open with
        ``w``: the capitalised second words, and the rests of the phrases (after ``w`` and a
        space) that go on with a capitalised word, the others, and those of the others in
        ASCII.  Tried with ``str.startswith`` where ``w`` and a space stand (no pattern to
        compile: a cold run met ~400 such words, ~0.1 s of compiling)."""
        got = self._phrases.get(w)
        if got is None:
            capital, other = {}, []
            for rest in _phrase_tails(self.lex).get(w, ()):
                second = _CAP_START.match(rest)
                if second:
                    capital.setdefault(second.group(), []).append(rest)
                else:
                    other.append(rest)
            capital_rests = tuple(sorted({r for rs in capital.values() for r in rs}))
            other_rests = tuple(sorted(set(other)))
            got = self._phrases[w] = (frozenset(capital), capital_rests, other_rests,
                                      tuple(r for r in other_rests if r.isascii()))
        return got


#: the capitalised word a phrase goes on with, as :func:`textmend.evidence.cap_tokens` finds it
_CAP_START = _re.compile(r"[A-Z][^\W\d_]*(?:-[^\W\d_]+)*(?![^\W\d_])")


def _pipeline_gate(pipeline) -> _Gate | None:
    """The names gate of ``pipeline``'s lexicon (None for an empty lexicon)."""
    lex = pipeline.lexicon
    return _gate(lex, name_index(lex)) if len(lex) else None


def _gate(lex, idx: NameIndex) -> _Gate:
    got = getattr(lex, "_names_gate", None)
    if got is None or got.idx is not idx:
        got = _Gate(lex, idx)
        lex._names_gate = got
    return got


def _phrase_lengths(lex) -> dict[str, tuple[int, ...]]:
    """First word of a multi-word variant -> its variants' lengths in words, longest first."""
    got = getattr(lex, "_phrase_lengths", None)
    if got is None:
        table: dict[str, set[int]] = {}
        for v in lex.variants:
            parts = v.split()
            if len(parts) > 1:
                table.setdefault(parts[0], set()).add(len(parts))
        got = {k: tuple(sorted(n, reverse=True)) for k, n in table.items()}
        lex._phrase_lengths = got
    return got


def _phrase_tails(lex) -> dict[str, tuple[str, ...]]:
    """First word of a multi-word variant -> what follows it and a space in its variants."""
    got = getattr(lex, "_phrase_tails", None)
    if got is None:
        table: dict[str, list[str]] = {}
        for v in lex.variants:
            first, space, rest = v.partition(" ")
            if space:
                table.setdefault(first, []).append(rest)
        got = {k: tuple(sorted(set(r))) for k, r in table.items()}
        lex._phrase_tails = got
    return got


def _multi_first(lex) -> frozenset[str]:
    got = getattr(lex, "_multi_first", None)
    if got is None:
        got = frozenset(v.split()[0] for v in lex.variants if " " in v)
        lex._multi_first = got
    return got




def _foreign_shape(word: str) -> bool:
    """The word could be another language's spelling of a name (non-ASCII letters or one
    of :data:`FOREIGN_MARKS`); only such words can ever be repaired by sound."""
    if not word.isascii():
        return True
    lower = word.lower()  # (ASCII: the marks match case-insensitively)
    return any(m in lower for m in FOREIGN_MARKS)


def looks_foreign(word: str, canonical: str) -> bool:
    """True when ``word`` carries a spelling of another language that ``canonical`` does not:
    letters with diacritics, or ``w``, ``sch``, ``ou``, ``j`` … (``Medwedew``, ``Poutine``,
    ``Selenskyj``), as opposed to an English alternative (``Yanukovich``)."""
    if any(ord(c) > 127 for c in word) and strip_accents(word) != strip_accents(canonical):
        return True
    w, c = strip_accents(word).lower(), strip_accents(canonical).lower()
    return any(mark in w and mark not in c for mark in FOREIGN_MARKS)

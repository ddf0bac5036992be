"""Indexes over a :class:`~textmend.lexicon.Lexicon` for the name rules.

* ``caps``: ``"MACRON"`` → ``"Macron"`` (proper-case forms of names, for ALL-CAPS repairs);
* ``dropped``: ``"Nicols"`` → ``"Nicolás"`` (what is left of a name when a lossy pipeline
  drops its non-ASCII letters);
* ``skeletons``: a transliteration-neutral key (``Poutine``, ``Poetin`` and ``Putin`` all
  give ``putin``) so that foreign transliterations not listed as variants are still found,
  and fuzzy matching (rapidfuzz) runs over a small list of keys, never over raw text.

>>> skeleton("Poutine"), skeleton("Poetin"), skeleton("Putyin"), skeleton("Putin")
('putin', 'putin', 'putin', 'putin')
>>> skeleton("Loukachenko") == skeleton("Lukaschenko") == skeleton("Lukashenko")
True
>>> skeleton("Selenskyj") == skeleton("Zelensky")
True
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from . import Entry, Lexicon, drop_non_ascii, strip_accents

_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D",
                        "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})
# ordered rewrites: foreign spellings of the same sounds collapse to one key
_REWRITES = [
    ("tsch", "ch"), ("sch", "sh"), ("szcz", "shch"), ("sz", "sh"), ("cz", "ch"), ("zh", "j"),
    ("kh", "h"), ("ch", "sh"), ("ou", "u"), ("oe", "u"), ("dj", "j"), ("dzh", "j"), ("dz", "j"),
    ("ph", "f"), ("w", "v"), ("ck", "k"), ("q", "k"), ("x", "ks"), ("c", "k"), ("z", "s"),
    ("yj", "i"), ("ij", "i"), ("iy", "i"), ("yy", "i"), ("y", "i"), ("j", "i"), ("ee", "i"),
]
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A transliteration-neutral key for a name token."""
    s = strip_accents(word.translate(_EXTRA)).lower().replace("-", "").replace("'", "")
    for a, b in _REWRITES:
        if a in s:
            s = s.replace(a, b)
    s = _DOUBLE.sub(r"\1", s)
    if len(s) > 4 and s.endswith("e"):
        s = s[:-1]
    return s


@dataclass
class Target:
    """What a token may stand for: the canonical token and its entry."""

    canonical: str
    entry: Entry


@dataclass
class NameIndex:
    lexicon: Lexicon
    caps: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, list[Target]] = field(default_factory=dict)
    skeletons: dict[str, Target] = field(default_factory=dict)
    canonical_tokens: set[str] = field(default_factory=set)
    first_names: set[str] = field(default_factory=set)
    #: one-word names that take a possessive: places, organisations, people's surnames
    heads: set[str] = field(default_factory=set)
    _keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        lex = self.lexicon
        ambiguous_caps: set[str] = set()
        ambiguous_drop: set[str] = set()
        ambiguous_skel: set[str] = set()
        for e in lex.entries:
            tokens = e.name.split()
            self.canonical_tokens.update(tokens)
            if e.kind == "person":
                self.canonical_tokens.update(e.short.split())
                self.first_names.update(tokens[:-len(e.short.split())] or [])
            if e.kind == "person":
                if len(e.short.split()) == 1:
                    self.heads.add(e.short)
            elif len(tokens) == 1:
                self.heads.add(e.name)
            # proper-case forms of surnames and of one-word places and organisations (not
            # first names, not parts like "La" of "La Paz": "LA." is no name in capitals)
            heads = e.short.split() if e.kind == "person" else (tokens if len(tokens) == 1 else [])
            for tok in heads:
                if tok.upper() != tok and len(tok) > 1 and tok[0].isupper():
                    old = self.caps.get(tok.upper())
                    if old is not None and old != tok:
                        ambiguous_caps.add(tok.upper())
                    self.caps[tok.upper()] = tok
            for tok in tokens:
                if not tok.isascii():
                    d = drop_non_ascii(tok)
                    if len(d) >= 2 and d != tok:
                        old = self.dropped.setdefault(d, [])
                        if old and old[0].canonical != tok:
                            ambiguous_drop.add(d)
                        old.append(Target(tok, e))
            # skeletons of surnames / single-word names only: they carry the identity
            keys = e.short.split()[-1:] if e.kind == "person" else (tokens if len(tokens) == 1 else [])
            for tok in keys:
                if len(tok) < 4:
                    continue
                k = skeleton(tok)
                old = self.skeletons.get(k)
                if old is not None and old.canonical != tok:
                    ambiguous_skel.add(k)
                self.skeletons[k] = Target(tok, e)
        for k in ambiguous_caps:
            del self.caps[k]
        for k in ambiguous_drop | (set(self.dropped) & self.canonical_tokens):
            del self.dropped[k]  # "Michel" is a name of its own, not "Micheál" damaged
        for k in ambiguous_skel:
            del self.skeletons[k]
        self._keys = tuple(sorted(self.skeletons))
        self._keys_by_length = _by_length(self._keys)
        # what the cheap word-level gates of the name rules compare against (supersets of
        # every key a context-dependent look-up may use)
        people = [e for e in lex.entries if e.kind == "person"]
        self._people_by_surname_key: dict[str, list[Entry]] = {}
        for e in people:
            if e.short.split():
                self._people_by_surname_key.setdefault(skeleton(e.short.split()[-1]), []).append(e)
        self._person_surname_keys = _by_length(self._people_by_surname_key)
        #: a person's last given name (its sound key, and without non-ASCII letters) -> the
        #: first word of the short form that follows it ("Sergei" -> "Lavrov")
        self._last_given: dict[str, set[str]] = {}
        self._last_given_dropped: dict[str, set[str]] = {}
        for e in people:
            first = e.name.split()[:-len(e.short.split())]
            if first and e.short.split():
                self._last_given.setdefault(skeleton(first[-1]), set()).add(e.short.split()[0])
                self._last_given_dropped.setdefault(drop_non_ascii(first[-1]), set()).add(e.short.split()[0])
        self._last_given_keys = _by_length(self._last_given)
        #: people written surname first ("Kim Jong-un"): their surnames
        self.surname_first = frozenset(
            e.short for e in people if len(e.name.split()) > 1 and e.name.split()[0] == e.short)

    def exact(self, word: str) -> Target | None:
        """The name whose sound skeleton equals the word's, or None."""
        key = skeleton(word)
        return self.skeletons.get(key) if len(key) >= 5 else None

    def fuzzy(self, word: str, cutoff: float = 86.0) -> tuple[Target, float] | None:
        """The closest name by skeleton (rapidfuzz ratio ≥ ``cutoff``), or None."""
        key = skeleton(word)
        if len(key) < 5:
            return None
        hit = self.skeletons.get(key)
        if hit is not None:
            return hit, 100.0
        cache = self.__dict__.setdefault("_fuzzy_cache", {})
        got = cache.get((key, cutoff), False)
        if got is False:
            got = _best_key(key, self._keys_by_length, cutoff)
            if len(cache) > 50000:
                cache.clear()
            cache[(key, cutoff)] = got
        if not got:
            return None
        return self.skeletons[got[0]], float(got[1])

    def fuzzy_neighbours(self, word: str, accept, cutoff: float = 86.0) -> frozenset[str] | None:
        """Where a sound or fuzzy repair of ``word`` needs no particular neighbour (its sound
        key is a name's, or its closest name is one a title before it would settle): None.
        Otherwise the words one of which must stand next to it (the name tokens of the people
        whose surname is close to it); empty when no repair is possible at all, as when no
        name is close to it.
        ``accept(word, canonical)`` filters the names it could become."""
        def ok(canonical: str) -> bool:
            return canonical != word and strip_accents(canonical).lower() != strip_accents(word).lower() \
                and accept(word, canonical)

        exact = self.exact(word)
        if exact is not None and ok(exact.canonical):
            return None
        best = self.fuzzy(word, cutoff)
        if best is not None and ok(best[0].canonical):
            return None
        near: set[str] = set()
        key = skeleton(word)
        for k in self._close(key, "_person_surname_keys", cutoff):
            for person in self._people_by_surname_key[k]:
                if ok(person.short.split()[-1]):
                    near.update(person.name.split())
                    near.add(person.short)
        return frozenset(near)

    def _close(self, key: str, table: str, cutoff: float) -> list[str]:
        """The keys of ``getattr(self, table)`` (grouped by :func:`_by_length`) within
        ``cutoff`` of ``key``, remembered (:meth:`prime` fills this for many words at once)."""
        cache = self.__dict__.setdefault("_close_cache", {})
        got = cache.get((key, table, cutoff))
        if got is None:
            got = [k for k, _, _ in _close_keys(key, getattr(self, table), cutoff)]
            if len(cache) > 50000:
                cache.clear()
            cache[(key, table, cutoff)] = got
        return got

    def prime(self, words: Iterable[str], fuzzy_cutoff: float = 86.0, given_cutoff: float = 80.0) -> None:
        """Work out, for many words at once, what :meth:`fuzzy`, :meth:`fuzzy_neighbours` and
        :meth:`given_before` would look up with rapidfuzz (at their default cutoffs), and
        remember it: one ``process.cdist`` per key table scores all words in C (several
        times faster than a look-up per word).  ``cdist`` only proposes keys, under a looser
        cutoff; each is then scored by ``fuzz.ratio`` as the per-word look-ups score it, so
        the answers are theirs exactly.  Does nothing without numpy (``cdist`` needs it)."""
        try:
            import numpy  # noqa: F401  (rapidfuzz's cdist returns numpy arrays)
        except Exception:  # noqa: BLE001 - not installed, or broken: look up one by one
            return
        fuzzy_cache = self.__dict__.setdefault("_fuzzy_cache", {})
        close_cache = self.__dict__.setdefault("_close_cache", {})
        keys = {skeleton(w) for w in words}
        best_wanted = sorted(k for k in keys if len(k) >= 5 and k not in self.skeletons
                             and (k, fuzzy_cutoff) not in fuzzy_cache)
        for k, found in _candidates(best_wanted, self._keys, fuzzy_cutoff):
            best = None
            for c in found:
                score = fuzz.ratio(k, c, score_cutoff=fuzzy_cutoff)
                if score >= fuzzy_cutoff and _better((c, score), best):
                    best = (c, score)
            fuzzy_cache[(k, fuzzy_cutoff)] = best
        for table, cutoff in (("_person_surname_keys", fuzzy_cutoff), ("_last_given_keys", given_cutoff)):
            wanted = sorted(k for k in keys if (k, table, cutoff) not in close_cache)
            choices = tuple(c for group in getattr(self, table).values() for c in group)
            for k, found in _candidates(wanted, choices, cutoff):
                close_cache[(k, table, cutoff)] = [c for c in found if fuzz.ratio(k, c, score_cutoff=cutoff) >= cutoff]
        for cache in (fuzzy_cache, close_cache):
            if len(cache) > 50000:
                cache.clear()

    def given_before(self, word: str, cutoff: float = 80.0) -> frozenset[str]:
        """The surnames (first words of short forms) before which ``word`` could be a
        spelling of the person's last given name: a given-name repair of ``word`` needs one
        of them right after it."""
        found = set(self._last_given_dropped.get(word, ()))
        key = skeleton(word)
        found.update(self._last_given.get(key, ()))
        for k in self._close(key, "_last_given_keys", cutoff):
            found.update(self._last_given[k])
        return frozenset(found)


def _by_length(keys) -> dict[int, tuple[str, ...]]:
    """Keys grouped by length (fuzzy look-ups then skip the lengths that cannot match)."""
    out: dict[int, list[str]] = {}
    for k in sorted(keys):
        out.setdefault(len(k), []).append(k)
    return {n: tuple(ks) for n, ks in out.items()}


def _in_reach(key: str, by_length: dict[int, tuple[str, ...]], cutoff: float):
    """The groups of :func:`_by_length` whose keys may reach ``cutoff`` with ``key``:
    ``fuzz.ratio`` is at most ``200 * min(n, m) / (n + m)``, so lengths for which that falls
    short are never scored."""
    n = len(key)
    for m, keys in by_length.items():
        if not (n + m and 200.0 * min(n, m) / (n + m) + 1e-9 < cutoff):
            yield keys


def _close_keys(key: str, by_length: dict[int, tuple[str, ...]], cutoff: float) -> list[tuple]:
    """``process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)``
    over keys grouped by :func:`_by_length` (:func:`_in_reach`)."""
    out: list[tuple] = []
    for keys in _in_reach(key, by_length, cutoff):
        out.extend(process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None))
    return out


def _better(got: tuple | None, best: tuple | None) -> bool:
    """Is ``got`` (key, score, ...) the better match: the higher score, or of equal scores
    the key first in sorted order (what ``process.extractOne`` over sorted keys keeps)?"""
    return got is not None and (best is None or got[1] > best[1] or (got[1] == best[1] and got[0] < best[0]))


def _candidates(queries: list[str], choices: Sequence[str], cutoff: float):
    """``(query, [choice, ...])``: every choice whose ``fuzz.ratio`` with the query may reach
    ``cutoff`` (a superset: scored in blocks by ``process.cdist`` under a looser cutoff)."""
    if not queries or not choices:
        for q in queries:
            yield q, []
        return
    import numpy

    loose = max(0.0, cutoff / 100.0 - 0.02)
    for i in range(0, len(queries), 256):
        block = queries[i:i + 256]
        scores = process.cdist(block, choices, scorer=Indel.normalized_similarity, score_cutoff=loose,
                               dtype=numpy.float32)
        for q, row in zip(block, scores):
            yield q, [choices[j] for j in numpy.flatnonzero(row)]


def _best_key(key: str, by_length: dict[int, tuple[str, ...]], cutoff: float) -> tuple | None:
    """``process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff)`` over keys
    grouped by :func:`_by_length` (in sorted order): the lengths that cannot reach ``cutoff``
    are skipped, and of equal scores the key first in sorted order wins, as in one pass."""
    best = None
    for keys in _in_reach(key, by_length, cutoff):
        got = process.extractOne(key, keys, scorer=fuzz.ratio,
                                 score_cutoff=cutoff if best is None else best[1])
        if _better(got, best):
            best = got
    return best


def name_index(lexicon: Lexicon) -> NameIndex:
    """The index for ``lexicon``, built once and kept on it."""
    idx = getattr(lexicon, "_name_index", None)
    if idx is None:
        idx = NameIndex(lexicon)
        lexicon._name_index = idx
    return idx

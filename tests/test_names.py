"""Names, possessives and casing rules (TM3xx, TM4xx, TM5xx) on a small test lexicon."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from textmend import Pipeline, Rule

from .namelex import TEST_LEXICON
from .properties import check_contract
from .strategies import any_text, plain_words

P = Pipeline(lexicon=TEST_LEXICON)


def mend(text: str) -> str:
    return P.mend(text)


@pytest.mark.parametrize("before, after", [
    # foreign spellings listed in the lexicon
    ("Israeli Prime Minister Benjamin Netanyahou on Sunday sent a delegation to Le Caire.",
     "Israeli Prime Minister Benjamin Netanyahu on Sunday sent a delegation to Cairo."),
    ("The talks in Moscou ended late.", "The talks in Moscow ended late."),
    ("the budget of Allemagne is tight", "the budget of Germany is tight"),
    ("Putin said so. Later Poutine’s adviser spoke.", "Putin said so. Later Putin’s adviser spoke."),
    ("Russian Foreign Minister Sergueï Lavrov arrived.", "Russian Foreign Minister Sergei Lavrov arrived."),
    ("Foreign Minister Sergej Lawrow arrived.", "Foreign Minister Sergei Lavrov arrived."),
    # dropped accented letters
    ("with Venezuelan President Nicols Maduro.", "with Venezuelan President Nicolás Maduro."),
    ("President Andrs Manuel Lpez Obrador, who", "President Andrés Manuel López Obrador, who"),
    ("President Recep Tayyip Erdoan signed", "President Recep Tayyip Erdoğan signed"),
    # mojibake that ftfy leaves in a single name
    ("For months, Erdo\u00c4\u0178an had conditioned", "For months, Erdoğan had conditioned"),
    # surname-first names: the given name after the surname
    ("North Korean leader Kim Jong-oun received", "North Korean leader Kim Jong Un received"),
    # transliteration by sound
    ("Former President Dmitri Medwedew said", "Former President Dmitry Medvedev said"),
    # possessives
    ("to soften Washingtons's position", "to soften Washington's position"),
    ("Macron spoke. Macrons's proposal", "Macron spoke. Macron's proposal"),
    ("and Serbias President Aleksandar Vucic", "and Serbia's President Aleksandar Vucic"),
    ("the weakness of Germanys economy", "the weakness of Germany's economy"),
    ("Turkey agreed. Turkeys foreign ministry said", "Turkey agreed. Turkey's foreign ministry said"),
    ("NATOs northern flank", "NATO's northern flank"),
    ("Xi arrived. The time of XIS's visit", "Xi arrived. The time of Xi's visit"),
    ("Xi arrived. The presence of XIS, however", "Xi arrived. The presence of Xi, however"),
    ("Prime Minister of Slovakies Robert Fico", "Prime Minister of Slovakia Robert Fico"),
    ("Narendra Modi left. MODIS visit comes", "Narendra Modi left. Modi's visit comes"),
    ("confirmed that Kim ’ s visit", "confirmed that Kim’s visit"),
    ("Macron 's plan", "Macron's plan"),
    # casing
    ("Macron arrived. \"No,\" MACRON said.", "Macron arrived. \"No,\" Macron said."),
    ("Xi Jinping came, XI declaring that", "Xi Jinping came, Xi declaring that"),
    ("Meloni spoke. MELONI later met", "Meloni spoke. Meloni later met"),
    ("the victory day parade", "the Victory Day parade"),
    ("Victory day symbolism", "Victory Day symbolism"),
])
def test_repairs(before, after):
    assert mend(before) == after


@pytest.mark.parametrize("text", [
    "As usual, poutine was the star. Vendors sold poutine all night.",
    "Poutine is a Canadian dish of fries and cheese curds.",
    "One of the surprise hits was Chez Moscou, a family-run restaurant.",
    "The treaty was concluded under Pope Pius XI. Louis XI rebuilt the state.",
    "The Raiders won Super Bowl XI in 1977.",
    "PUTIN MEETS XI IN MOSCOW",
    "XI PLEDGES SUPPORT FOR GROWTH AS ASIAN MARKETS SLIP",
    "Coach Tom James's 22 seasons; Paris's museum; Kansas's team; the Netherlands' economy.",
    "said Hélène Nichols and Rachel Nichols; Daniel Putnam; Marie-Claude Mertens; Mr Marcon.",
    "the Browns beat the Steelers; the two Koreas met; the Johnsons came.",
    "Napoli beat Juventus in the league on Sunday.",
    "Visit https://example.com/Poutine and mail moscou@example.org #Poutine @Poutine `Poutine`",
    "He painted a red square on a white wall.",
    "Boris Johnson met Johnston and the Johnsons came.",
    "Nicolas Maduro and Recep Tayyip Erdogan are spelt without accents here.",
    "Sergey Lavrov and Aleksandr Lukashenko are English spellings.",
    "Kim Jong-un and Kim Jong Il met; Viktor Yanukovich spoke; Lord Browne; Huston, Texas.",
    "Rinus Michels, the coach. Michels dies at 77.",
    "Tennessee Williams drama; from Williams, dealers said. Williams rose 2p.",
    "Banque du Caire and Universidad de Sevilla.",
    "BEIJING, July 26 (Xinhua) -- Xi Jinping spoke. ISLAMABAD (AP) - talks.",
    "the Iraq war and the cold war; the Minsk Agreements.",
    "Europa, Asia, África, Norte, América Central y del Sur, Australia y Oceanía, dijo Moscou.",
])
def test_leaves_alone(text):
    assert mend(text) == text


def test_unsafe_is_a_suggestion():
    r = P.explain("Medwedew spoke.")
    assert r.text == "Medwedew spoke."
    assert any(s.rule == "TM403" and s.replacement == "Medvedev" for s in r.suggestions)
    assert Pipeline(lexicon=TEST_LEXICON, unsafe_fixes=True).mend("Medwedew spoke.") == "Medvedev spoke."


def test_sport_context_makes_city_variants_unsafe():
    r = P.explain("Mosca beat Napoli 2-0 in the league.")
    assert r.text == "Mosca beat Napoli 2-0 in the league."


def test_edits_carry_codes_and_messages():
    r = P.explain("with Venezuelan President Nicols Maduro in Moscou.")
    codes = {e.rule for e in r.edits}
    assert codes == {"TM402", "TM401"}
    assert all(e.message and 0 < e.confidence <= 1 for e in r.edits)


def test_select_subcodes():
    text = "President Nicols Maduro in Moscou."
    assert Pipeline(lexicon=TEST_LEXICON, select=["TM401"]).mend(text) == "President Nicols Maduro in Moscow."
    assert Pipeline(lexicon=TEST_LEXICON, ignore=["TM401"]).mend(text) == "President Nicolás Maduro in Moscou."


names = st.sampled_from(["Poutine", "Putin", "XI", "Xi", "MACRON", "Macron", "Moscou", "Nicols", "Maduro",
                         "Serbias", "Washingtons's", "Kim ’ s", "victory day", "Pius XI", "of XIS,", "Medwedew"])
glue = st.sampled_from([" ", ", ", ". ", " said ", " and ", "\n", "’s ", " President "])
damaged_news = st.lists(st.tuples(names, glue), max_size=12).map(lambda xs: "".join(a + b for a, b in xs))


@given(damaged_news)
def test_contract_on_damaged_names(text):
    check_contract(P, text)


@given(any_text)
def test_contract_on_any_unicode(text):
    check_contract(P, text)


@given(plain_words)
def test_lexicon_free_text_unchanged(text):
    assert P.mend(text) == text


# -- batched look-ups (NameIndex.prime, Pipeline.prepare): speed only, never other answers --

def _perturbed(word: str) -> list[str]:
    """Spellings near ``word``: a letter dropped, doubled, swapped with the next, changed."""
    out = []
    for i in range(len(word)):
        out.append(word[:i] + word[i + 1:])
        out.append(word[:i + 1] + word[i:])
        if i + 1 < len(word):
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2:])
        out.append(word[:i] + ("a" if word[i] != "a" else "e") + word[i + 1:])
    return out


def _lookup_words(lexicon) -> list[str]:
    """Capitalised words near and far from the lexicon's names (every look-up path hit)."""
    words = set()
    for e in list(lexicon.entries)[::7]:
        for tok in e.name.split():
            if len(tok) >= 3 and tok[:1].isupper():
                words.add(tok)
                words.update(w for w in _perturbed(tok) if w[:1].isupper())
    words.update(["Kowalczykowska", "Brightwater", "Oleksandrivna", "Tshabalala", "Nakamura"])
    return sorted(words)


def test_primed_lookups_equal_word_by_word():
    from textmend.lexicon.matching import NameIndex
    from textmend.rules.names import looks_foreign

    lexicon = Pipeline().lexicon
    words = _lookup_words(lexicon)
    assert len(words) > 1000
    plain, primed = NameIndex(lexicon), NameIndex(lexicon)
    primed.prime(words)
    assert primed.__dict__.get("_close_cache") or not _numpy_here()
    hits = 0
    for w in words:
        want = (plain.fuzzy(w), plain.fuzzy_neighbours(w, looks_foreign), plain.given_before(w))
        got = (primed.fuzzy(w), primed.fuzzy_neighbours(w, looks_foreign), primed.given_before(w))
        assert got == want, w
        hits += want[0] is not None
    assert hits > 100  # the words do reach names


def _numpy_here() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def test_prepare_changes_no_result():
    texts = [
        "Russian Foreign Minister Sergueï Lavrov met Nicols Maduro in Moscou.",
        "North Korean leader Kim Jong-oun received Former President Dmitri Medwedew.",
        "Russian President Vladimir Poutine arrived. Later Poutine’s adviser spoke about poutine.",
        "A plain sentence with Nothing Foreign in it, said James Nichols.",
    ]
    want = [Pipeline().explain(t) for t in texts]
    p = Pipeline()
    p.prepare(texts + [None, 3])  # non-text items are ignored
    got = [p.explain(t) for t in reversed(texts)][::-1]
    for g, w in zip(got, want):
        assert (g.text, g.edits, g.flags, g.suggestions) == (w.text, w.edits, w.flags, w.suggestions)
    assert sum(g.text != t for g, t in zip(got, texts)) >= 3  # the texts do get repaired
    p.prepare(texts[:1])
    assert p.explain(texts[2]).text == want[2].text  # a text it was not prepared for
    # for a run without the checks (mend): their hooks are left out, the results the same
    learned = []
    checks = [r for r in p.rules if r.flags_only and type(r).prepare is not Rule.prepare]  # (TM701)
    assert checks
    for r in checks:
        r.prepare = lambda words, pipeline, code=r.code: learned.append(code)
    try:
        q = Pipeline(rules=p.rules)
        q.prepare(texts, flags=False)
        assert learned == []
        assert [q.mend(t) for t in texts] == [w.text for w in want]
        q.prepare(texts)
        assert sorted(learned) == sorted(r.code for r in checks)
    finally:
        for r in checks:
            del r.prepare


# -- cheap gates of TM300 and TM501 (issue 6): each must find exactly what the plain scan does

from hypothesis import settings  # noqa: E402

from textmend.evidence import cap_tokens as _cap_tokens  # noqa: E402
from textmend.evidence import doc_words as _doc_words  # noqa: E402
from textmend.lexicon.matching import name_index as _name_index  # noqa: E402
from textmend.rules import possessives as _poss  # noqa: E402
from textmend.rules.base import Context as _Context  # noqa: E402
from textmend.rules.casing import CapsName as _CapsName  # noqa: E402

#: pieces rich in what the gates look at: apostrophes with and without spaces, S endings,
#: names of the test lexicon in every case, titles, combining marks (the exhaustive path)
_GATE_PIECES = ["Xi", "XI", "XIS", "Xis", "XiS", "Serbia", "Serbias", "Serbiass", "Slovakies",
                "Slovakie", "Naples", "Napoli", "Napolis", "Putin", "Putins", "Poutines", "Kims",
                "NATO", "NATOS", "Washingtons", "Moscows", "Johnsons", "Boris", "Mr", "the", "of",
                "President", "visit", "said", "James", "s", "S", "’", "'", " ", " ", " ", "’s",
                "'s", "s’s", "S's", " ’ s", " ' s", " 's", "’ s", ",", ".", "\n", "-", "é",
                "\u0301", "Ab", "ABs"]
_gate_text = st.one_of(st.lists(st.sampled_from(_GATE_PIECES), max_size=40).map("".join),
                       st.lists(st.sampled_from(_GATE_PIECES[:-3]), max_size=30).map(" ".join))


def _plain_needles(text: str) -> tuple[list[int], list[int]]:
    spaced, doubled = set(), set()
    for needles, into, shift in ((_poss.SPACED_NEEDLES, spaced, 0), (_poss.DOUBLE_NEEDLES, doubled, 1)):
        for needle in needles:
            i = text.find(needle)
            while i >= 0:
                into.add(i + shift)  # a doubled needle: where its apostrophe is
                i = text.find(needle, i + 1)
    return sorted(spaced), sorted(doubled)


@given(_gate_text)
def test_apostrophe_marks_are_the_needle_scans(text):
    spaced, doubled = _poss.apostrophe_marks(text)
    assert (sorted(spaced), sorted(doubled)) == _plain_needles(text)
    assert _poss.has_needle(text) == any(n in text for n in _poss.SPACED_NEEDLES + _poss.DOUBLE_NEEDLES)


@given(_gate_text)
def test_doubles_and_spaced_are_their_patterns_finditer(text):
    spaced, doubled = _poss.apostrophe_marks(text)
    want = [(m.span(), m.groups()) for m in _poss._DOUBLE.finditer(text)]
    assert [(m.span(), m.groups()) for m in _poss._doubles(text, doubled)] == want
    assert [m.span() for m in _poss._spaced(text, spaced)] == [m.span() for m in _poss._SPACED.finditer(text)]


def _worth(words, idx, doc) -> set[str]:
    """The words TM300 looks at (as in Possessives.find)."""
    return {w for w in words if w not in idx.canonical_tokens
            and any(_poss.resolve(c, idx, doc) for c in _poss._stems(w))}


@settings(max_examples=300)
@given(_gate_text)
def test_shared_name_gate_keeps_every_word_the_rules_look_at(text):
    idx = _name_index(TEST_LEXICON)
    gate = _poss.lexicon_gate(TEST_LEXICON)
    ctx = _Context(P, text)
    tokens = _cap_tokens(None, text)
    hits = _poss.gate_tokens(ctx, text, gate)
    if tokens is None:
        assert hits is None
        return
    doc = _doc_words(ctx, text)
    assert _worth(hits & gate.s_forms, idx, doc) == _worth(tokens & _poss._s_forms(idx), idx, doc)
    assert hits & gate.caps == tokens & frozenset(idx.caps)
    # what TM300 left in the cache is what TM501 would have worked out for itself
    assert _CapsName().find(text, ctx) == _CapsName().find(text, _Context(P, text))


@given(_gate_text)
def test_an_unnamed_person_is_never_repaired_where_it_stands(text):
    # the early skip in Possessives.find: _plain_edit says None wherever such a word stands
    idx = _name_index(TEST_LEXICON)
    doc = _doc_words(_Context(P, text), text)
    for m in _poss._PLAIN_S.finditer(text):
        proper = _poss.resolve(m.group(1), idx, doc)
        if proper is not None and _poss._unnamed_person(proper, idx, doc):
            assert _poss.Possessives._plain_edit(text, m.start(), m.end(), m.group(), proper, idx, doc) is None


def test_the_gates_let_real_repairs_through():
    assert mend("Serbias President met Washingtons's envoy.") == "Serbia's President met Washington's envoy."
    assert mend("Xi Jinping came. XIS visit and Putin ’ s talks.") == "Xi Jinping came. Xi's visit and Putin’s talks."
    assert mend("Xi Jinping came. XI said so.") == "Xi Jinping came. Xi said so."


def test_learned_verdicts_travel_between_pipelines():
    """What one pipeline learned per word, absorbed by another (as the command line's
    workers do), gives the other the same verdicts it would have learned itself."""
    from textmend.rules.names import _gate
    from textmend.lexicon.matching import name_index

    texts = ["Russian Foreign Minister Sergueï Lavrov met Nicols Maduro in Moscou.",
             "North Korean leader Kim Jong-oun received Former President Dmitri Medwedew.",
             "Kowalczykowska and Brightwater met Oleksandrivna Tshabalala in Nakamura."]
    teacher = Pipeline(lexicon=TEST_LEXICON)
    for t in texts:
        teacher.explain(t)
    learned = teacher.take_learned()
    assert learned and learned["TM400"], "the names rule hands over its verdicts"
    assert teacher.take_learned() == {}  # taken once
    lex = teacher.lexicon
    gate = _gate(lex, name_index(lex))
    want = {w: (gate.seen[w], gate.given_before.get(w, 0), gate.fuzzy_near.get(w, 0),
                gate.dropped_near.get(w, 0)) for w, *_ in learned["TM400"]}
    # a fresh gate for the same lexicon content absorbs them and answers alike
    from textmend.lexicon import Lexicon

    other = Pipeline(lexicon=Lexicon(list(TEST_LEXICON.entries)))
    other.absorb_learned(learned)
    olex = other.lexicon
    ogate = _gate(olex, name_index(olex))
    got = {w: (ogate.seen[w], ogate.given_before.get(w, 0), ogate.fuzzy_near.get(w, 0),
               ogate.dropped_near.get(w, 0)) for w in want}
    assert got == want
    for t in texts:
        assert other.explain(t).text == teacher.explain(t).text


_NAMEISH = st.sampled_from(["Kim", "Kimberley", "Jong-un", "Jean", "Jean-Pierre", "Pierre", "Williams",
                            "William", "NATO", "NATOs", "Moscou", "Erdoğan", "Łukasz", "McDonald",
                            "Donald", "Paris", "Parisians", "XI", "Xi", "Xis", "S", "Ab"])
_GLUE = st.sampled_from([" ", "  ", "\n", "-", "'s ", "’s ", ", ", ". ", "x", "é", "(", "_", "3", "’"])


@given(st.lists(st.tuples(_NAMEISH, _GLUE), min_size=1, max_size=40),
       st.sets(_NAMEISH, min_size=1, max_size=14), st.booleans())
def test_occurrences_are_the_pattern_matches_of_those_words(parts, words, long):
    """Both ways of :func:`evidence.occurrences` (a find per word; one scan for many words
    in a long text) give exactly the pattern's own matches of the words."""
    from textmend.evidence import CAP_WORD, occurrences
    from textmend.rules.casing import _CAPS
    from textmend.rules.possessives import _PLAIN_S_WORD

    text = "".join(a + b for a, b in parts)
    if long:  # past the one-scan threshold (20,000 characters, more than 8 words)
        text = (text + " ") * (20_001 // (len(text) + 1) + 1)
        words = words | {f"Filler{i}" for i in range(9)}
    for pattern in (CAP_WORD, _CAPS, _PLAIN_S_WORD):
        want = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text) if m.group() in words]
        assert occurrences(text, words, pattern) == want


@settings(max_examples=300)
@given(st.text(alphabet="aZb Mc-é\nXiÉ’s.", max_size=80),
       st.lists(st.tuples(st.integers(0, 80), st.integers(0, 6), st.text(alphabet="Ab -Cé\n", max_size=5)),
                max_size=5))
@example("Abc def", [(1, 0, "x")])         # an insertion inside a token
@example("Wash ington", [(4, 1, "")])      # a deletion that joins two words
@example("the Ab-Cd x", [(6, 1, " ")])     # a split
def test_carried_capitalised_tokens_hold_every_token_of_the_edited_text(before, raw):
    """After edits, the carried token set is a superset of a fresh scan (what the gates need)."""
    from textmend.edits import Edit, apply_edits
    from textmend.evidence import cap_tokens, carry_cap_tokens
    from textmend.pipeline import Context

    edits, pos = [], 0
    for start, length, repl in sorted(raw):
        start = max(start, pos)
        if start > len(before):
            break
        end = min(start + length, len(before))
        edits.append(Edit(start, end, repl, "TM999"))
        pos = end + 1
    ctx = Context(P, before)
    old = cap_tokens(ctx, before)
    after = apply_edits(before, edits)
    carry_cap_tokens(ctx, before, after, edits)
    got = ctx.cache["cap_tokens"]
    fresh = cap_tokens(None, after)
    if got[0] is after:  # carried: a superset of what a new scan finds
        assert fresh is not None and got[1] >= fresh and got[1] >= set()
        assert old is None or got[1] >= (old & fresh)
    else:  # not carried: the next cap_tokens call scans the new text
        assert got[0] is before


# -- the capitalised-token scans (issue 6): rewritten for speed only

import re as _re  # noqa: E402

from textmend import evidence as _evidence  # noqa: E402

#: the scans as first written (the specification of the faster forms in ``evidence``)
_PLAIN_CAP_SCANS = (
    (_re.compile(r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)*"), _evidence._CAP_ASCII),
    (_re.compile(r"[A-Z][^\W\d_]*(?:-[^\W\d_]+)*"), _evidence._CAP_UNICODE),
    (_re.compile(r"[^\x00-\x7f\u00a0-\u00bf\u2000-\u206f][^\W\d_]*(?:-[^\W\d_]+)*"), _evidence._CAP_OTHER),
)
_CAP_PIECES = ["Mc", "Donald", "iPhone", "XI", "Xi", "a", "-", "--", "-un", "Jong", "é", "É", "ß", "1",
               "_", "'", "’", " ", "\n", "ſ", "\u212a", "ΟΔΟΣ", "x", "AB", "b-C", "\u0301"]


@given(st.one_of(st.lists(st.sampled_from(_CAP_PIECES), max_size=30).map("".join), any_text))
def test_capitalised_token_scans_find_what_the_plain_patterns_find(text):
    for plain, fast in _PLAIN_CAP_SCANS:
        assert fast.findall(text) == plain.findall(text)


# -- long documents (issue 6: throughput linear in the size): one scan for many needles

from textmend.rules import names as _names  # noqa: E402

_BUILTIN = Pipeline().lexicon
_MULTI = sorted(v for v in _BUILTIN.variants if " " in v)
_NEEDLE_PIECES = (_MULTI[::7] + sorted({v.split()[0] for v in _MULTI})[::5]
                  + ["Kim", "Xi", "Moon", "Jong-un", "Jae-in", "Kim Jong", "South", "Africa", "Korea",
                     "the", "a", " ", " ", "\n", ", ", "-", "é", "Saint", "São", "Paulo"])
_needle_text = st.lists(st.sampled_from(_NEEDLE_PIECES), max_size=60).map(" ".join)


@settings(max_examples=150)
@given(_needle_text)
def test_a_phrase_is_found_where_the_text_holds_it(text):
    """``_has_phrase`` (the rests tried with ``str.startswith`` where the first word and a
    space stand) says what a substring test of every multi-word variant says; those whose
    second word is capitalised count only when that word is among the tokens."""
    from textmend.lexicon.matching import name_index

    gate = _names._gate(_BUILTIN, name_index(_BUILTIN))
    tokens = _cap_tokens(None, text)
    if tokens is None:
        return
    for w in {v.split(" ", 1)[0] for v in _MULTI} & (tokens | {"São", "Saint", "Kim"}):
        rests = [v.split(" ", 1)[1] for v in _MULTI if v.split(" ", 1)[0] == w]
        seconds = {_names._CAP_START.match(r).group() for r in rests if _names._CAP_START.match(r)}
        allowed = [r for r in rests if not _names._CAP_START.match(r) or not tokens.isdisjoint(seconds)]
        assert gate._has_phrase(w, tokens, text) == any(f"{w} {r}" in text for r in allowed), w


@given(st.lists(st.sampled_from(["Kim ", "Moon ", "Xi ", "Ki", "m ", "Mo", "on ", "x"]), max_size=20).map("".join),
       st.sets(st.sampled_from(["Kim ", "Moon ", "Xi ", "Park "]), min_size=1))
def test_needle_hits_are_every_occurrence_of_every_needle(text, needles):
    want = sorted((i, n) for n in needles for i in range(len(text)) if text.startswith(n, i))
    assert list(_evidence.needle_hits(text, sorted(needles))) == want


@given(st.lists(st.sampled_from(["Kim", "Ki", "K", "Moon", "Mo", "I", "In", "-", " ", "x", "é", "'s", ","]),
                max_size=20).map("".join),
       st.sets(st.sampled_from(["Kim", "Ki", "K", "Moon", "Mo", "I", "Ira", "Kim-", "K'"]), min_size=1))
def test_whole_needle_hits_are_the_longest_needle_not_followed_by_an_ascii_letter(text, needles):
    want = []
    for i in range(len(text)):
        here = [n for n in needles if text.startswith(n, i)
                and not (text[i + len(n):i + len(n) + 1].isascii() and text[i + len(n):i + len(n) + 1].isalpha())]
        if here:
            want.append((i, max(here, key=len)))
    assert list(_evidence.needle_hits(text, sorted(needles), whole=True)) == want


@settings(max_examples=150)
@given(_needle_text)
def test_one_scan_for_many_words_finds_what_a_scan_per_word_finds(text):
    """The names gate on a long text (one scan for the phrases' first words, the surnames
    written first and every word that may become a candidate) answers as on a short one (a
    scan per word), and finds the same occurrences of the candidates."""
    from textmend.lexicon.matching import name_index

    gate = _names._gate(_BUILTIN, name_index(_BUILTIN))
    tokens = _cap_tokens(None, text)
    if tokens is None:
        return
    slow = gate.worth_a_look(tokens, text)  # (and learns the words)
    multi = tokens & gate.multi_set
    surnames = (tokens | {"Kim Jong"}) & (gate.surname_first | {"Kim Jong"})
    plain = sorted((i, n + " ") for n in surnames for i in range(len(text)) if text.startswith(n + " ", i))
    assert sorted(gate._surname_hits(surnames, text)) == plain
    with_phrase, hits = gate._scan_long(tokens, multi, surnames, text)
    assert with_phrase == {w for w in multi if gate._has_phrase(w, tokens, text)}
    assert sorted(hits) == plain
    old = _names.LONG_TEXT
    try:
        _names.LONG_TEXT = 0  # every text takes the one-scan path
        fast = gate.worth_a_look(tokens, text)
    finally:
        _names.LONG_TEXT = old
    assert fast == slow
    assert gate._long is not None and gate._long[0] is text  # (the scan is used)
    assert gate.occurrences(text, fast) == _evidence.occurrences(text, fast, _evidence.CAP_WORD)
    assert gate._long is None  # (and let go of)


@given(st.text(alphabet="ab P", max_size=30), st.lists(st.text(alphabet="ab P", max_size=4), max_size=6))
def test_doc_words_holds_is_in_text(text, needles):
    doc = _evidence.DocWords(text)
    for n in needles + needles:  # (asked twice: the remembered answer is the same)
        assert doc.holds(n) == (n in text)


# -- the names rule scans again only when a judgement asked for the evidence found (issue 6)
_RESCAN_SENTENCES = [
    "Moscou is cold today.", "The talks in Moscou ended late.", "Poutine spoke first.",
    "Later Poutine’s adviser spoke.", "Putin said so.", "Netanyahou arrived.",
    "Israeli Prime Minister Benjamin Netanyahou spoke.", "Serbias President spoke.",
    "Plain words here.", "Nichols said.", "Moscow is big.", "Allemagne won.", "Xi met him.",
]


def _always_rescan(doc, known) -> bool:
    return True  # the plain loop: scan again whenever the last scan recorded evidence


@pytest.mark.parametrize("text, skips", [
    ("Moscou is cold today. The talks in Moscou ended late.", False),  # the first is settled later
    ("Moscou is cold today. Later Poutine’s adviser spoke.", True),  # "Putin" settles no doubt
])
def test_a_scan_is_repeated_only_for_evidence_a_judgement_asked_for(text, skips, monkeypatch):
    from textmend.rules import names

    asked = []
    real = names.Names._asked_for
    monkeypatch.setattr(names.Names, "_asked_for", staticmethod(lambda d, k: asked.append(real(d, k)) or asked[-1]))
    got = Pipeline(lexicon=TEST_LEXICON).explain(text)
    assert asked[:1] == [not skips]
    monkeypatch.setattr(names.Names, "_asked_for", staticmethod(_always_rescan))
    assert Pipeline(lexicon=TEST_LEXICON).explain(text) == got


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_RESCAN_SENTENCES), min_size=1, max_size=8).map(" ".join))
def test_skipping_a_settled_scan_changes_nothing(text):
    from textmend.rules import names

    got = Pipeline(lexicon=TEST_LEXICON).explain(text)
    real = names.Names.__dict__["_asked_for"]
    names.Names._asked_for = staticmethod(_always_rescan)
    try:
        want = Pipeline(lexicon=TEST_LEXICON).explain(text)
    finally:
        names.Names._asked_for = real
    assert got == want



class _EveryTail(dict):
    """A ``_phrase_tails`` table under which every rest may follow: ``_phrase`` then looks
    each phrase up in full."""

    def get(self, key, default=None):
        return ("",)


@settings(max_examples=150)
@given(_needle_text.map(lambda t: t.replace(" ", "  ", 1)))
def test_phrase_looks_only_where_a_variant_can_go_on(text):
    """``Names._phrase`` gives up where no rest of a variant of the word follows it and a
    space; it finds what the full look-up finds, at every place."""
    rule = _names.Names()
    fast = [rule._phrase(text, s, _BUILTIN) for s in range(len(text))]
    real = _names._phrase_tails
    _names._phrase_tails = lambda lex: _EveryTail()
    try:
        full = [rule._phrase(text, s, _BUILTIN) for s in range(len(text))]
    finally:
        _names._phrase_tails = real
    assert fast == full


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["Xi", "Jong-un", "ÉMILE", "Émile", "café", "€uro", "×Y", "£5", "’s", "McDonald's",
                                 "3XI", "the", " ", " ", "\n", "\n", "e\u0301", "Ωmega", "ß", "İstanbul"]),
                max_size=40).map("".join))
def test_capitalised_tokens_of_a_long_text_by_blocks(text):
    """A long text is tokenised block by block (cut after line breaks): the same tokens as
    in one piece, but for those that open with a symbol (``€uro``) in a block of ASCII
    letters, which no gate knows; None (combining marks) exactly when in one piece."""
    from textmend import evidence

    whole = evidence._cap_tokens_of(text)
    old = evidence.BLOCKWISE
    try:
        evidence.BLOCKWISE = 8  # blocks of ~2 characters, cut after line breaks
        blocks = evidence.cap_tokens(None, text)
    finally:
        evidence.BLOCKWISE = old
    assert (blocks is None) == (whole is None)
    if whole is not None:
        assert blocks <= whole
        assert all(not t[0].isalpha() for t in whole - blocks)
    assert "".join(evidence.line_blocks(text, 3)) == text


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("AbCxyZ-' .,3\n") + list("’‘“”—–£€…•·«»°±×\u00a0\u200b\u2022\u2032\u2033é")),
               max_size=60))
def test_capitalised_tokens_of_a_curly_text_scan_its_ascii_view(text):
    """A text whose only characters outside ASCII are punctuation and symbols is scanned in
    its ASCII view (those characters made spaces): the very tokens of ``_CAP_ASCII`` over
    the text itself, and a superset of ``CAP_WORD``'s matches."""
    from textmend import evidence

    view = evidence._ascii_view(text)
    if "é" in text:
        assert view is None
        return
    assert view is not None and view.isascii() and len(view) == len(text)
    got = evidence._cap_tokens_of(text)
    assert got == set(evidence._CAP_ASCII.findall(text))
    assert {m.group() for m in evidence.CAP_WORD.finditer(text)} <= got


def test_a_broken_numpy_only_costs_speed(monkeypatch):
    """numpy that fails to import with any error (not only ImportError) leaves the look-ups
    one by one: the same answers, no crash; nor does the pool's import before forking fail."""
    import builtins
    import sys

    from textmend.batch import import_before_fork
    from textmend.lexicon.matching import NameIndex

    real = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "numpy" or name.startswith("numpy."):
            raise RuntimeError("numpy is broken here")
        return real(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "numpy", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    import_before_fork()
    lexicon = Pipeline().lexicon
    words = ["Poutine", "Medwedew", "Brightwater", "Nakamura", "Kowalczykowska"]
    plain, primed = NameIndex(lexicon), NameIndex(lexicon)
    primed.prime(words)
    assert not primed.__dict__.get("_close_cache")  # (nothing was batched)
    for w in words:
        assert primed.fuzzy(w) == plain.fuzzy(w)


@given(st.lists(st.sampled_from(["’s", "’t", "'s", "'t", "’", "'", "s", "t", " ", "a"]), max_size=20).map("".join))
def test_the_document_apostrophe_is_the_one_counted_more(text):
    curly = text.count("’s") + text.count("’t")
    straight = text.count("'s") + text.count("'t")
    assert _evidence.apostrophe(text) == ("’" if curly > straight else "'")

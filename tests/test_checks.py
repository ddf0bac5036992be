"""Checks (TM701 pronoun mismatch, TM702 duplicated coordinate): flags only."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textmend
from textmend import Pipeline
from textmend.lexicon import Entry, Lexicon

from .conftest import shared_path
from .properties import check_contract
from .strategies import any_text, ascii_prose

LEX = Lexicon([
    Entry("Vladimir Putin", "person", "m"),
    Entry("Giorgia Meloni", "person", "f"),
    Entry("Alexander Lukashenko", "person", "m"),
    Entry("Xi Jinping", "person", "m", "Xi"),
    Entry("Angela Merkel", "person", "f"),
    Entry("Theresa May", "person", "f"),
    Entry("Moscow", "city"),
    Entry("Minsk", "city"),
])
#: only the test lexicon (the built-in one is not needed, nor changed by these tests)
P = Pipeline(select=["TM7"], lexicon={"builtin": False, "extra": [LEX]})


def flags(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.original) for f in P.explain(text).flags]


# -- TM702 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("The two sides signed a “full and full” agreement on Monday.", "full and full"),
    ("Officials described the talks as \"difficult and difficult\".", "difficult and difficult"),
    ("The minister promised strong and strong support to farmers.", "strong and strong"),
    ("Both leaders called for close and close cooperation in the region.", "close and close"),
    ("It sends a 'clear and clear' message to investors.", "clear and clear"),
    ("Complete and complete reform is needed, the report said.", "Complete and complete"),
    ("The government acted firmly and firmly against the strike.", "firmly and firmly"),
    ("It was a peaceful or peaceful protest.", "peaceful or peaceful"),
])
def test_duplicated_coordinate(text, found):
    r = P.explain(text)
    assert r.text == text  # a check never edits
    [f] = r.flags
    assert (f.rule, f.original) == ("TM702", found)
    assert f.suggestion == found.split()[0]
    assert "both sides" in f.message


@pytest.mark.parametrize("text", [
    "Prices rose again and again, and the queue grew more and more.",
    "The crowd got bigger and bigger while the music went on and on.",
    "They drove round and round the square, over and over.",
    "He is a socialist through and through, an out and out reformer.",
    "By and by the runners were neck and neck.",
    "Support fell less and less quickly; the weather got better and better, then worse and worse.",
    "The ships drifted further and further apart, time and time again.",
    "Ask so and so to wait hours and hours for years and years.",
    "The firm had 30 million dollars in cash and cash equivalents.",
    "The audience kept growing and growing, and you and you alone decide.",
    "Over the past two or two and a half years, rates rose.",
    "Shares of Johnson and Johnson rose.",
    "War crimes and crimes against humanity were alleged.",
    "Head teachers and teachers met the minister.",
    "Imports of wheat and wheat flour rose, as did crude oil and oil products.",
])
def test_idioms_and_nouns_are_not_flagged(text):
    assert flags(text) == []


# -- TM701 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pronoun, suggestion", [
    ("Vladimir Putin welcomed Xi Jinping, calling him a dear friend and expressing her gratitude "
     "for the visit.", "her", "his"),
    ("Italian Prime Minister Giorgia Meloni, who said his government was ready, spoke on Monday.",
     "his", "her"),
    ("Belarusian President Alexander Lukashenko sent a message, praising the army and expressing her "
     "confidence in the future.", "her", "his"),
    ("Vladimir Putin praised herself for the result.", "herself", "himself"),
    ("Prime Minister Giorgia Meloni defended his budget before parliament.", "his", "her"),
    ("Angela Merkel spoke on Monday, defending his record.", "his", "her"),
])
def test_pronoun_mismatch(text, pronoun, suggestion):
    r = P.explain(text)
    [f] = r.flags
    assert (f.rule, f.original, f.suggestion) == ("TM701", pronoun, suggestion)
    assert text[f.start:f.end] == pronoun
    assert "lexicon" in f.message


@pytest.mark.parametrize("text", [
    # the pronoun matches
    "Vladimir Putin thanked Angela Merkel for her help.",
    "Giorgia Meloni said her government was ready.",
    # someone of the pronoun's gender is named earlier in the sentence
    "Angela Merkel said Vladimir Putin praised her policies.",
    # another possible antecedent stands between
    "Vladimir Putin and his wife visited her mother.",
    "Vladimir Putin met the minister and praised her work.",
    "Vladimir Putin met Maria Zakharova and praised her work.",
    # an object pronoun is not checked
    "Vladimir Putin met Xi Jinping, thanking her for the visit.",
    "Vladimir Putin held talks with her yesterday.",
    # quotations
    "Vladimir Putin said: \"She did her best.\"",
    "Vladimir Putin said, “her plan will fail,” and left.",
    # a person of that gender in the sentence before
    "The queen arrived first. Vladimir Putin praised her speech.",
    # the same surname, another person; a surname that is also a word
    "Brian May celebrated his birthday in May, and Theresa May was not there.",
    "Guitarist Brian May played his guitar.",
    "In May his party won the vote.",
    # a person the document never names in full: not the lexicon's person
    "Putin Street is closed; its owner and his son left.",
    # no lexicon gender: nothing to compare
    "The leader said his plan was ready.",
])
def test_no_pronoun_flag(text):
    assert flags(text) == []


def test_without_people_in_the_lexicon_nothing_is_flagged():
    p = Pipeline(select=["TM701"], lexicon={"builtin": False, "extra": []})
    assert p.explain("Vladimir Putin, expressing her gratitude, left.").flags == []


# -- the regression cases (tests/cases/checks.json) and the dev cases ---------------------------

CASES = json.loads((Path(__file__).resolve().parent / "cases" / "checks.json").read_text(encoding="utf-8"))


WITH_BUILTIN = Pipeline(lexicon=LEX)  # the built-in lexicon, extended by the test one


@pytest.mark.parametrize("case", CASES, ids=[c["label"][:40] for c in CASES])
def test_case_flags(case):
    p = Pipeline(lexicon=LEX, **case["options"]) if case.get("options") else WITH_BUILTIN
    r = p.explain(case["original"])
    got = sorted((f.rule, f.original) for f in r.flags if f.rule.startswith("TM7"))
    assert got == sorted((f["rule"], f["text"]) for f in case.get("flags", []))


def test_dev_cases_flag_recall_and_clean_controls():
    path = shared_path("eval", "dev", "cases.jsonl")
    lex = Lexicon([Entry("Vladimir Putin", "person", "m"), Entry("Giorgia Meloni", "person", "f"),
                   Entry("Alexander Lukashenko", "person", "m")])
    p = Pipeline(select=["TM6", "TM7"], lexicon={"builtin": False, "extra": [lex]})
    expected = found = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        r = p.explain(case["damaged"])
        if case["kind"] == "clean":
            assert r.flags == [], case["id"]
        for want in case["flags"]:
            expected += 1
            at = case["damaged"].find(want["text"])
            end = at + len(want["text"])
            found += any(f.start < end and at < f.end for f in r.flags)
    assert expected and found / expected >= 0.8


_WORDS = ["Vladimir", "Putin", "Meloni,", "who", "said", "his", "her", "herself", "gratitude",
          "and", "or", "complete", "close", "“complete", "complete”", "the", "minister", ".",
          "expressing", "\n", "May", "Xi", "him", "a", "friend"]
check_text = st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join)


@given(text=st.one_of(any_text, ascii_prose, check_text))
def test_contract(text):
    check_contract(P, text)
    result = P.explain(text)
    assert result.text == text
    for f in result.flags:
        assert text[f.start:f.end] == f.original


def test_default_pipeline_runs_the_checks():
    assert any(f.rule == "TM702" for f in textmend.explain("a “complete and complete” deal").flags)


# -- the fast paths find exactly what the plain scans find ------------------------------------
#
# ``find`` analyses only the conjunctions and pronouns that can be flagged (prefilters in C,
# then the sentences around them); ``find_plain`` is the plain scan of every one, the
# specification.  The texts below are built to hit the corners of the prefilters.

from textmend.rules.base import Context  # noqa: E402
from textmend.rules.checks import DuplicatedCoordinate, PronounMismatch  # noqa: E402

_SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", " \n ", "\u00a0", "\x1c", "\r\n", ". ", ", "]
_FAST_WORDS = [
    # coordinations: adjectives, quotes, idioms, names, hyphens, apostrophes, odd case
    "complete and complete", "close or close", "Complete and complete", "“full and full”",
    "'clear and clear'", "again and again", "well-known and well-known", "Moody's and Moody's",
    "firmly AND firmly", "cash and\ncash", "strong  and strong", "a and a", "difficult and\tdifficult",
    "ΟΔΟΣ and οδος", "Alſo and alſo", "İstanbul and i̇stanbul", "x-'good and good", "ex-chief and ex-chief",
    "and and and", "or or or", "good and bad", "peaceful or peaceful", "Peaceful or peaceful",
    # pronouns and people
    "Vladimir Putin", "Putin", "Putin's", "PUTIN", "Giorgia Meloni", "Meloni,", "Theresa May", "May",
    "Brian", "Angela Merkel", "Merkel", "Xi Jinping", "Xi", "his", "her", "His", "Her", "himself",
    "herself", "(his", "“her", "her.", "his,", "hers", "him", "gratitude", "government", "wife",
    "minister", "the", "who", "said", "praising", "calling", "a", "dear", "friend", "Russian",
    "troops", "Monday", "Moscow", "Mr.", "U.S.", "etc.", "—", ":", "“", "”", "\"", "yesterday",
    "quickly", "expressing", "She", "he",
]
fast_text = st.lists(st.tuples(st.sampled_from(_FAST_WORDS), st.sampled_from(_SEPARATORS)),
                     max_size=60).map(lambda parts: "".join(w + s for w, s in parts))
FULL = Pipeline(lexicon=LEX)  # the built-in lexicon and the test one


def _keys(items):
    return [(x.start, x.end, x.rule, x.message, x.suggestion) for x in items]


@pytest.mark.parametrize("pipeline", [P, FULL], ids=["test-lexicon", "builtin"])
@given(text=st.one_of(fast_text, check_text, ascii_prose, any_text))
def test_fast_paths_find_what_the_plain_scans_find(pipeline, text):
    ctx = Context(pipeline, text)
    for rule in (PronounMismatch(), DuplicatedCoordinate()):
        assert _keys(rule.find(text, ctx)) == _keys(rule.find_plain(text, ctx))


def test_fast_paths_on_a_long_text_with_many_people():
    # a long text that names many people looks them up in one scan (_FullNames)
    people = [e for e in FULL.lexicon.entries if e.kind == "person" and e.gender in ("m", "f")][:60]
    parts = []
    for i, e in enumerate(people):
        full = e.name if i % 3 else e.name.upper()
        parts.append(f"{full} arrived on Monday. {e.name.split()[-1]} said {'her' if i % 2 else 'his'} "
                     f"government was “complete and complete”. {e.name.split()[-1]} thanked herself.")
    text = "\n".join(parts) * 16
    assert len(text) > 100_000
    ctx = Context(FULL, text)
    for rule in (PronounMismatch(), DuplicatedCoordinate()):
        fast = _keys(rule.find(text, ctx))
        assert fast == _keys(rule.find_plain(text, ctx))
        assert fast


def test_fast_path_with_long_sentences_and_many_pronouns():
    # one sentence (no full stop, no line break) with many pronouns: each judged once
    text = "Giorgia Meloni said " + " ".join(["Vladimir Putin praised his wife and her government"] * 400)
    ctx = Context(FULL, text)
    rule = PronounMismatch()
    fast = _keys(rule.find(text, ctx))
    assert fast == _keys(rule.find_plain(text, ctx))


@given(words=st.lists(st.sampled_from(["a", "\"b", "“c", "d”", "«e", "f»", "g\"h\"", "i"]), max_size=12))
def test_quote_counts_follow_in_quotes(words):
    from textmend.rules.checks import _Context, _in_quotes, _Resolver
    sent = [(i, i + 1, w) for i, w in enumerate(words)]
    context = _Context(sent, _Resolver("", LEX), lambda: [])
    for i in range(len(sent) + 1):
        assert context.in_quotes(i) == _in_quotes(sent, i)


# -- the gate of TM701: which genders have the full names a text holds ---------------------------
#
# ``_NameGate`` answers from the capitalised tokens (``cap_tokens``) what a search of the text
# for every name would answer.  Names and texts below are built to hit its corners: pieces
# glued to what stands before a name ("Anti-", "Mc"), names that go on ("-led", "s", "’s"),
# particles, initials, apostrophes, hyphens, letters outside ASCII, names without a barrier.

from textmend.evidence import cap_tokens  # noqa: E402
from textmend.rules.checks import (_EXACT, _PREFIX, PRONOUNS, _NameGate,  # noqa: E402
                                   _pronoun_tokens, _requirements)

_NAME_WORDS = ["Ana", "Bo", "Kim", "Jong", "Un", "Un-su", "al-Bor", "D.", "O'Neil", "van", "de", "Žak",
               "Łuk", "Ömer", "Ré", "ẩm", "Hồ", "Xi", "Anaïs", "Bob-Ana", "II", "Jr.", "El’Bo", "é-Ana",
               "Bo×Ana"]
gate_name = st.lists(st.sampled_from(_NAME_WORDS), min_size=1, max_size=3).map(" ".join)
#: what may stand around a name in a text: glue ("Anti-", "Mc", letters), endings ("-led",
#: "s", "’s"), other names' words
_AROUND = ["", " ", "Anti-", "Mc", "x", "é", "-", "'", "“", "(", "s", "-led", "’s", "a", "É", "\n", "3",
           ".", "ana", "Bo", "Kim Jong", "Ana Bo", "Un", "ẩ", "-Ana"] + _NAME_WORDS


@settings(max_examples=400)
@given(named=st.lists(st.tuples(gate_name, st.sampled_from("mf")), min_size=1, max_size=6),
       texts=st.lists(st.lists(st.tuples(st.sampled_from(_AROUND), st.integers(0, 5),
                                         st.sampled_from(_AROUND)), max_size=4), min_size=1, max_size=5))
def test_name_gate_is_a_search_of_every_name(named, texts):
    gate = _NameGate(named)  # (one gate for several texts: what it learns carries over)
    for parts in texts:
        text = "".join(a + named[i % len(named)][0] + b for a, i, b in parts)
        tokens = cap_tokens(None, text)
        if tokens is None:  # (combining marks: the rule takes its exhaustive path)
            continue
        truth = frozenset(g for n, g in named if n in text)
        assert gate.genders(tokens, text) == truth, text


@pytest.mark.parametrize("name, required", [
    ("Kim Jong Un", [(_EXACT, "Jong")]),           # "Un" would hold for "United" too
    ("Vladimir Putin", [(_PREFIX, "Putin")]),      # "Putin-led"; "Vladimir" may be glued
    ("Michael D. Higgins", [(_EXACT, "D"), (_PREFIX, "Higgins")]),
    ("koning Filip", [(_PREFIX, "Filip")]),
    ("Abdullah II", [(_PREFIX, "II")]),            # the short end when there is nothing else
])
def test_name_gate_requirements(name, required):
    assert _requirements(name)[0] == required


@given(text=st.one_of(fast_text, check_text, ascii_prose, any_text))
def test_pronoun_scans_by_gender(text):
    # a text that names only men (or women) in full looks only for her/herself (his/himself)
    every = _pronoun_tokens(text)
    for gender in "mf":
        want = [t for t in every if PRONOUNS[t[2].lower()][0] == gender]
        assert _pronoun_tokens(text, frozenset(gender)) == want


@given(texts=st.lists(st.one_of(fast_text, check_text), min_size=1, max_size=4))
def test_prepare_learns_but_changes_nothing(texts):
    # Pipeline.prepare hands the capitalised tokens of a batch to PronounMismatch.prepare,
    # which learns the gate's verdicts on them at once
    p = Pipeline(select=["TM7"], lexicon={"builtin": False, "extra": [LEX]})
    before = [_keys(p.explain(t).flags) for t in texts]
    p.prepare(texts)
    assert [_keys(p.explain(t).flags) for t in texts] == before

"""Run-in headings (TM801, opt-in, unsafe)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textmend import Pipeline, apply_edits
from textmend.rules.layout import run_in_headings

from .conftest import shared_path
from .properties import check_contract
from .strategies import any_text, ascii_prose

P = Pipeline(select=["TM801"], unsafe_fixes=True)


def headings(text: str) -> list[str]:
    return [text[h.start:h.end] for h in run_in_headings(text)]


ARTICLES = [
    ("Ministers met in Brussels on Tuesday to discuss the budget. Spending plans under pressure The "
     "finance ministers agreed to cut spending by two percent. Several countries objected. Reaction "
     "from the markets Investors welcomed the decision, and bond yields fell. A long road ahead In "
     "the coming weeks, the plan goes to national parliaments.",
     ["Spending plans under pressure", "Reaction from the markets", "A long road ahead"]),
    ("The summit closed late on Friday. Climate finance dominates During the final session, "
     "delegates argued over funding. The host country proposed a new fund. Disputes over coal "
     "Several delegations rejected the wording on coal. Agreement on forests After long talks, the "
     "parties agreed to halt deforestation by 2030.",
     ["Climate finance dominates", "Disputes over coal", "Agreement on forests"]),
    ("The port reopened on Monday after a week of strikes.\n\nUnions and the shipping lines The "
     "dispute began over pay and working hours. Talks resumed at the weekend.",
     ["Unions and the shipping lines"]),
]


@pytest.mark.parametrize("text, expected", ARTICLES)
def test_headings_found(text, expected):
    assert headings(text) == expected


@pytest.mark.parametrize("text", [
    "Opposition leader Michael Howard said the plan was flawed. He called for a vote.",
    "The film won six awards. Hollywood blockbuster The Aviator leads the field with eleven nominations.",
    "French film A Very Long Engagement has received twelve nominations. It opens next week.",
    "The company's class A shares rose sharply on Monday. Trading was heavy.",
    "The festival opens with the film The Secret Garden, organisers said on Monday.",
    "Analysts expect Opec to cut output again in March, traders said.",
    "Shares fell. Rival chip maker Intel said its profits would fall this year.",
    "The firm said profits rose.\nThe company, which makes\nThe Daily Star newspaper, said sales rose.",
    "Voters backed Labour in the north. Police arrested two men on Sunday after the match.",
    "The talks ended. US rapper The Game has released a new album this week.",
    "He arrived. Former prime minister John Major said the party needed new ideas.",
    "She said. In Paris The Louvre will reopen on Monday after repairs.",
    "It rained. Meet The Parents is the sequel, and it opened on Friday.",
    "The show ended. Her song If I Were A Boy was played twice on the radio.",
    "PARIS MUSEUM REVISITS THE REIGN OF LOUIS XI\n\nThe museum opened a new exhibition on Friday.",
    # a single heading found only by weak evidence is not enough
    "Prices rose. Cargo backlog grows Hundreds of containers were waiting on the quay.",
])
def test_prose_has_no_heading(text):
    assert headings(text) == []
    assert P.mend(text) == text


def test_layout_of_the_edit():
    text = ARTICLES[0][0]
    r = P.explain(text)
    assert r.text.startswith("Ministers met in Brussels on Tuesday to discuss the budget.\n\n"
                             "Spending plans under pressure\n\nThe finance ministers agreed")
    assert "\n\nA long road ahead\n\nIn the coming weeks" in r.text
    assert apply_edits(text, r.edits) == r.text
    assert all(e.rule == "TM801" and e.safety == "unsafe" and "run-in heading" in e.message for e in r.edits)
    assert P.mend(r.text) == r.text


def test_opt_in_and_unsafe():
    text = ARTICLES[1][0]
    assert Pipeline().mend(text) == text  # off by default
    r = Pipeline(select=["TM801"]).explain(text)  # selected, but unsafe: only suggested
    assert r.text == text and len(r.suggestions) == 6


def test_heading_at_a_paragraph_start_gets_one_break():
    text = ARTICLES[2][0]
    out = P.mend(text)
    assert "\n\nUnions and the shipping lines\n\nThe dispute began" in out


def _seed():
    return json.loads(shared_path("eval", "dev", "seed.fixes.json").read_text(encoding="utf-8"))


SEED_HEADINGS = ["Anti-Western messaging", "Victory day symbolism",
                 "Military and diplomatic demonstration of force", "Energy and commercial talks",
                 "Notable guests and EU challenge", "Ukrainian conflict in progress",
                 "Prevails over the position"]


def test_seed_headings_after_the_teasers_are_removed():
    seed = _seed()
    text = Pipeline(select=["TM6"]).mend(seed["damaged"])
    assert headings(text) == SEED_HEADINGS
    out = Pipeline(select=["TM6", "TM801"], unsafe_fixes=True).mend(seed["damaged"])
    for h in SEED_HEADINGS:
        assert f"\n\n{h}\n\n" in out


def test_dev_cases_clean_controls_have_no_heading():
    path = shared_path("eval", "dev", "cases.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["kind"] == "clean":
            assert headings(case["damaged"]) == [], case["id"]


_WORDS = ["Talks", "on", "trade", "During", "The", "the", "visit,", "sides", "met", "twice.", "Energy",
          "and", "commercial", "talks", "Beyond", "symbolism,", "leaders", "discuss", "problems.",
          "\n", "\n\n", "A", "message", "to", "Washington", "XI", "is", "part", "of", "it."]
heading_text = st.lists(st.sampled_from(_WORDS), max_size=50).map(" ".join)


@given(text=st.one_of(any_text, ascii_prose, heading_text))
def test_contract(text):
    check_contract(P, text)
    check_contract(Pipeline(select=["TM801"]), text)


# -- the fast helpers keep their meaning -------------------------------------------------------

import re as _re  # noqa: E402

from textmend.rules.layout import Tok, ends_sentence, is_abbreviation, tokens  # noqa: E402

_TERMINATOR = _re.compile(r"[.!?][\"'”’»)\]]*(?=\s|$)")


def _ends_sentence_plain(word: str) -> bool:
    m = _TERMINATOR.search(word)
    if not m or m.end() != len(word):
        return False
    return not (word[m.start()] == "." and is_abbreviation(word[: m.start() + 1]))


words = st.text(alphabet=st.sampled_from(list("aZ.!?\"'”’»)]\n\t .Mr")), max_size=8)


@given(word=st.one_of(words, any_text))
def test_ends_sentence_fast_test_keeps_its_meaning(word):
    assert ends_sentence(word) == _ends_sentence_plain(word)


@given(text=st.one_of(ascii_prose, any_text), start=st.integers(0, 50), limit=st.one_of(st.none(), st.integers(0, 20)))
def test_tokens(text, start, limit):
    got = tokens(text, start, None, limit)
    want = [Tok(m.start(), m.end(), m.group()) for m in _re.compile(r"[^\s]+").finditer(text, start)][:limit]
    assert got == want and all(type(t) is Tok for t in got)


@given(word=st.one_of(words, any_text, st.sampled_from(["", "(", "“A", "'a'", "(x)", "A", "a"])))
def test_is_cap_and_is_lower_keep_their_meaning(word):
    from textmend.rules.layout import core, is_cap, is_lower
    w = core(word)
    assert is_cap(word) == (bool(w) and w[0].isupper())
    assert is_lower(word) == (bool(w) and w[0].islower())

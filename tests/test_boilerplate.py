"""Boilerplate rules (TM601 teaser, TM602 page furniture, TM603 call to action)."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textmend import Pipeline, apply_edits
from textmend.rules.boilerplate import BoilerplateError, load_patterns

from .conftest import shared_path
from .properties import check_contract
from .strategies import any_text, ascii_prose

P = Pipeline(select=["TM6"])
PU = Pipeline(select=["TM6"], unsafe_fixes=True)


def mend(text: str) -> str:
    return P.mend(text)


@pytest.mark.parametrize("before, after", [
    # a teaser that runs to the end of its line
    ("He left on Friday. Also read | Markets fall on rate fears\n\nShares fell on Monday.",
     "He left on Friday.\n\nShares fell on Monday."),
    # ... to the end of the text
    ("The storm moved north. Related: Storm hits the coast", "The storm moved north."),
    # ... on a line of its own, with a bullet
    ("Sales rose.\n\n• Also read: Sales slump in the north\n\nThe firm said it was confident.",
     "Sales rose.\n\nThe firm said it was confident."),
    ("READ MORE: Why rents are rising in every city\nThe council said it would act.",
     "The council said it would act."),
    # ... up to a sentence opener after a headline without a full stop
    ("The minister resigned on Friday. Also read | Five things to know about the budget The "
     "opposition welcomed the decision.",
     "The minister resigned on Friday. The opposition welcomed the decision."),
    # ... up to a run-in heading (kept) that a sentence follows
    ("Talks ended on Friday. Read also: Markets rally as inflation eases Energy bills in focus "
     "Despite the mild winter, gas prices rose sharply.",
     "Talks ended on Friday. Energy bills in focus Despite the mild winter, gas prices rose sharply."),
    # a title inside the headline is not the end of it
    ("Also read | Netflix confirms The Crown will end after season six\nThe series began in 2016.",
     "The series began in 2016."),
    # two teasers in a row
    ("He left. Also read | Markets slide Also read | Oil jumps\nThe end came quickly.",
     "He left.\nThe end came quickly."),
    # furniture on its own line and between sentences
    ("First paragraph.\n\nADVERTISEMENT\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
    ("First paragraph.\nStory continues below advertisement\nSecond paragraph.",
     "First paragraph.\nSecond paragraph."),
    ("Prices rose. ADVERTISEMENT Regulators said the rise was temporary.",
     "Prices rose. Regulators said the rise was temporary."),
    ("Prices rose. Advertisement The bank said the rise was temporary.",
     "Prices rose. The bank said the rise was temporary."),
    ("The vote was close. ADVERTISEMENT ADVERTISEMENT The count resumed on Monday.",
     "The vote was close. The count resumed on Monday."),
    # calls to action
    ("Talks ended. Sign up for our daily newsletter to get the latest updates. The government said "
     "it would act.", "Talks ended. The government said it would act."),
    ("Talks ended.\nClick here to subscribe\nThe government said it would act.",
     "Talks ended.\nThe government said it would act."),
    ("The club won 2-0. Follow us on Twitter\n\nNext match on Sunday.",
     "The club won 2-0.\n\nNext match on Sunday."),
    ("The bridge reopened. Follow us on Facebook and Instagram for the latest local news The council "
     "said repairs cost more than expected.",
     "The bridge reopened. The council said repairs cost more than expected."),
])
def test_removed(before, after):
    r = P.explain(before)
    assert r.text == after
    assert apply_edits(before, r.edits) == after
    assert all(e.rule.startswith("TM6") and e.message for e in r.edits)


@pytest.mark.parametrize("text", [
    "She also read the report. Read more about it in chapter 3.",
    "Advertisement revenue fell by a third. Also read aloud on the main stage were poems by pupils.",
    "Follow us on the road to the final, the coach told fans.",
    "Related: the two events were linked, police said. See also: the previous chapter.",
    "He said it was time to read more: books, papers and reports.",
    "EXPERTS WARN OF ADVERTISEMENT RULES\n\nThe rules change on Monday.",
    "ADVERTISEMENT RULES CHANGE\n\nThe rules change on Monday.",
    "The company's advertisement in the newspaper said the offer was final.",
    "Click here, he said, pointing to the map. Sign up for the course was slow.",
    "Customers can sign up for our newsletter, the bank said.",
    "They watch: every night the crowds gather. Watch the skies.",
    "The report, related to the case, was published. Read also the annex.",
])
def test_prose_is_kept(text):
    assert mend(text) == text
    assert PU.mend(text) == text


def test_uncertain_end_is_only_suggested():
    text = ("Talks ended on Monday. Also read: Floods hit the north of the country Rescue teams "
            "reached the village on Tuesday.")
    r = P.explain(text)
    assert r.text == text
    [s] = r.suggestions
    assert s.rule == "TM601" and s.safety == "unsafe" and "uncertain" in s.message
    assert PU.mend(text) == "Talks ended on Monday. Rescue teams reached the village on Tuesday."


def test_title_case_advertisement_before_a_name_is_only_suggested():
    text = "Prices rose. Advertisement Officials said the rise was temporary."
    assert mend(text) == text
    assert PU.mend(text) == "Prices rose. Officials said the rise was temporary."


def test_messages_say_how_the_end_was_found():
    r = P.explain("He spoke. Also read | Why the vote matters Election day nears After the debate, "
                  "the candidates returned to their campaigns.")
    [e] = r.edits
    assert "run-in heading 'Election day nears'" in e.message
    assert r.text.endswith("He spoke. Election day nears After the debate, the candidates returned "
                           "to their campaigns.")


def test_user_patterns(tmp_path):
    f = tmp_path / "site.toml"
    f.write_text("[[teaser]]\nlabel = 'Lire\\s+aussi'\n\n[[furniture]]\npattern = 'PUBLICIT[EÉ]'\n"
                 "case = 'exact'\ninline = true\n", encoding="utf-8")
    text = "Le texte. Lire aussi : Un autre article\nLa suite. PUBLICITÉ Le reste du texte est ici."
    p = Pipeline(select=["TM6"], boilerplate_patterns=[str(f)])
    assert p.mend(text) == "Le texte.\nLa suite. Le reste du texte est ici."
    assert mend(text) == text  # not without the option
    assert Pipeline(select=["TM6"], boilerplate_patterns=str(f)).mend(text) == p.mend(text)


def test_user_patterns_can_replace_the_builtin_ones(tmp_path):
    f = tmp_path / "only.toml"
    f.write_text("builtin = false\n[[furniture]]\npattern = 'SPONSOR'\ncase = 'exact'\n", encoding="utf-8")
    p = Pipeline(select=["TM6"], boilerplate_patterns=[f])
    assert p.mend("A.\nADVERTISEMENT\nSPONSOR\nB.") == "A.\nADVERTISEMENT\nB."
    assert len(load_patterns((str(f),)).teasers) == 0


@pytest.mark.parametrize("content, message", [
    ("[[teaser]]\nlabel = '('\n", "invalid regular expression"),
    ("[[teaser]]\nlabel = 'x'\nseparator = 'maybe'\n", "separator must be"),
    ("[[furniture]]\npattern = 'x'\ncase = 'upper'\n", "case must be"),
    ("[[furniture]]\n", "non-empty string"),
    ("teaser = 3\n", "array of tables"),
    ("[[teasers]]\nlabel = 'x'\n", "unknown key"),
    ("[[teaser\n", "invalid TOML"),
])
def test_bad_pattern_files_are_explained(tmp_path, content, message):
    f = tmp_path / "bad.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(BoilerplateError, match=message) as info:
        Pipeline(select=["TM6"], boilerplate_patterns=[str(f)]).mend("Text. ADVERTISEMENT The end is here.")
    assert str(f) in str(info.value)


def test_missing_pattern_file(tmp_path):
    with pytest.raises(BoilerplateError, match="cannot read"):
        Pipeline(select=["TM6"], boilerplate_patterns=[str(tmp_path / "nope.toml")]).mend("x")
    with pytest.raises(BoilerplateError, match="list of paths"):
        Pipeline(select=["TM6"], boilerplate_patterns=[3.5]).mend("x")


# -- the seed and the dev cases (../shared) ----------------------------------------------------

def _gold_removals(case):
    return sorted(f["from"] for f in case["fixes"] if f["class"] == "G")


def test_dev_cases_teasers_come_out_exactly():
    path = shared_path("eval", "dev", "cases.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        r = P.explain(case["damaged"])
        assert sorted(e.original for e in r.edits) == _gold_removals(case), case["id"]
        assert not r.suggestions, case["id"]


def test_seed_teasers_come_out_exactly():
    case = json.loads(shared_path("eval", "dev", "seed.fixes.json").read_text(encoding="utf-8"))
    r = P.explain(case["damaged"])
    assert sorted(e.original for e in r.edits) == _gold_removals(case)


# -- properties --------------------------------------------------------------------------------

_WORDS = ["Also read |", "Read also:", "READ MORE:", "ADVERTISEMENT", "Advertisement", "Related:",
          "Story continues below", "Follow us on Twitter", "Sign up for our newsletter", "The",
          "During", "talks", "Markets", "fall", "in", "Europe", "the", "progress", "Despite",
          "rose.", "said.", "\n", "\n\n", "•", "|", ":", "Energy", "and", "trade", "Putin"]
boilerplate_text = st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join)


@pytest.mark.parametrize("pipeline", [P, PU, Pipeline(select=["TM601"]), Pipeline(select=["TM602"]), Pipeline(ignore=["TM602"]),
                                      Pipeline(select=["TM603"])], ids=["safe", "unsafe", "601", "602", "no602", "603"])
@given(text=st.one_of(any_text, ascii_prose, boilerplate_text))
def test_contract(pipeline, text):
    check_contract(pipeline, text)


@given(text=boilerplate_text)
def test_full_pipeline_contract(text):
    check_contract(Pipeline(), text)


# -- the fast path finds exactly what the plain scan finds -------------------------------------
#
# ``find`` scans only the patterns that match at a line or sentence start, or right after a
# removal (found from their first word, the *trigger*); ``find_plain`` scans every pattern.

from textmend.rules.base import Context  # noqa: E402
from textmend.rules.boilerplate import Boilerplate, _all_patterns, _trigger_words  # noqa: E402

_FAST_WORDS = _WORDS + [
    "also read:", "ALSO READ |", "Alſo read |", "Clİck here to subscribe", "— ADVERTISEMENT —",
    "-- Advertisement --", "Related stories", "RELATED", "More on this story", "Most read",
    "Watch:", "Watch", "Top stories", "Don’t miss:", "Editor's picks", "Sponsored content",
    "Subscribe to our subscribe to our channel", "Download our download our app", "Mr.", "U.S.",
    "“", "”", ").", "?", "!", ".\"", "\r", "\r\n", "\t", "  ", "Share this article", "Skip Ad",
]
fast_text = st.lists(st.sampled_from(_FAST_WORDS), max_size=50).map(" ".join)

USER_PATTERNS = '''
[[teaser]]
label = 'Foo'
[[teaser]]
label = 'Read(?:ing)?\\s+list'
separator = "caps"
[[furniture]]
pattern = '[#*]+\\s*Promo'
inline = true
[[furniture]]
pattern = '\\d+\\s+comments'
[[call]]
pattern = 'Foo\\s*bar'
[[furniture]]
pattern = '(?<=\\s)PROMO'
case = "exact"
inline = true
[[call]]
pattern = '(?:Like|Share)\\s+(\\w+)\\s+\\1'
[[teaser]]
label = 'Watch|See'
'''
_USER_WORDS = _FAST_WORDS + ["Foo", "foo", "Foobar", "Foo bar", "Reading list", "READING LIST",
                             "#Promo", "** Promo", "PROMO", "12 comments", "Like it it", "See:"]
user_text = st.lists(st.sampled_from(_USER_WORDS), max_size=50).map(" ".join)


def _edits(items):
    return [(e.start, e.end, e.replacement, e.rule, e.safety, e.message, e.confidence) for e in items]


@pytest.mark.parametrize("pipeline", [P, PU], ids=["safe", "unsafe"])
@given(text=st.one_of(fast_text, boilerplate_text, ascii_prose, any_text))
def test_fast_path_finds_what_the_plain_scan_finds(pipeline, text):
    ctx = Context(pipeline, text)
    rule = Boilerplate()
    assert _edits(rule.find(text, ctx)) == _edits(rule.find_plain(text, ctx))


@given(text=user_text)
def test_fast_path_with_user_patterns(tmp_path_factory, text):
    path = tmp_path_factory.getbasetemp() / "fast-user-patterns.toml"
    if not path.exists():
        path.write_text(USER_PATTERNS, encoding="utf-8")
    for unsafe in (False, True):
        ctx = Context(Pipeline(select=["TM6"], unsafe_fixes=unsafe, boilerplate_patterns=[path]), text)
        rule = Boilerplate()
        assert _edits(rule.find(text, ctx)) == _edits(rule.find_plain(text, ctx))


def test_builtin_patterns_all_have_a_trigger():
    # a pattern without a trigger word is scanned in every text: the built-in ones have one
    assert all(_trigger_words(p.pattern) for p in _all_patterns(load_patterns()))


@pytest.mark.parametrize("pattern, words", [
    (r"Also\s+read", ("also",)),
    (r"(?:Follow|Like)\s+us", ("follow", "like")),
    (r"[-–—]+\s*(?:ADVERTISEMENT|Advertisement)\s*[-–—]+", ("advertisement", "advertisement")),
    (r"Don['’]t\s+miss", ("don",)),
    (r"Related(?:\s+(?:articles?|stories))?", ("related",)),
    (r"Read(?:ing)?\s+list", None),   # a letter may follow the first word
    (r"Foo\s*bar", None),
    (r"Watch|See", None),             # an alternative at the top
    (r"(?<=\s)Promo", None),
    (r"\d+\s+comments", None),
    (r"[#*]+\s*Promo", None),         # '#' is no white space, bullet or dash
    (r"(?i)foo", None),
    (r"Foo(?:\s+bar)*baz", None),   # the group may be skipped: "Foobaz"
    (r"Foo(?:\s+bar)+", ("foo",)),
    (r"Foo\s*bar", None),
    (r"Foo\s*[-–]", ("foo",)),
])
def test_trigger_words(pattern, words):
    assert _trigger_words("(?:" + pattern + r")(?![\w])") == words


def test_fast_path_on_a_long_text():
    text = ("Prices rose. More than 100 people came. Also read | Markets fall\nThe end came. "
            "Most of them left. ADVERTISEMENT The bank said so.\n") * 3000
    ctx = Context(PU, text)
    rule = Boilerplate()
    fast = _edits(rule.find(text, ctx))
    assert fast == _edits(rule.find_plain(text, ctx))
    assert len(fast) == 6000


@given(pieces=st.lists(st.sampled_from(["\n" * 70, " \n" * 40, "\t \n\u00a0" * 30, "Also read | Markets fall\n",
                                        "ADVERTISEMENT ", "More from us. ", ". ", "\n", "Prices rose. ",
                                        "Follow us on Twitter\n", "“Also read | x”\n", "!) ", "?\u201d "]),
                      min_size=1, max_size=12))
def test_long_runs_of_white_space_take_the_linear_way(pieces):
    # a line break followed by 63+ characters of white space switches the trigger search to
    # finding the trigger words first; it must find what the plain scan of every pattern finds
    text = "".join(pieces)
    ctx = Context(PU, text)
    rule = Boilerplate()
    assert _edits(rule.find(text, ctx)) == _edits(rule.find_plain(text, ctx))


@settings(max_examples=300)
@given(text=st.one_of(fast_text, boilerplate_text, ascii_prose, any_text,
                      st.lists(st.sampled_from(["\n" * 70, " \n" * 40, "\n", " ", "—", "Also read |", "More",
                                                ". ", "!) ", "?” ", "\t", "x"]), max_size=12).map("".join)))
def test_trigger_scans_from_the_starts_and_from_the_words_agree(text):
    # the fast way (scans from the line breaks and terminators) and the linear way (from the
    # trigger words) find the same patterns; the fast way gives up exactly on the texts with a
    # line break followed by 63 characters of white space
    from textmend.rules.boilerplate import _SKIP_CLASS, _triggers
    trig = _triggers(load_patterns())
    fast: dict[int, bool] = {}
    linear: dict[int, bool] = {}
    done = trig._from_starts(text, fast)
    trig._from_words(text, linear)
    assert done == (re.search(r"\n" + _SKIP_CLASS + "{63}", text) is None)
    if done:
        assert fast == linear

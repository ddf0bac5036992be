"""Robustness of the whole default pipeline (``textmend.mend``): properties over realistic
damaged news and arbitrary Unicode, and pathological inputs that must finish (the tests
check results; a quadratic rule shows up as a suite that does not finish).

Properties, for every input:

* no exception;
* idempotence: mending the output changes nothing;
* the edits replay: applying ``explain(text).edits`` to the input gives the output, and each
  edit's ``original`` is the input text it replaces;
* ``explain(text).text == mend(text)``;
* an undamaged document built by the same generator as the damaged ones stays unchanged.
"""
from __future__ import annotations

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textmend
from textmend import apply_edits

from .properties import check_contract
from .strategies import any_text, clean_news, damaged_news, mojibake

PIPELINE = textmend.get_pipeline()


@given(damaged_news())
def test_damaged_news_contract(text):
    check_contract(PIPELINE, text)


@given(any_text)
def test_any_text_contract(text):
    check_contract(PIPELINE, text)


@given(st.one_of(damaged_news(), any_text))
def test_explain_text_is_mend(text):
    r = textmend.explain(text)
    assert r.text == textmend.mend(text)
    assert r.original == text
    for e in r.edits:
        assert text[e.start:e.end] == e.original


@given(clean_news)
def test_clean_news_is_left_alone(text):
    assert textmend.mend(text) == text


@given(clean_news, st.sampled_from(["cp1252", "latin-1", "cp1250"]))
def test_mojibake_of_clean_news_is_undone(text, codec):
    # one layer of UTF-8-read-as-a-code-page damage on a clean document: the ftfy rules give
    # exactly ftfy's result; whenever that is the clean text, the whole family gives it too
    # (TM103 only adds repairs, for letters ftfy lets pass: "ÄŸ" for "ğ")
    damaged = mojibake(text, codec)
    want = ftfy.fix_text(damaged, uncurl_quotes=False, fix_line_breaks=False)
    assert textmend.mend(damaged, select=["TM101", "TM102"]) == want
    if want == text:
        assert textmend.mend(damaged, select=["TM1"]) == text


# -- pathological inputs ---------------------------------------------------------------

def _ok(text: str) -> str:
    r = PIPELINE.explain(text)
    assert apply_edits(text, r.edits) == r.text
    return r.text


def test_ten_megabyte_line_without_spaces():
    # a blob with typography and accents everywhere, damaged at the start, the middle and the
    # end: the cost must stay linear (encoding gates, line index, language guard); the
    # damaged 1 MB segments cost what ftfy costs on them
    unit = "abc-def.Ghi,jkl(123)%x\u00e9y\u2019z/\u201cq\u201d-\u2014w;"
    blob = unit * (3_400_000 // len(unit))
    damage = "S\u00c3\u00a3o&amp;four -day"
    text = damage + blob + damage + blob + damage + blob + damage
    assert len(text) > 10_000_000
    out = _ok(text)
    assert "\u00c3\u00a3" not in out and "&amp;" not in out and out.count("S\u00e3o&four") == 4
    assert out.count("\u2019") == text.count("\u2019")


def test_ten_megabyte_line_of_one_letter():
    text = "a" * 10_000_000
    assert _ok(text) == text


def test_a_million_apostrophes():
    for text in ("'" * 1_000_000, "\u2019" * 1_000_000, "Kim" + " '" * 500_000 + "s"):
        _ok(text)


def test_deeply_repeated_teasers():
    text = "The summit ended.\n" + "Also read | " * 20_000 + "\nIt was over."
    out = _ok(text)
    assert out.startswith("The summit ended.") and out.endswith("It was over.")


def test_many_repairs_in_one_line():
    text = "a four -day visit , then " * 5_000
    out = _ok(text)
    assert "four-day visit, then" in out


def test_spaces_and_dots():
    for text in (" " * 1_000_000, "." * 1_000_000, ". " * 500_000, "a  " * 300_000,
                 "\n" * 1_000_000, "-" * 1_000_000, "&" * 1_000_000, "&amp;" * 20_000):
        _ok(text)


@pytest.mark.parametrize("block", range(0, 0x110000, 0x10000))
def test_every_code_point_once(block):
    """Every code point, in chunks of 4,096 (surrogates included): no exception, edits replay,
    idempotent."""
    for start in range(block, block + 0x10000, 0x1000):
        chunk = "".join(chr(c) for c in range(start, start + 0x1000))
        check_contract(PIPELINE, chunk)


@settings(max_examples=20)
@given(st.binary(max_size=2000))
def test_random_bytes_as_text(data):
    for text in (data.decode("utf-8", "replace"), data.decode("latin-1"),
                 data.decode("utf-8", "surrogateescape")):
        check_contract(PIPELINE, text)

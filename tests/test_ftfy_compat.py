"""Gate 1: ftfy's own test cases (``../shared/corpora/ftfy-test-cases/*.json``).

For every case ftfy passes (``expect: "pass"``):

* ``textmend.mend(original)`` equals ``fixed`` when curly and straight quotes are treated
  alike (textmend keeps typography: ftfy's ``uncurl_quotes`` is off);
* the rules outside the encoding family leave the original alone (``ignore=["TM1"]``), so
  no spacing, name or casing rule fires on mojibake or on the many non-English texts;
* ftfy's extra-layer property holds too: one more layer of UTF-8/Latin-1 mojibake
  (``original.encode("utf-8").decode("latin-1")``) mends to the same ``fixed``.

For every case (passing or not), the encoding rules alone give exactly what
``ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False)`` gives.  And no passing
case depends on ``fix_line_breaks``, which textmend leaves off (the only line-break-like
character in the cases, U+0085, is a C1 control that ftfy turns into "…" before any
line-break fix runs).
"""
from __future__ import annotations

import json

import ftfy
import pytest
from ftfy.fixes import uncurl_quotes

import textmend

from .conftest import shared_path

FTFY = dict(uncurl_quotes=False, fix_line_breaks=False)


def _cases(expect: str | None = "pass"):
    root = shared_path("corpora", "ftfy-test-cases")
    out = []
    for path in sorted(root.glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            if expect is None or case.get("expect") == expect:
                out.append((f"{path.stem}[{i}] {case['label'][:50]}", case))
    assert out, f"no ftfy test cases found in {root}"
    return out


def _fold(s: str) -> str:
    """Treat curly and straight quotes alike, exactly as ftfy's uncurl_quotes does."""
    return uncurl_quotes(s)


def _show(label: str, original: str, want: str, got: str) -> str:
    return f"{label}\n  original {original!r}\n  want     {want!r}\n  got      {got!r}"


def test_passing_cases_mend_to_fixed():
    bad = []
    for label, case in _cases():
        got = textmend.mend(case["original"])
        if _fold(got) != _fold(case["fixed"]):
            bad.append(_show(label, case["original"], case["fixed"], got))
    assert not bad, "textmend differs from ftfy's expected output:\n" + "\n".join(bad)


def test_other_rules_leave_the_originals_alone():
    bad = []
    for label, case in _cases():
        got = textmend.mend(case["original"], ignore=["TM1"])
        if got != case["original"]:
            bad.append(_show(label, case["original"], case["original"], got))
    assert not bad, "a non-encoding rule changed an ftfy test text:\n" + "\n".join(bad)


def test_extra_layer_of_mojibake():
    bad = []
    for label, case in _cases():
        layered = case["original"].encode("utf-8").decode("latin-1")
        got = textmend.mend(layered)
        if _fold(got) != _fold(case["fixed"]):
            bad.append(_show(label, layered, case["fixed"], got))
    assert not bad, "one more layer of mojibake is not undone:\n" + "\n".join(bad)


@pytest.mark.parametrize("variant", ["original", "layered", "fixed"])
def test_encoding_rules_equal_ftfy_exactly(variant):
    bad = []
    for label, case in _cases(expect=None):
        text = case["original"] if variant != "fixed" else case["fixed"]
        if variant == "layered":
            text = text.encode("utf-8").decode("latin-1")
        want = ftfy.fix_text(text, **FTFY)
        got = textmend.mend(text, select=["TM101", "TM102"])
        if got != want:
            bad.append(_show(label, text, want, got))
    assert not bad, "TM101/TM102 differ from ftfy.fix_text:\n" + "\n".join(bad)


def test_no_passing_case_depends_on_fix_line_breaks():
    for label, case in _cases():
        with_breaks = ftfy.fix_text(case["original"], uncurl_quotes=False)
        without = ftfy.fix_text(case["original"], **FTFY)
        assert with_breaks == without, label

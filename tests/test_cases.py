"""The project's regression corpus, in ftfy's style: ``tests/cases/*.json``.

Each file is a JSON array of cases ``{"label", "original", "fixed", "expect", "options"?}``.
``expect: "pass"`` asserts ``mend(original, **options) == fixed``; ``"fail"`` marks a known
miss (strict xfail: the day it passes, move it to "pass").  A case whose ``original`` equals
``fixed`` is a must-not-touch case.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import textmend
from textmend import apply_edits

CASES = Path(__file__).resolve().parent / "cases"


def _load():
    for path in sorted(CASES.glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            marks = [pytest.mark.xfail(strict=True, reason=case.get("comment", "known miss"))] \
                if case.get("expect") == "fail" else []
            yield pytest.param(case, id=f"{path.stem}[{i}]:{case['label'][:40]}", marks=marks)


@pytest.mark.parametrize("case", list(_load()))
def test_case(case):
    options = case.get("options", {})
    result = textmend.explain(case["original"], **options)
    assert result.text == case["fixed"]
    assert apply_edits(case["original"], result.edits) == result.text

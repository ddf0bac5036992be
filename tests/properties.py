"""Property checks reused by every rule's tests."""
from __future__ import annotations

from textmend import Pipeline, apply_edits


def check_contract(pipeline: Pipeline, text: str) -> None:
    """No crash; edits replay to the output; the output is stable; flags are in range."""
    result = pipeline.explain(text)
    assert apply_edits(text, result.edits) == result.text
    for e in result.edits:
        assert 0 <= e.start <= e.end <= len(text)
        assert text[e.start:e.end] == e.original
    for f in result.flags:
        assert 0 <= f.start <= f.end <= len(text)
    again = pipeline.mend(result.text)
    assert again == result.text, f"not idempotent: {result.text!r} -> {again!r}"

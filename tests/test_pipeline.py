"""The pipeline contract: original offsets, merging, replay, selection, custom rules."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textmend
from textmend import Edit, Flag, Pipeline, Rule, apply_edits, rule
from textmend.pipeline import Trace

from .properties import check_contract
from .strategies import any_text, ascii_prose


def test_mend_and_explain_agree():
    text = "Nicol\u00c3\u00a1s said a four -day visit .The end"
    r = textmend.explain(text)
    assert r.text == textmend.mend(text)
    assert apply_edits(text, r.edits) == r.text


def test_offsets_are_in_the_original_after_earlier_edits():
    # the mojibake repair shortens the text before the hyphen edit: offsets must still be original
    text = "\U0001F600 S\u00c3\u00a3o Paulo for a two -day visit"
    r = textmend.explain(text)
    hy = [e for e in r.edits if e.rule == "TM201"][0]
    assert text[hy.start:hy.end] == " "
    assert hy.start == text.index(" -day")


def test_offsets_with_combining_marks_and_astral():
    text = "e\u0301\U0001F1EB\U0001F1F7 two -day x\u0301 well- known"
    r = textmend.explain(text)
    assert apply_edits(text, r.edits) == r.text


class _Upper(Rule):
    code = "X001"
    name = "upper-ab"

    def find(self, text, ctx):
        i = text.find("ab")
        return [self.edit(i, i + 2, "AB")] if i >= 0 else []


class _Grow(Rule):
    code = "X002"
    name = "grow-AB"

    def find(self, text, ctx):
        i = text.find("AB")
        return [self.edit(i + 1, i + 2, "BBB")] if i >= 0 else []


def test_later_edit_inside_earlier_edit_is_merged():
    p = Pipeline([_Upper(), _Grow()], max_passes=1)
    r = p.explain("xxabyy")
    assert r.text == "xxABBByy"
    assert len(r.edits) == 1
    e = r.edits[0]
    assert (e.start, e.end, e.replacement, e.rule) == (2, 4, "ABBB", "X002")
    assert "X001" in e.message


def test_function_rule_and_decorator():
    @rule("U100", name="no-foo")
    def no_foo(text, ctx):
        i = text.find("foo")
        return [Edit(i, i + 3, "bar", "U100")] if i >= 0 else []

    p = Pipeline([no_foo])
    assert p.mend("a foo b") == "a bar b"
    p2 = Pipeline([lambda text: [Flag(0, 1, "U2", message="first char")]])
    assert p2.explain("hello").flags[0].start == 0


def test_select_and_ignore_by_prefix():
    text = "a four -day visit , then"
    assert Pipeline(select=["TM2"], ignore=["TM201"]).mend(text) == "a four -day visit, then"
    assert Pipeline(select=["TM201"]).mend(text) == "a four-day visit , then"
    assert textmend.mend(text, ignore=["TM2"]) == text


def test_unsafe_edits_are_suggestions_unless_enabled():
    class Maybe(Rule):
        code = "X010"
        safety = "unsafe"

        def find(self, text, ctx):
            return [self.edit(0, 1, "Z")]

    r = Pipeline([Maybe()]).explain("abc")
    assert r.text == "abc" and r.suggestions and r.suggestions[0].replacement == "Z"
    assert Pipeline([Maybe()], unsafe_fixes=True).mend("abc") == "Zbc"


def test_overlapping_edits_from_one_rule_keep_the_first():
    class Both(Rule):
        code = "X020"

        def find(self, text, ctx):
            return [self.edit(0, 3, "A"), self.edit(2, 4, "B")]

    assert Pipeline([Both()], max_passes=1).mend("abcdef") == "Adef"


def test_protected_spans_are_left_alone():
    text = "see https://example.com/news.Today or www.site.org/report.Final and anna.bell@mail.com today.Then"
    assert textmend.mend(text) == text.replace("today.Then", "today. Then")


def test_rejects_bytes():
    with pytest.raises(TypeError):
        textmend.mend(b"bytes")


# -- the trace on random edit sequences ------------------------------------------------

@st.composite
def edit_rounds(draw):
    text = draw(st.text(alphabet="abc\U0001F600\u0301", max_size=30))
    rounds = draw(st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5),
                                              st.text(alphabet="xyz", max_size=4)), max_size=5),
                           max_size=4))
    return text, rounds


@given(edit_rounds())
def test_trace_replays_any_sequence_of_edits(case):
    text, rounds = case
    trace = Trace(text)
    expected = text
    for rnd in rounds:
        cur = trace.text
        edits, last = [], 0
        for start, length, rep in sorted(rnd):
            s = min(max(start, last), len(cur))
            e = min(s + length, len(cur))
            edits.append(Edit(s, e, rep, "R"))
            last = e if e > s else s + 1  # at most one insertion per point
            if last > len(cur):
                break
        edits = [e for e in edits if e.start <= len(cur)]
        expected = apply_edits(cur, edits)
        trace.apply(edits)
        assert trace.text == expected
    final = trace.edits()
    assert apply_edits(text, final) == trace.text
    for a, b in zip(final, final[1:]):
        assert a.end <= b.start


@given(any_text)
def test_default_pipeline_contract_on_any_unicode(text):
    check_contract(textmend.get_pipeline(), text)


@given(ascii_prose)
def test_default_pipeline_contract_on_prose_characters(text):
    check_contract(textmend.get_pipeline(), text)


def test_long_line_does_not_crash():
    text = ("word " * 20000) + "two -day" + "x" * 100000
    r = textmend.explain(text)
    assert apply_edits(text, r.edits) == r.text


# -- cheap passes: what the pipeline may skip, and what it must not --------------------

class _Counting(Rule):
    """Uppercases the first "x"; counts the texts it is run on."""

    code = "X030"

    def __init__(self):
        self.seen = []

    def find(self, text, ctx):
        self.seen.append(text)
        i = text.find("x")
        return [self.edit(i, i + 1, "X")] if i >= 0 else []


class _Watcher(Rule):
    """Flags every "X"; counts the texts it is run on."""

    code = "X031"

    def __init__(self, deterministic=True):
        self.seen = []
        self.deterministic = deterministic

    def find(self, text, ctx):
        self.seen.append(text)
        return [self.flag(i, i + 1, "an X") for i, c in enumerate(text) if c == "X"]


def test_a_rule_is_not_run_again_on_the_text_it_has_seen():
    first, later = _Counting(), _Watcher()
    r = Pipeline([first, later]).explain("a x b x")
    assert r.text == "a X b X"
    # pass 1: "a x b x" -> "a X b x"; pass 2: -> "a X b X"; pass 3 changes nothing
    assert first.seen == ["a x b x", "a X b x", "a X b X"]
    # the watcher sees each text once; in pass 3 it would see the text it saw in pass 2
    assert later.seen == ["a X b x", "a X b X"]
    assert [(f.start, f.end) for f in r.flags] == [(2, 3), (6, 7)]


def test_a_rule_with_state_is_run_in_every_pass():
    first, later = _Counting(), _Watcher(deterministic=False)
    r = Pipeline([first, later]).explain("a x b x")
    assert later.seen == ["a X b x", "a X b X", "a X b X"]
    assert [(f.start, f.end) for f in r.flags] == [(2, 3), (6, 7)]


def test_a_generator_result_is_read_once_and_reused():
    def exclaim(text, ctx):
        yield from (Edit(i, i + 1, "!", "G1") for i, c in enumerate(text) if c == "?")

    def hyphen(text, ctx):
        i = text.find(" - ")
        return [Edit(i, i + 3, "-", "G2")] if i >= 0 else []

    p = Pipeline([hyphen, exclaim])
    r = p.explain("a - b? c?")
    assert r.text == "a-b! c!"
    assert apply_edits("a - b? c?", r.edits) == r.text
    assert p.mend(r.text) == r.text


def test_a_text_without_edits_has_no_chunks():
    trace = Trace("nothing to do")
    trace.apply([])
    assert trace.edits() == [] and trace.text == "nothing to do" and not trace.changed
    span = trace.mapper()
    assert [span(s, e) for s, e in [(0, 3), (5, 5), (10, 40), (40, 50)]] == [(0, 3), (5, 5), (10, 13), (13, 13)]


def test_many_edits_in_one_chunk():
    # one rule, one long line, an edit every few characters: chunks are split, not copied,
    # so this is linear (it used to copy the rest of the line for every edit)
    n = 20_000
    text = "&amp;" * n
    r = Pipeline(select=["TM101"]).explain(text)
    assert r.text == "&" * n and len(r.edits) == n
    assert apply_edits(text, r.edits) == r.text
    trace = Trace("ab" * n)
    trace.apply([Edit(i, i + 1, "A", "R") for i in range(0, 2 * n, 2)])
    trace.apply([Edit(i, i, "-", "S") for i in range(1, 2 * n, 4)])
    assert trace.text == ("A-b" + "Ab") * (n // 2)
    assert apply_edits("ab" * n, trace.edits()) == trace.text


# -- explain_many: each rule over all the texts in turn, the same results as explain ---------
def _key(r):
    return (r.text, r.original, [(e.start, e.end, e.replacement, e.rule, e.safety, e.message) for e in r.edits],
            [(f.start, f.end, f.rule, f.message, f.suggestion) for f in r.flags],
            [(e.start, e.end, e.replacement, e.rule) for e in r.suggestions])


_MANY_PIECES = ["Poutine", " said", " his", " her", " gratitude", " four -day", " .Then", " ,", "&amp;",
                "Ã©", " “complete and complete”", " Washingtons's", " XI said", "\n", "\n\nAlso read | x\n",
                " Vladimir Putin", " Moscou", " ", "é"]
_many_text = st.lists(st.sampled_from(_MANY_PIECES), max_size=12).map("".join)


@pytest.mark.parametrize("options", [{}, {"unsafe_fixes": True}, {"select": ["TM4", "TM2"]},
                                     {"ignore": ["TM40"]}], ids=["default", "unsafe", "select", "ignore"])
@given(texts=st.lists(st.one_of(_many_text, ascii_prose, any_text), max_size=8))
def test_explain_many_is_explain_text_by_text(options, texts):
    p = textmend.get_pipeline(**options)
    assert [_key(r) for r in p.explain_many(texts)] == [_key(p.explain(t)) for t in texts]


def _without_flags(r):
    text, original, edits, _, suggestions = _key(r)
    return text, original, edits, [], suggestions


@pytest.mark.parametrize("options", [{}, {"unsafe_fixes": True}, {"select": ["TM7", "TM2"]}],
                         ids=["default", "unsafe", "select"])
@given(texts=st.lists(st.one_of(_many_text, ascii_prose, any_text), max_size=6))
def test_leaving_out_the_rules_that_only_flag_changes_nothing_but_the_flags(options, texts):
    """mend() and explain(flags=False) skip TM701/TM702 (``Rule.flags_only``): the same
    text, edits and suggestions as explain(), no flags."""
    p = textmend.get_pipeline(**options)
    full = [p.explain(t) for t in texts]
    assert [_key(r) for r in p.explain_many(texts, flags=False)] == [_without_flags(r) for r in full]
    assert [_key(p.explain(t, flags=False)) for t in texts] == [_without_flags(r) for r in full]
    assert [p.mend(t) for t in texts] == [r.text for r in full]
    if not options:
        assert [textmend.mend(t) for t in texts] == [r.text for r in full]


def test_only_the_checks_only_flag():
    """The rules marked ``flags_only`` are the checks, and they return no edit."""
    from textmend.edits import Edit

    marked = [r for r in Pipeline(select=["ALL"]).rules if r.flags_only]
    assert sorted(r.code for r in marked) == ["TM701", "TM702"]
    texts = [" ".join(_MANY_PIECES), "Putin expressed her gratitude for the complete and complete support."]
    for r in marked:
        for t in texts:
            found = list(r.find(t, textmend.Context(Pipeline(), t)))
            assert not any(isinstance(x, Edit) for x in found)
    p = textmend.get_pipeline()
    assert p.explain(texts[1]).flags and not p.explain(texts[1], flags=False).flags


def test_explain_many_raises_the_error_of_the_first_text_that_raises():
    seen = []

    @rule("TM999", "picky")
    def picky(text, ctx):
        seen.append(text)
        if "bad" in text:
            raise ValueError(f"cannot take {text!r}")
        return []

    p = Pipeline(rules=[picky])
    with pytest.raises(ValueError, match="'one bad'"):
        p.explain_many(["fine", "one bad", "two bad"])
    with pytest.raises(TypeError):
        p.explain_many(["fine", b"bytes"])
    assert [r.text for r in p.explain_many(["a", "b"])] == ["a", "b"]


def test_a_long_document_takes_the_long_paths_with_the_same_result(monkeypatch):
    """A document longer than ``LONG_TEXT`` (the regression cases, and the dev cases' damaged
    articles when ``../shared`` is here, over and over) goes through the long-text paths (the
    names gate's one scan, protected spans carried across edits): the same result as with
    those paths off, within the contract."""
    import json
    from pathlib import Path

    from textmend import protect
    from textmend.rules import base, names

    from .conftest import SHARED
    from .properties import check_contract

    cases = Path(__file__).parent / "cases"
    pieces = [c["original"] for f in sorted(cases.glob("*.json")) for c in json.loads(f.read_text("utf-8"))]
    # an edit right next to a URL (TM202), and a name inside the URL the names rule must not touch
    pieces.append("Talks in Moscou went on; see www.example.com/Moscou.html , the ministry said.")
    dev = SHARED / "eval" / "dev" / "cases.jsonl"
    if dev.exists():
        pieces += [json.loads(line)["damaged"] for line in dev.open(encoding="utf-8")]
    text = "\n\n".join(pieces)
    text = "\n\n".join([text] * (1 + 150_000 // len(text)))
    assert len(text) > names.LONG_TEXT
    p = Pipeline()
    carried = []
    real = protect.carry_protected
    monkeypatch.setattr(base, "carry_protected", lambda *a, **k: carried.append(1) or real(*a, **k))
    long_way = p.explain(text)
    assert carried  # (the spans were carried)
    check_contract(p, text)
    monkeypatch.setattr(names, "LONG_TEXT", len(text) + 1)
    monkeypatch.setattr(base, "carry_protected", lambda *a, **k: None)
    assert Pipeline().explain(text) == long_way

"""textmend.batch: mend_many (ordered, lazy, several processes), batch functions for
``datasets``/pandas, JSON Lines, and options that travel to other processes."""
from __future__ import annotations

import io
import itertools
import json
import pickle
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textmend
from textmend.batch import (BatchMender, PipelineSpec, explain_many, make_batch_mender,
                            mend_batch, mend_jsonl, mend_many, pipeline_for, report_json, worker_state)
from textmend.lexicon import Entry, Lexicon, LexiconError

# -- generated documents (made up here: no corpus text) ------------------------------------

_FIRST = ["Anna", "José", "Zoë", "Björn", "Łukasz", "Renée", "Chidi", "Mei", "Omar", "Søren"]
_LAST = ["Müller", "García", "Nowak", "Øberg", "Dvořák", "Okafor", "Lindqvist", "Hałas", "Peña"]
_PLACES = ["São Paulo", "Kraków", "Zürich", "Málaga", "Reykjavík", "Leeds", "Ottawa", "Nairobi"]
_NUM = ["two", "three", "four", "five", "six"]
_UNIT = ["day", "week", "month", "year"]
_VERBS = ["opened", "visited", "described", "announced", "postponed", "reviewed"]
_THINGS = ["the new bridge", "a trade fair", "the harbour plan", "a music festival", "the budget"]


def _clean_sentence(rng: random.Random) -> str:
    who = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    where = rng.choice(_PLACES)
    n, u = rng.choice(_NUM), rng.choice(_UNIT)
    return rng.choice([
        f"{who} {rng.choice(_VERBS)} {rng.choice(_THINGS)} in {where} on Tuesday.",
        f"The {n}-{u} programme in {where} was led by {who}, officials said.",
        f"Residents of {where} said they expected {rng.choice(_THINGS)} to cost more.",
        f"{who} said the {n}-{u} review of {rng.choice(_THINGS)} would end in May.",
    ])


def _damage(s: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:  # mojibake: UTF-8 read as Latin-1 / Windows-1252
        codec = rng.choice(["latin-1", "cp1252"])
        return s.encode("utf-8").decode(codec, errors="replace")
    if kind == 1:  # "four -day", "well- known"
        return s.replace("-", rng.choice([" -", "- "]), 1) if "-" in s else s.replace(" in ", " in  ", 1)
    if kind == 2:  # HTML entities
        return s.replace(",", "&#44;", 1).replace(" the ", " the&nbsp;", 1) + " &quot;Yes&quot; &amp; no"
    if kind == 3:  # space before punctuation, missing after a full stop
        return s.replace(",", " ,", 1).replace(".", " .", 1) + "The end."
    return s.replace("'", "&#39;") + "  Done ."


def damaged_docs(n: int = 300, seed: int = 7) -> list[str]:
    """``n`` documents: a third clean, the rest with one or more kinds of damage."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        sents = [_clean_sentence(rng) for _ in range(rng.randint(1, 4))]
        if i % 3:
            k = rng.randrange(len(sents))
            sents[k] = _damage(sents[k], rng)
            if rng.random() < 0.3:
                sents[0] = _damage(sents[0], rng)
        docs.append(" ".join(sents))
    return docs


DOCS = damaged_docs(120)


def test_generated_docs_have_damage_and_clean_ones():
    out = [textmend.mend(d) for d in DOCS]
    changed = sum(a != b for a, b in zip(DOCS, out))
    assert 0 < changed < len(DOCS)


# -- mend_many -------------------------------------------------------------------------------


def test_mend_many_serial_matches_mend():
    assert list(mend_many(DOCS)) == [textmend.mend(d) for d in DOCS]
    assert list(textmend.mend_many(DOCS[:5], select=["TM2"])) == [textmend.mend(d, select=["TM2"]) for d in DOCS[:5]]


def test_mend_many_jobs_matches_serial_in_order():
    serial = [textmend.mend(d) for d in DOCS]
    assert list(mend_many(iter(DOCS), jobs=2, chunksize=7)) == serial
    assert list(mend_many(DOCS[:3], jobs=3, chunksize=1)) == serial[:3]
    assert list(mend_many([], jobs=2)) == []


def test_explain_many_matches_explain():
    got = list(explain_many(DOCS[:40], jobs=2, chunksize=6))
    want = [textmend.explain(d) for d in DOCS[:40]]
    assert [(r.text, r.edits, r.flags, r.suggestions) for r in got] == \
           [(r.text, r.edits, r.flags, r.suggestions) for r in want]


class _Counted:
    """An endless generator of texts that counts what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self):
        for i in itertools.count():
            self.taken += 1
            yield DOCS[i % len(DOCS)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_mend_many_is_lazy_and_bounded(jobs):
    src = _Counted()
    out = mend_many(iter(src), jobs=jobs, chunksize=4)
    assert src.taken == 0  # nothing read before the first result is asked for
    first = next(out)
    assert first == textmend.mend(DOCS[0])
    assert src.taken <= 4 * (2 * jobs + 1)  # one window of chunks, not the (endless) input
    rest = list(itertools.islice(out, 30))
    assert rest == [textmend.mend(DOCS[i % len(DOCS)]) for i in range(1, 31)]
    out.close()  # stops the workers


def test_mend_many_error_after_the_results_before_it():
    items = DOCS[:9] + [b"bytes"] + DOCS[9:20]
    got = []
    with pytest.raises(TypeError, match="decode bytes first"):
        for t in mend_many(items, jobs=2, chunksize=4):
            got.append(t)
    assert got == [textmend.mend(d) for d in DOCS[:9]]


def test_mend_many_bad_arguments():
    with pytest.raises(TypeError, match="jobs"):
        mend_many(DOCS, jobs="2")
    with pytest.raises(ValueError, match="chunksize"):
        mend_many(DOCS, jobs=2, chunksize=0)
    with pytest.raises(LexiconError):
        mend_many(DOCS, jobs=2, lexicon="/nonexistent/names.toml")  # at the call, not later


# -- user lexicons and options in other processes -----------------------------------------------

_TOML = """
[[entry]]
name = "Quorvald Brennick"
kind = "person"
gender = "m"
variants = ["Kworvald Brenik", "Brenik"]
"""


@pytest.fixture()
def user_lexicon(tmp_path):
    p = tmp_path / "names.toml"
    p.write_text(_TOML, encoding="utf-8")
    return p


def test_lexicon_pickles_as_its_entries():
    lex = Lexicon([Entry("Quorvald Brennick", "person", gender="m", variants=("Brenik",)),
                   Entry("Lake Vantor", "landmark", variants=("Vantorsee",))], removed=["Paris"])
    back = pickle.loads(pickle.dumps(lex))
    assert back.to_dicts() == lex.to_dicts()
    assert back.variants == lex.variants and back.people == lex.people
    assert back._removed == lex._removed
    # the indexes are rebuilt, not shipped: smaller than pickling the object's state
    assert len(pickle.dumps(lex)) < len(pickle.dumps(lex.__dict__))


def test_spec_token_follows_content(user_lexicon, tmp_path):
    a, b = PipelineSpec({"lexicon": str(user_lexicon)}), PipelineSpec({"lexicon": str(user_lexicon)})
    assert a.token == b.token
    assert PipelineSpec({"lexicon": Lexicon.from_toml(user_lexicon)}).token == a.token
    other = tmp_path / "other.toml"
    other.write_text(_TOML.replace("Brenik", "Brenyk"), encoding="utf-8")
    assert PipelineSpec({"lexicon": str(other)}).token != a.token
    assert PipelineSpec({}).token != a.token
    wire = pickle.loads(pickle.dumps(a))
    assert wire.token == a.token and wire.options["lexicon"].to_dicts() == a.options["lexicon"].to_dicts()


def test_pipeline_built_once_per_process(user_lexicon):
    spec = PipelineSpec({"lexicon": str(user_lexicon)})
    p1 = pipeline_for(spec)
    p2 = pipeline_for(pickle.loads(pickle.dumps(spec)))  # a fresh copy, as a worker gets it
    assert p1 is p2
    assert worker_state()["pipelines"][spec.token]["builds"] == 1
    assert p1.lexicon.variant("Brenik") is not None


def test_user_lexicon_with_jobs(user_lexicon):
    docs = [f"{d} Mr Brenik said Kworvald Brenik would come." for d in DOCS[:12]]
    serial = [textmend.mend(d, lexicon=str(user_lexicon)) for d in docs]
    assert list(mend_many(docs, jobs=2, chunksize=3, lexicon=str(user_lexicon))) == serial
    lex = Lexicon.from_toml(user_lexicon)
    assert list(mend_many(docs, jobs=2, chunksize=5, lexicon=lex)) == serial


# -- batch functions (datasets.Dataset.map(batched=True) calls them with a dict of lists) ----------


def test_mend_batch_plain_dict():
    batch = {"id": list(range(10)), "text": DOCS[:9] + [None]}
    out = mend_batch(batch)
    assert set(out) == {"text"}
    assert out["text"] == [textmend.mend(d) for d in DOCS[:9]] + [None]
    assert batch["text"][:9] == DOCS[:9]  # the input is not modified


def test_batch_mender_report_and_counts():
    f = make_batch_mender("body", report_column="report", edits_column="n", select=["TM1", "TM2"])
    batch = {"body": DOCS[:20] + [None], "other": list(range(21))}
    out = f(batch)
    rs = [textmend.explain(d, select=["TM1", "TM2"]) for d in DOCS[:20]]
    assert out["body"] == [r.text for r in rs] + [None]
    assert out["n"] == [len(r.edits) for r in rs] + [0]
    assert out["report"][:20] == [report_json(r) for r in rs] and out["report"][20] is None
    rep = json.loads(out["report"][0])
    assert set(rep) == {"edits", "flags", "suggestions"}


def test_batch_mender_pickles_and_several_columns():
    f = make_batch_mender(["a", "b"])
    g = pickle.loads(pickle.dumps(f))
    assert isinstance(g, BatchMender)
    batch = {"a": DOCS[:5], "b": DOCS[5:10]}
    assert g(batch) == f(batch) == {"a": [textmend.mend(d) for d in DOCS[:5]],
                                   "b": [textmend.mend(d) for d in DOCS[5:10]]}
    with pytest.raises(KeyError, match="no column 'text'"):
        make_batch_mender()(batch)
    with pytest.raises(ValueError):
        make_batch_mender(["a", "b"], report_column="r")


def test_mend_series():
    pd = pytest.importorskip("pandas", reason="pandas is in the 'dask' extra")
    from textmend.batch import mend_series

    for dtype in (object, "string"):
        s = pd.Series(DOCS[:15] + [None], dtype=dtype, name="text")
        out = mend_series(s)
        assert out.dtype == s.dtype and out.name == "text"
        assert out.iloc[:15].tolist() == [textmend.mend(d) for d in DOCS[:15]]
        assert pd.isna(out.iloc[15])


# -- JSON Lines -------------------------------------------------------------------------------


def test_mend_jsonl():
    records = [{"id": i, "text": d, "title": d[:20], "n": None} for i, d in enumerate(DOCS[:20])]
    lines = [json.dumps(r, ensure_ascii=bool(i % 2)) + "\n" for i, r in enumerate(records)]
    lines[4] = lines[4][:-1] + "\r\n"
    lines[5:5] = ["\n", "{oops\n", "[1]\n"]
    messages = []
    out = list(mend_jsonl(lines, fields=("text", "title", "n"), messages=messages))
    assert len(out) == len(lines)
    assert out[5:8] == lines[5:8]  # passed through, byte for byte
    del out[5:8], lines[5:8]
    for r, line, o in zip(records, lines, out):
        want = {**r, "text": textmend.mend(r["text"]), "title": textmend.mend(r["title"])}
        assert json.loads(o) == want
        assert o == line if want == r else o.endswith(line[-2:] if line.endswith("\r\n") else "\n")
    assert any(o != line for o, line in zip(out, lines))
    assert [n for n, _ in messages if "not valid JSON" in _] == [7]
    assert [n for n, _ in messages if "not a JSON object" in _] == [8]
    assert len([1 for _, m in messages if "'n' is not a string" in m]) == 20


# -- reading byte ranges of lines (textmend.dask, no Dask needed for this part) -------------------


@given(st.lists(st.text(alphabet="ab\n\u00e9\u4e2d{}", max_size=12), max_size=30),
       st.integers(1, 40))
def test_byte_ranges_give_every_line_once(pieces, size):
    from textmend.dask import _iter_block

    data = "".join(pieces).encode("utf-8")
    n = max(1, -(-len(data) // size))
    got = []
    for i in range(n):
        length = None if i == n - 1 else size
        got.extend(line for _, line in _iter_block(io.BytesIO(data), i * size, length))
    assert b"".join(got) == data
    assert got == data.splitlines(keepends=True)


def test_import_before_fork(monkeypatch):
    """It imports numpy when there is one, and is silent when there is none (numpy is
    optional: only the batched fuzzy look-ups need it)."""
    import sys

    from textmend.batch import import_before_fork

    monkeypatch.setitem(sys.modules, "numpy", None)  # (import numpy now raises ImportError)
    import_before_fork()
    monkeypatch.undo()
    import_before_fork()
    try:
        import numpy  # noqa: F401
        installed = True
    except ImportError:  # pragma: no cover - the test extra installs numpy
        installed = False
    assert ("numpy" in sys.modules) == installed


def test_import_before_fork_turns_blas_pools_off_only_in_its_own_process(monkeypatch):
    """The command line (``own_process``) sets the BLAS thread pools to one thread before
    numpy is imported, keeping what the user set; a library call changes nothing."""
    import builtins
    import os
    import sys

    from textmend.batch import import_before_fork

    real = builtins.__import__

    def no_numpy(name, *args, **kwargs):
        if name == "numpy":
            raise ImportError("not here")
        return real(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "numpy", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_numpy)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    import_before_fork()
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    import_before_fork(own_process=True)
    assert os.environ["OPENBLAS_NUM_THREADS"] == os.environ["MKL_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3"

"""textmend.dask on a real local cluster (two worker processes): the same output as the serial
run, options and user lexicons reach the workers, and each worker builds its pipeline once."""
from __future__ import annotations

import json
import os
import sys

import pytest

dask = pytest.importorskip("dask", reason="dask is not installed (pip install 'textmend[dask]')")
distributed = pytest.importorskip("distributed", reason="distributed is not installed (textmend[dask])")
pd = pytest.importorskip("pandas", reason="pandas is not installed (textmend[dask])")
dd = pytest.importorskip("dask.dataframe", reason="dask[dataframe] is not installed (textmend[dask])")

import dask.bag as db  # noqa: E402

import textmend  # noqa: E402
from textmend import Rule  # noqa: E402
from textmend import io as tio  # noqa: E402
from textmend.batch import PipelineSpec, mend_jsonl, report_json, worker_state  # noqa: E402
from textmend.dask import mend_bag, mend_dataframe, mend_paths  # noqa: E402
from textmend.lexicon import Lexicon  # noqa: E402

from .test_batch import _TOML, damaged_docs  # noqa: E402

DOCS = damaged_docs(300, seed=11)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def serial():
    return [textmend.mend(d) for d in DOCS]


def _frame(docs, nparts=7):
    pdf = pd.DataFrame({"id": range(len(docs)), "text": docs, "lang": ["en"] * len(docs)})
    pdf.loc[5, "text"] = None
    return dd.from_pandas(pdf, npartitions=nparts)


def test_dataframe_matches_serial(client, serial):
    ddf = _frame(DOCS)
    out = mend_dataframe(ddf, edits_column="n_edits", report_column="report")
    assert list(out.columns) == ["id", "text", "lang", "n_edits", "report"]
    got = out.compute()
    assert got.dtypes.equals(out._meta.dtypes)
    assert got["id"].tolist() == list(range(len(DOCS)))
    assert [None if pd.isna(v) else v for v in got["text"]] == [None if i == 5 else t for i, t in enumerate(serial)]
    assert pd.isna(got["report"].iloc[5]) and got["n_edits"].iloc[5] == 0
    some = [0, 1, 2, 3, 4, 150, 299]
    for i in some:
        r = textmend.explain(DOCS[i])
        assert (got["n_edits"].iloc[i], got["report"].iloc[i]) == (len(r.edits), report_json(r))
    changed = [i for i, (d, t) in enumerate(zip(DOCS, serial)) if d != t and i != 5]
    assert (got["n_edits"].iloc[changed] > 0).all()  # damaged ones were mended
    assert (got["n_edits"] == 0).sum() == len(DOCS) - len(changed)  # and clean ones left alone


def test_options_are_one_graph_key(client):
    spec = PipelineSpec({"select": ["TM2"]})
    out = mend_dataframe(_frame(DOCS[:50]), select=["TM2"])
    keys = [k for k in dict(out.__dask_graph__()) if f"textmend-options-{spec.token}" in str(k)]
    assert len(keys) == 1  # the options are sent to each worker once, not inside every task
    assert out.compute()["text"].iloc[:5].tolist() == [textmend.mend(d, select=["TM2"]) for d in DOCS[:5]]


def test_bag_matches_serial(client, serial):
    assert mend_bag(db.from_sequence(DOCS, npartitions=6)).compute() == serial
    recs = [{"id": i, "text": d, "title": d[:15]} for i, d in enumerate(DOCS[:60])]
    got = mend_bag(db.from_sequence(recs, npartitions=4), fields=("text", "title")).compute()
    assert got == [{**r, "text": serial[i], "title": textmend.mend(r["title"])} for i, r in enumerate(recs)]


def test_each_worker_builds_the_pipeline_once(client, serial):
    spec = PipelineSpec({})
    for _ in range(2):
        assert mend_bag(db.from_sequence(DOCS, npartitions=8)).compute() == serial
    states = client.run(worker_state)
    builds = [s["pipelines"][spec.token]["builds"] for s in states.values() if spec.token in s["pipelines"]]
    assert builds and all(b == 1 for b in builds)


class _LexiconProbe(Rule):
    """Replaces every word the lexicon lists as a variant: shows what lexicon a worker has."""

    code = "X901"
    name = "lexicon-probe"

    def find(self, text, ctx):
        import re

        out = []
        for m in re.finditer(r"[A-Z]\w+", text):
            hit = ctx.lexicon.variant(m.group())
            if hit is not None:
                out.append(self.edit(m.start(), m.end(), hit[0]))
        return out


@pytest.fixture()
def user_lexicon(tmp_path):
    p = tmp_path / "names.toml"
    p.write_text(_TOML, encoding="utf-8")
    return p


@pytest.fixture()
def probe_by_value():
    """Ship the test's rule class by value, as cloudpickle does for a notebook's classes."""
    import cloudpickle

    mod = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(mod)
    try:
        yield
    finally:
        cloudpickle.unregister_pickle_by_value(mod)


def test_user_lexicon_reaches_the_workers(client, user_lexicon, probe_by_value):
    docs = [f"{d} Brenik spoke." for d in DOCS[:40]]
    rules = [_LexiconProbe()]
    want = [textmend.Pipeline(rules, lexicon=str(user_lexicon)).mend(d) for d in docs]
    plain = [textmend.Pipeline(rules).mend(d) for d in docs]
    assert all(t.endswith(" Brennick spoke.") for t in want)  # the user lexicon changes the output
    assert all(t.endswith(" Brenik spoke.") for t in plain)
    ddf = dd.from_pandas(pd.DataFrame({"text": docs}), npartitions=4)
    assert mend_dataframe(ddf, rules=rules).compute()["text"].tolist() == plain
    for lexicon in (str(user_lexicon), Lexicon.from_toml(user_lexicon)):
        got = mend_dataframe(ddf, rules=rules, lexicon=lexicon).compute()["text"].tolist()
        assert got == want


# -- files ------------------------------------------------------------------------------------


def _parts(folder):
    names = sorted(n for n in os.listdir(folder) if n.startswith("part-"))
    data = b"".join((folder / n).read_bytes() for n in names)
    return names, data.decode("utf-8")


def test_mend_paths_jsonl_matches_serial(client, tmp_path, serial):
    src = tmp_path / "news.jsonl"
    lines = [json.dumps({"id": i, "text": d, "title": d[:25]}, ensure_ascii=i % 2 == 0) + "\n"
             for i, d in enumerate(DOCS)]
    src.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = mend_paths([str(src)], str(out), fmt="jsonl", fields=("text", "title"),
                    scheduler=client.scheduler.address, blocksize=8000)
    assert rc == 0
    names, data = _parts(out / "news")
    assert len(names) > 3 and names[0] == "part-00000.jsonl"
    assert data == "".join(mend_jsonl(lines, fields=("text", "title")))
    recs = [json.loads(x) for x in data.splitlines()]
    assert [r["text"] for r in recs] == serial  # independent of mend_jsonl
    assert [r["title"] for r in recs] == [textmend.mend(d[:25]) for d in DOCS]
    assert [r["id"] for r in recs] == list(range(len(DOCS)))


def _cli(args, env=None):
    import subprocess

    exe = [sys.executable, "-m", "textmend"]
    return subprocess.run(exe + args, capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_mend_paths_text_equals_the_cli(client, tmp_path, monkeypatch):
    src = tmp_path / "long.txt"
    src.write_text("\n\n".join(DOCS) + "\n", encoding="utf-8")
    monkeypatch.setattr(tio, "BLOCK_SIZE", 3000)  # cut a small file into many blocks
    rc = mend_paths([str(src)], str(tmp_path / "out"), scheduler=client.scheduler.address,
                    blocksize=10000)
    assert rc == 0
    names, data = _parts(tmp_path / "out" / "long")
    assert len(names) > 3 and names[-1].endswith(".txt")
    with open(src, "rb") as fh:
        assert len(list(tio.text_blocks(tio.decoded_chunks(fh, str(src)), 3000))) > 10
    # documents do not straddle paragraph blocks: the same as mending each one
    assert data == "\n\n".join(textmend.mend(d) for d in DOCS) + "\n"
    # and the same bytes as the command line cutting the file at the same places
    r = _cli([str(src), "-o", str(tmp_path / "cli.txt")], env={"TEXTMEND_BLOCK_SIZE": "3000"})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "cli.txt").read_text(encoding="utf-8") == data


def test_mend_paths_small_files_equal_the_cli(tmp_path, capsys):
    from textmend.cli import main

    docs = DOCS[:40]
    text = "\ufeff" + "\r\n\r\n".join(docs[:20]) + "\r\n"  # a BOM and CRLF line breaks
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.txt").write_text("\n\n".join(docs[20:]), encoding="utf-8")
    lines = [json.dumps({"id": i, "text": d}) + "\n" for i, d in enumerate(docs)]
    lines[3:3] = ["\n", "{oops\n", '{"id": 99}\r\n', "[1, 2]\n"]
    (tmp_path / "c.jsonl").write_text("\ufeff" + "".join(lines), encoding="utf-8")
    # (small inputs: mended in this process, no cluster started)
    assert mend_paths([str(tmp_path / "*.txt")], str(tmp_path / "out")) == 0
    assert mend_paths([str(tmp_path / "c.jsonl")], str(tmp_path / "out"), fmt="jsonl") == 0
    warnings = capsys.readouterr().err
    for name, ext in (("a", "txt"), ("b", "txt"), ("c", "jsonl")):
        cli_out = tmp_path / f"cli-{name}.{ext}"
        assert main([str(tmp_path / f"{name}.{ext}"), "-o", str(cli_out)]) == 0
        assert _parts(tmp_path / "out" / name)[1].encode("utf-8") == cli_out.read_bytes()
    cli_warnings = capsys.readouterr().err
    for n in (5, 6, 7):
        assert f"c.jsonl:{n}: " in warnings and f"c.jsonl:{n}: " in cli_warnings
    assert "line 4" not in warnings


def test_mend_paths_errors(client, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"".join(json.dumps({"text": d}).encode() + b"\n" for d in DOCS[:50]) + b'{"text": "caf\xe9"}\n')
    rc = mend_paths([str(bad)], str(tmp_path / "o1"), fmt="jsonl", scheduler=client.scheduler.address,
                    blocksize=2000)
    err = capsys.readouterr().err
    assert rc == 2 and f"textmend: error: {bad}: invalid UTF-8 at byte" in err and "Traceback" not in err

    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9 ok\n")
    assert mend_paths([str(latin)], str(tmp_path / "o2"), scheduler="synchronous") == 2
    assert "invalid UTF-8 at byte 3" in capsys.readouterr().err

    cases = [
        (dict(paths=[str(tmp_path / "missing.txt")]), "missing.txt"),
        (dict(paths=[str(latin)], fmt="xml"), "unknown format"),
        (dict(paths=["-"]), "standard input"),
        (dict(paths=[]), "no input files"),
        (dict(paths=[str(tmp_path)]), "is a directory"),
        (dict(paths=[str(latin)], options={"lexicon": str(tmp_path / "nope.toml")}), "nope.toml"),
    ]
    for kwargs, needle in cases:
        p = kwargs.pop("paths")
        assert mend_paths(p, str(tmp_path / "o3"), scheduler="synchronous", **kwargs) == 2, needle
        err = capsys.readouterr().err
        assert err.startswith("textmend: error: ") and needle in err and "Traceback" not in err


def test_mend_paths_user_lexicon_and_rerun(client, tmp_path, user_lexicon):
    src = tmp_path / "in.jsonl"
    docs = [f"{d} Brenik spoke." for d in DOCS[:80]]
    src.write_text("".join(json.dumps({"text": d}) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "out"
    # a second run with fewer parts leaves no stale part behind (scheduler: an address, a Client)
    for bs, scheduler in ((3000, client.scheduler.address), (50000, client)):
        rc = mend_paths([str(src)], str(out), fmt="jsonl", scheduler=scheduler,
                        blocksize=bs, options={"lexicon": str(user_lexicon)})
        assert rc == 0
        names, data = _parts(out / "in")
        assert [json.loads(x)["text"] for x in data.splitlines()] == \
               [textmend.mend(d, lexicon=str(user_lexicon)) for d in docs]
    assert len(names) == 1

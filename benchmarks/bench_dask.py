#!/usr/bin/env python
"""Throughput of textmend at scale: serial, ``mend_many`` (1 and 2 processes) and Dask (a
local cluster of 1 and 2 worker processes), on ``../shared/corpora/bbc-news.jsonl``.

    .venv/bin/python benchmarks/bench_dask.py              # the whole corpus (2,225 articles)
    .venv/bin/python benchmarks/bench_dask.py --limit 500  # quicker

Every run is checked against the serial output (same texts, same order).  For Dask, the
cluster start-up is timed on its own; "cold" is the first computation (each worker builds
the pipeline and loads the lexicon), "warm" a second one.  ``mend_paths`` is the CLI's
``--engine dask`` path on the JSON Lines file (reading, planning, writing part files).
Throughput is in documents and in 10^6 bytes of UTF-8 input per second (wall clock); the
CPU column adds up the CPU time of every process involved (this one, mend_many's workers,
the Dask workers), so ``serial CPU / run CPU`` is the parallel efficiency even on a machine
busy with other work, where wall-clock speed-ups mean little.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("TEXTMEND_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpora" / "bbc-news.jsonl"


def row(name: str, seconds: float, ndocs: int, nbytes: int, cpu: float | None = None,
        note: str = "") -> dict:
    r = {"run": name, "seconds": round(seconds, 3), "docs_per_s": round(ndocs / seconds, 1),
         "MB_per_s": round(nbytes / seconds / 1e6, 3),
         "cpu_seconds": None if cpu is None else round(cpu, 2), "note": note}
    c = "" if cpu is None else f"{cpu:8.2f}"
    print(f"{name:<28} {seconds:8.2f} s {r['docs_per_s']:9.1f} {r['MB_per_s']:7.3f} {c:>8}  {note}",
          flush=True)
    return r


def own_and_children_cpu() -> float:
    """CPU seconds of this process and of its finished children (mend_many's workers)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def cluster_cpu(client) -> float:
    """CPU seconds used so far by the cluster's worker processes."""
    return sum(client.run(time.process_time).values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="use the first N articles only")
    ap.add_argument("--corpus", default=str(CORPUS), help="a JSON Lines file with a 'text' field")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    if not Path(args.corpus).exists():
        print(f"bench_dask: {args.corpus} is not here (the shared corpora are not shipped)", file=sys.stderr)
        return 2
    try:
        import dask.bag as db
        from distributed import Client, LocalCluster
    except ImportError:
        print("bench_dask: needs Dask: pip install 'textmend[dask]'", file=sys.stderr)
        return 2

    import textmend
    from textmend.batch import mend_many
    from textmend.dask import mend_bag, mend_paths

    with open(args.corpus, encoding="utf-8") as fh:
        lines = fh.readlines()
    if args.limit:
        lines = lines[:args.limit]
    texts = [json.loads(x)["text"] for x in lines]
    n, nbytes = len(texts), sum(len(t.encode("utf-8")) for t in texts)
    print(f"{n} documents, {nbytes / 1e6:.2f} MB, {os.cpu_count()} CPUs, textmend {textmend.__version__}")
    if hasattr(os, "getloadavg"):
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    print(f"{'run':<28} {'wall':>10} {'docs/s':>9} {'MB/s':>7} {'CPU s':>8}  (CPU: every process "
          "involved; the fewer, the less overhead)")
    rows = []

    t = time.perf_counter()
    pipeline = textmend.get_pipeline()
    pipeline.mend("warm up")  # build the pipeline, load the lexicon
    rows.append(row("pipeline build (once)", time.perf_counter() - t, 1, 0))
    t, c = time.perf_counter(), time.process_time()
    serial = [pipeline.mend(x) for x in texts]
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    rows.append(row("serial", wall, n, nbytes, cpu, f"{nbytes / cpu / 1e6:.3f} MB/s per busy core"))

    for jobs in (1, 2):
        t, c = time.perf_counter(), own_and_children_cpu()
        out = list(mend_many(texts, jobs=jobs))
        rows.append(row(f"mend_many jobs={jobs}", time.perf_counter() - t, n, nbytes,
                        own_and_children_cpu() - c, "incl. process start" if jobs > 1 else ""))
        assert out == serial, f"mend_many jobs={jobs} differs from the serial run"

    for workers in (1, 2):
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        rows.append(row(f"dask {workers}w cluster start", time.perf_counter() - t, 1, 0))
        try:
            for label in ("cold", "warm"):
                bag = db.from_sequence(texts, npartitions=4 * workers)
                t, c, w = time.perf_counter(), time.process_time(), cluster_cpu(client)
                out = mend_bag(bag).compute()
                wall = time.perf_counter() - t
                cpu = time.process_time() - c + cluster_cpu(client) - w
                rows.append(row(f"dask {workers}w mend_bag {label}", wall, n, nbytes, cpu))
                assert out == serial, f"dask ({workers} workers) differs from the serial run"
            with tempfile.TemporaryDirectory() as tmp:
                src = Path(tmp) / "in.jsonl"
                src.write_text("".join(lines), encoding="utf-8")
                t, c, w = time.perf_counter(), time.process_time(), cluster_cpu(client)
                rc = mend_paths([str(src)], str(Path(tmp) / "out"), fmt="jsonl",
                                scheduler=cluster.scheduler_address,
                                blocksize=max(1 << 16, src.stat().st_size // (4 * workers)))
                wall = time.perf_counter() - t
                cpu = time.process_time() - c + cluster_cpu(client) - w
                rows.append(row(f"dask {workers}w mend_paths jsonl", wall, n, nbytes, cpu))
                assert rc == 0
                parts = sorted((Path(tmp) / "out" / "in").glob("part-*.jsonl"))
                got = [json.loads(x)["text"] for p in parts for x in p.read_text(encoding="utf-8").splitlines()]
                assert got == serial, f"mend_paths ({workers} workers) differs from the serial run"
        finally:
            client.close()
            cluster.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end: {load:.1f} (on {os.cpu_count()} CPUs; above that, the figures "
          "measure the other work too)")
    if args.json:
        Path(args.json).write_text(json.dumps({"docs": n, "bytes": nbytes, "cpus": os.cpu_count(),
                                               "rows": rows}, indent=1), encoding="utf-8")
    print("all runs gave the serial output")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Where textmend spends its time: seconds and edits per rule, and cProfile hot spots.

    .venv/bin/python benchmarks/profile_rules.py [--corpus news|curly] [--mb 1.0] [--top 20]

Each rule of ``textmend.get_pipeline()`` (whatever rules exist when it runs) is wrapped in a
:class:`TimedRule` proxy that delegates ``find`` and records its time and output; the
pipeline's own work (applying edits, protected spans, offset mapping) is the rest of the
total.  ``bench.py`` calls :func:`rule_profile` and :func:`hotspots`.
"""
from __future__ import annotations

import cProfile
import gc
import os
import pstats
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import textmend
from textmend import Edit, Pipeline, Rule

#: the clock (bench.py --clock sets it): CPU time of this process by default
timer = time.process_time


def interleaved(fns: dict[str, Callable[[str], object]], docs: Sequence[str], reps: int,
                chunk_bytes: int = 25_000, whole: frozenset[str] = frozenset()) -> dict[str, float]:
    """Seconds per function, summed over chunks of ~``chunk_bytes`` of the docs, each chunk's
    the fastest of ``reps`` runs, the functions taking turns on every chunk.  This machine's
    speed drifts in spells of a second or more (both ways, by up to 2x): a pass over the
    whole corpus by one function then another lands in different spells, a chunk a few
    milliseconds long does not.  The functions named in ``whole`` get each chunk as one
    list (``Pipeline.explain_many``), the others one document at a time."""
    chunks: list[list[str]] = [[]]
    size = 0
    for d in docs:
        if size >= chunk_bytes:
            chunks.append([])
            size = 0
        chunks[-1].append(d)
        size += len(d.encode("utf-8"))
    best = {k: [float("inf")] * len(chunks) for k in fns}
    gc.collect()
    for _ in range(reps):
        for i, chunk in enumerate(chunks):
            for name, fn in fns.items():
                t = timer()
                if name in whole:
                    fn(chunk)
                else:
                    for d in chunk:
                        fn(d)
                best[name][i] = min(best[name][i], timer() - t)
    return {k: sum(v) for k, v in best.items()}


class TimedRule(Rule):
    """A proxy that times another rule's ``find`` and counts what it returns."""

    _COPY = ("code", "name", "family", "safety", "description", "default_enabled", "respects_protected",
             "deterministic", "flags_only")

    def __init__(self, inner: Rule):
        self.inner = inner
        for attr in self._COPY:
            setattr(self, attr, getattr(inner, attr))
        self.seconds = 0.0
        self.calls = 0
        self.found_edits = 0
        self.found_flags = 0

    def find(self, text, ctx):
        t = timer()
        out = self.inner.find(text, ctx)
        if out is not None and not isinstance(out, list):
            out = list(out)  # a generator does its work here: time it
        self.seconds += timer() - t
        self.calls += 1
        for item in out or ():
            if isinstance(item, Edit):
                self.found_edits += 1
            else:
                self.found_flags += 1
        return out

    def __getattr__(self, name):  # anything else a rule or the pipeline may ask for
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


def clone_pipeline(base: Pipeline, rules: Sequence[Rule], **changes) -> Pipeline:
    """A pipeline like ``base`` (options, unsafe_fixes, max_passes, lexicon) with ``rules``."""
    kw = dict(base.options)
    kw.setdefault("unsafe_fixes", base.unsafe_fixes)
    if hasattr(base, "max_passes"):
        kw.setdefault("max_passes", base.max_passes)
    kw.setdefault("lexicon", getattr(base, "_lexicon_arg", None))
    kw.update(changes)
    return Pipeline(rules=list(rules), **kw)


def timed_pipeline(base: Pipeline | None = None) -> Pipeline:
    """A pipeline with the same rules, options and lexicon as ``base`` (default:
    ``textmend.get_pipeline()``), each rule wrapped in a :class:`TimedRule`."""
    base = base or textmend.get_pipeline()
    p = clone_pipeline(base, [TimedRule(r) for r in base.rules])
    p.lexicon  # noqa: B018  load it now, outside the timings
    return p


def _owner_codes(rules: Sequence[Rule]) -> dict[str, str]:
    """Edit/flag code -> code of the rule that emits it (rules may have sub-codes)."""
    owner = {}
    for r in rules:
        owner[r.code] = r.code
        for sub in getattr(r, "subrules", ()) or ():
            owner[sub[0] if isinstance(sub, (tuple, list)) else str(sub)] = r.code
    return owner


def rule_profile(docs: Sequence[str], base: Pipeline | None = None, warm: bool = True) -> dict:
    """Run ``docs`` once through a timed copy of the pipeline; one row per rule.

    ``warm``: run them once before timing, as a long run is: the name rules remember what
    they worked out about each word (a word's verdict does not depend on its document), so
    a first pass over new vocabulary costs more (``--cold`` shows it)."""
    p = timed_pipeline(base)
    p.explain("warm up: a two -day visit .Then")
    for d in (docs if warm else ()):
        p.explain(d)
    for r in p.rules:
        r.seconds, r.calls, r.found_edits, r.found_flags = 0.0, 0, 0, 0
    owner = _owner_codes(p.rules)
    final: Counter[str] = Counter()
    sugg: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    gc.collect()
    t = timer()
    for d in docs:
        res = p.explain(d)
        final.update(owner.get(e.rule, "other") for e in res.edits)
        sugg.update(owner.get(e.rule, "other") for e in res.suggestions)
        flags.update(owner.get(f.rule, "other") for f in res.flags)
    total = timer() - t
    in_rules = sum(r.seconds for r in p.rules)
    nb = sum(len(d.encode("utf-8")) for d in docs)
    rows = [{"code": r.code, "name": r.name, "family": r.family, "seconds": r.seconds,
             "share": r.seconds / total if total else 0.0, "us_per_kb": r.seconds * 1e6 / (nb / 1000),
             "calls": r.calls, "found_edits": r.found_edits, "found_flags": r.found_flags,
             "final_edits": final.get(r.code, 0), "suggestions": sugg.get(r.code, 0),
             "flags": flags.get(r.code, 0)} for r in p.rules]
    calls = p.rules[0].calls if p.rules else 0
    return {"docs": len(docs), "bytes": nb, "total_s": total, "rules": rows,
            "passes_per_doc": calls / max(len(docs), 1), "unattributed_edits": final.get("other", 0),
            "pipeline_s": total - in_rules, "pipeline_share": (total - in_rules) / total if total else 0.0}


def _where(filename: str, line: int, func: str) -> str:
    if filename == "~":
        return func  # a built-in
    f = filename.replace(os.sep, "/")
    for marker in ("/src/", "/site-packages/", "/lib/python3"):
        if marker in f:
            f = f.split(marker, 1)[1]
            break
    else:
        f = Path(f).name
    return f"{f}:{line}({func})"


def hotspots(docs: Sequence[str], top: int = 20) -> dict:
    """cProfile of ``textmend.mend`` over ``docs``: the functions with the most own time."""
    mend = textmend.mend
    mend("warm up: a two -day visit .Then")
    for d in docs:  # warm, as rule_profile
        mend(d)
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    for d in docs:
        mend(d)
    prof.disable()
    st = pstats.Stats(prof)
    total = st.total_tt or 1e-9
    rows = []
    for (fn, line, func), (cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append({"function": _where(fn, line, func), "calls": nc, "tottime_s": tt, "cumtime_s": ct,
                     "tottime_share": tt / total, "cumtime_share": ct / total})
    by_own = sorted(rows, key=lambda r: -r["tottime_s"])[:top]
    mine = sorted((r for r in rows if r["function"].startswith("textmend/")), key=lambda r: -r["cumtime_s"])[:top]
    return {"docs": len(docs), "bytes": sum(len(d.encode("utf-8")) for d in docs), "profiled_s": total,
            "top": by_own, "textmend_by_cumulative": mine}


def main(argv: list[str] | None = None) -> int:
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    ap = argparse.ArgumentParser(description="per-rule timings and cProfile hot spots")
    ap.add_argument("--corpus", choices=("news", "curly"), default="news")
    ap.add_argument("--mb", type=float, default=1.0, help="how much text to run (default 1 MB)")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--cold", action="store_true", help="time the first pass over the documents")
    args = ap.parse_args(argv)
    try:
        docs = (bench.stride_subset(bench.news_docs(), args.mb * 1e6) if args.corpus == "news"
                else bench.curly_docs(int(args.mb * 1e6)))
    except bench.MissingCorpus as exc:
        print(f"profile_rules: {exc}", file=sys.stderr)
        return 2
    r = rule_profile(docs, warm=not args.cold)
    print(f"{r['docs']} docs, {r['bytes'] / 1e6:.2f} MB, {r['total_s']:.2f} s ({'cold' if args.cold else 'warm'})")
    for row in sorted(r["rules"], key=lambda x: -x["seconds"]):
        print(f"  {row['code']:<7}{row['name'][:28]:<29}{row['seconds']:8.3f} s {row['share']:6.1%}"
              f"  found {row['found_edits']:>6} flags {row['found_flags']:>5} final {row['final_edits']:>6}")
    print(f"  {'pipeline':<36}{r['pipeline_s']:8.3f} s {r['pipeline_share']:6.1%}")
    h = hotspots(docs, args.top)
    print(f"\ncProfile, by own time ({h['profiled_s']:.2f} s profiled):")
    for row in h["top"]:
        print(f"  {row['tottime_share']:6.1%} own {row['cumtime_share']:6.1%} cum {row['calls']:>9}  {row['function']}")
    print("\ntextmend functions by cumulative time:")
    for row in h["textmend_by_cumulative"]:
        print(f"  {row['cumtime_share']:6.1%} cum {row['tottime_share']:6.1%} own {row['calls']:>9}  {row['function']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

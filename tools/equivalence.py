#!/usr/bin/env python
"""Behaviour snapshot: does a change (a speed-up, a refactoring) keep every output the same?

    .venv/bin/python tools/equivalence.py --save /tmp/ref.pkl     # before the change
    .venv/bin/python tools/equivalence.py --check /tmp/ref.pkl    # after: lists every difference

Runs ``textmend.explain`` (default pipeline) over the texts of ``../shared`` (news, Reuters,
MT output and references, ftfy's test cases, the dev cases and the seed) and records, per
text, the output and every edit, flag and suggestion.  ``--check`` also runs
``textmend.mend`` and ``explain(flags=False)``, which must give the same text, edits and
suggestions (they leave out the rules that only flag).  ``--check`` exits 1 when any
differs and prints the first differences.  The snapshot holds shared text: keep it in /tmp,
never in the project.  ``--limit N`` caps the texts per corpus (for a quick look).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTMEND_SHARED", ROOT.parent / "shared"))


def texts(limit: int | None) -> dict[str, str]:
    out: dict[str, str] = {}
    c = SHARED / "corpora"
    for name, fields in (("bbc-news", ["text"]), ("wmt-news-en", ["text"]),
                         ("reuters21578-modapte", ["text", "title"]),
                         ("wmt-news-xx-en-human-refs", ["text"]),
                         ("mlqe-multiref-et-en", ["mt", "ref", "refs"]),
                         ("mlqe-pe-xx-en-test20-postedits", ["mt", "pe"])):
        path = c / f"{name}.jsonl"
        if not path.exists():
            continue
        n = 0
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                rec = json.loads(line)
                for f in fields:
                    v = rec.get(f)
                    for j, s in enumerate(v if isinstance(v, list) else [v]):
                        if isinstance(s, str) and s:
                            out[f"{name}:{i}:{f}:{j}"] = s
                n += 1
                if limit and n >= limit:
                    break
    for path in sorted((c / "ftfy-test-cases").glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))[: limit or None]):
            for f in ("original", "fixed"):
                if isinstance(case.get(f), str):
                    out[f"ftfy:{path.stem}:{i}:{f}"] = case[f]
    dev = SHARED / "eval" / "dev" / "cases.jsonl"
    if dev.exists():
        for i, line in enumerate(dev.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                rec = json.loads(line)
                for f in ("damaged", "gold"):
                    if isinstance(rec.get(f), str):
                        out[f"dev:{i}:{f}"] = rec[f]
    for p in sorted((SHARED / "seeds").glob("*")):
        if p.is_file():
            out[f"seed:{p.name}"] = p.read_text(encoding="utf-8", errors="replace")
    return out


def snapshot(r) -> tuple:
    def ed(e):
        return (e.start, e.end, e.replacement, e.rule, e.safety)

    return (r.text, tuple(ed(e) for e in r.edits), tuple((f.start, f.end, f.rule) for f in r.flags),
            tuple(ed(e) for e in r.suggestions))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save")
    g.add_argument("--check")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--show", type=int, default=15, help="differences to print")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import textmend

    corpus = texts(a.limit)
    t = time.process_time()
    got = {k: snapshot(textmend.explain(v)) for k, v in corpus.items()}
    secs = time.process_time() - t
    mb = sum(len(v.encode()) for v in corpus.values()) / 1e6
    print(f"{len(got)} texts, {mb:.1f} MB, {secs:.1f} CPU s ({mb / secs:.2f} MB/s)", file=sys.stderr)
    if a.save:
        with open(a.save, "wb") as fh:
            pickle.dump(got, fh)
        return 0
    with open(a.check, "rb") as fh:
        ref = pickle.load(fh)
    diffs = [k for k in ref if k in got and ref[k] != got[k]]
    missing = [k for k in ref if k not in got]
    # mend() and explain(flags=False) leave out the rules that only flag: the same text,
    # edits and suggestions, no flags
    t = time.process_time()
    mends = {k: textmend.mend(v) for k, v in corpus.items()}
    secs = time.process_time() - t
    print(f"mend(): {mb / secs:.2f} MB/s", file=sys.stderr)
    p = textmend.get_pipeline()
    for k, v in corpus.items():
        if k in ref and k not in diffs:
            quiet = snapshot(p.explain(v, flags=False))
            if mends[k] != ref[k][0] or quiet != (ref[k][0], ref[k][1], (), ref[k][3]):
                diffs.append(k)
    for k in diffs[: a.show]:
        old, new = ref[k], got[k]
        print(f"--- {k}")
        for label, o, n in zip(("text", "edits", "flags", "suggestions"), old, new):
            if o != n:
                if label == "text":
                    import difflib

                    for line in difflib.unified_diff(o.splitlines(), n.splitlines(), lineterm="", n=0):
                        print("   ", line[:200])
                else:
                    print(f"   {label}: -{sorted(set(o) - set(n))[:5]} +{sorted(set(n) - set(o))[:5]}")
    print(f"{len(diffs)} of {len(ref)} texts differ" + (f", {len(missing)} missing" if missing else ""))
    return 1 if diffs or missing else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""textmend vs ``ftfy.fix_text``: throughput, per-rule profile, start-up, lexicon scaling,
size linearity and memory, in one command.

    .venv/bin/python benchmarks/bench.py            # full run, about 2-5 minutes
    .venv/bin/python benchmarks/bench.py --quick    # fewer/smaller runs, under a minute

Prints a compact table and writes every figure to ``benchmarks/results/latest.json``.
The corpora come from ``../shared`` (or ``$TEXTMEND_SHARED``); sections that need a missing
corpus are skipped with a note.  See ``benchmarks/README.md`` for what each figure means.

Every timed loop has a time budget: when textmend gets slower (more rules), the harness
measures a deterministic subset (every k-th document) instead of running past the budget,
and says so (``docs``/``bytes`` in the table and JSON are what was actually measured).
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("TEXTMEND_SHARED", ROOT.parent / "shared"))
RESULTS = HERE / "results" / "latest.json"
MB = 1e6  # throughput is in 10^6 bytes of UTF-8 input per second

#: the clock every throughput figure is measured with.  CPU time of this process
#: (``time.process_time``) by default: other work on a shared machine hardly changes it,
#: while wall time (``--clock wall``) grows with the load.  Budgets always use wall time.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
timer = time.process_time
clock_name = "cpu"


def set_clock(name: str) -> None:
    """Measure every throughput figure (here, per rule, lexicon scaling) with this clock."""
    global timer, clock_name
    import profile_rules

    timer = profile_rules.timer = CLOCKS[name]
    clock_name = name

try:
    import textmend
except ModuleNotFoundError:  # running with a Python that lacks the editable install
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import textmend
    except ModuleNotFoundError as exc:
        sys.exit(f"bench: cannot import textmend ({exc}); run it with {ROOT}/.venv/bin/python")
try:
    import ftfy
except ModuleNotFoundError:
    sys.exit("bench: ftfy is not installed in this Python; run it with .venv/bin/python")


# -- settings ---------------------------------------------------------------------------
class Settings:
    """How much to measure: ``--quick`` shrinks corpora, repetitions and budgets."""

    def __init__(self, quick: bool, reps: int | None = None):
        self.quick = quick
        self.reps = reps or (3 if quick else 5)
        # target sizes (bytes) before budgets apply
        self.news_bytes = 1_000_000 if quick else None  # None: the whole news corpus
        self.curly_bytes = 500_000 if quick else 2_000_000
        self.profile_bytes = 400_000 if quick else 1_500_000  # cProfile sample
        self.lexicon_bytes = 300_000 if quick else 1_200_000
        self.startup_reps = 3 if quick else 5
        self.big_reps = 1 if quick else 3  # runs of the 10 MB document
        self.large_bytes = 10_000_000
        self.force_large = False  # --large: measure 10 MB even when it blows the budget
        self.tracemalloc = not quick
        # seconds each section may spend in its timed loops (estimated up front)
        self.budget = (dict(news=8, curly=4, profile=6, lexicon=5, sizes=20)
                       if quick else
                       dict(news=100, curly=45, profile=30, lexicon=30, sizes=90))


# -- corpora ----------------------------------------------------------------------------
def nbytes(docs: Sequence[str]) -> int:
    return sum(len(d.encode("utf-8")) for d in docs)


def read_jsonl(path: Path, field: str) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line).get(field)
            except (json.JSONDecodeError, AttributeError):
                raise SystemExit(f"bench: {path}:{i}: not a JSON object") from None
            if isinstance(value, str) and value:
                out.append(value)
    return out


class MissingCorpus(Exception):
    pass


def news_docs() -> list[str]:
    """Corpus (a): the ``text`` of every BBC and WMT English-original news document."""
    paths = [SHARED / "corpora" / "bbc-news.jsonl", SHARED / "corpora" / "wmt-news-en.jsonl"]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingCorpus(f"not found: {', '.join(missing)} (set TEXTMEND_SHARED)")
    return [d for p in paths for d in read_jsonl(p, "text")]


def curly_docs(target: int) -> list[str]:
    """Corpus (b): the dev cases (``damaged`` field, damaged and clean kinds), repeated to
    about ``target`` bytes; every case stays a document of its own."""
    path = SHARED / "eval" / "dev" / "cases.jsonl"
    if not path.exists():
        raise MissingCorpus(f"not found: {path} (set TEXTMEND_SHARED)")
    cases = read_jsonl(path, "damaged")
    if not cases:
        raise MissingCorpus(f"{path}: no 'damaged' texts")
    reps = max(1, round(target / nbytes(cases)))
    return cases * reps


def stride_subset(docs: Sequence[str], target: float | None) -> list[str]:
    """Every k-th document so that about ``target`` bytes remain (all when None)."""
    docs = list(docs)
    total = nbytes(docs)
    if target is None or total <= target:
        return docs
    k = max(1, math.ceil(total / max(target, 1)))
    return docs[::k]


def concatenated(docs: Sequence[str], size: int) -> str:
    """One document of about ``size`` UTF-8 bytes: news joined by blank lines (cycled),
    cut at the last line break before ``size``."""
    parts, total, i = [], 0, 0
    while total < size + 10_000:
        d = docs[i % len(docs)]
        parts.append(d)
        total += len(d.encode("utf-8")) + 2
        i += 1
    text = "\n\n".join(parts)
    cut = text.encode("utf-8")[:size].decode("utf-8", "ignore")
    nl = cut.rfind("\n")
    return cut[:nl + 1] if nl > size // 2 else cut


# -- timing -----------------------------------------------------------------------------
def textmend_fn() -> Callable[[str], str]:
    return textmend.mend


def ftfy_fn() -> Callable[[str], str]:
    return ftfy.fix_text


def run_once(fn: Callable[[str], object], docs: Sequence[str]) -> tuple[float, float]:
    """``(measured, wall)`` seconds for one pass of ``fn`` over ``docs``."""
    gc.collect()
    w, t = time.perf_counter(), timer()
    for d in docs:
        fn(d)
    return timer() - t, time.perf_counter() - w


def alternate(fns: dict[str, Callable[[str], object]], docs: Sequence[str], reps: int,
              wall: list[float] | None = None) -> dict[str, list[float]]:
    """``reps`` rounds; each round runs every function once over all docs, in order.
    Returns the measured seconds per function; adds the wall seconds to ``wall``."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            m, w = run_once(fn, docs)
            times[name].append(m)
            if wall is not None:
                wall.append(w)
    return times


class Rates:
    """Throughput estimates (bytes/s) that size every section to its time budget.

    :meth:`fit` times one pass over a small stride sample of the very documents it is about
    to measure (throughput depends on the text: curly quotes send every line through ftfy)."""

    def __init__(self, floor: int = 100_000) -> None:
        self.tm: float | None = None
        self.ftfy: float | None = None
        self.floor = floor  # never measure less text than this, whatever the budget says

    def probe(self, docs: Sequence[str]) -> None:
        sample = stride_subset(docs, 100_000)
        b = nbytes(sample)
        textmend.mend("warm up: a two -day visit.")  # rules built, lexicon loaded
        run_once(textmend_fn(), sample)  # (its words learned: the timed runs are warm too)
        self.tm = b / max(run_once(textmend_fn(), sample)[1], 1e-9)  # wall: for budgets
        self.ftfy = b / max(run_once(ftfy_fn(), sample)[1], 1e-9)

    def seconds(self, nb: int, with_ftfy: bool = True) -> float:
        return nb / self.tm + (nb / self.ftfy if with_ftfy else 0.0)

    def fit(self, docs: Sequence[str], reps: float, budget: float, with_ftfy: bool = True) -> list[str]:
        """The docs themselves, or a stride subset whose ``reps`` runs fit ``budget``."""
        self.probe(docs)
        nb = nbytes(docs)
        need = reps * self.seconds(nb, with_ftfy)
        return list(docs) if need <= budget else stride_subset(docs, max(nb * budget / need, self.floor))


def summary(times: list[float], nb: int) -> dict:
    med = statistics.median(times)
    return {"median_s": med, "mb_per_s": nb / MB / med, "runs_s": [round(t, 4) for t in times]}


def side_by_side(docs: Sequence[str], reps: int) -> dict:
    nb = nbytes(docs)
    fns = {"textmend": textmend_fn(), "ftfy": ftfy_fn()}
    times = alternate(fns, docs, reps)
    tm, ft = summary(times["textmend"], nb), summary(times["ftfy"], nb)
    pairs = [f / t for t, f in zip(times["textmend"], times["ftfy"])]
    from profile_rules import interleaved

    # (also the batch path: textmend.get_pipeline().explain_many on each chunk, as mend_many
    # and the command line use it, for the texts alone as mend: the same results as mend,
    # document by document; and explain() with the flags of the checks, which mend leaves out)
    pipeline = textmend.get_pipeline()

    def batch(chunk):
        return pipeline.explain_many(chunk, flags=False)

    chunked = interleaved({**fns, "textmend_batch": batch, "textmend_explain": pipeline.explain}, docs, reps,
                          whole=frozenset({"textmend_batch"}))
    return {"docs": len(docs), "bytes": nb, "reps": reps, "textmend": tm, "ftfy": ft,
            "ratio": tm["mb_per_s"] / ft["mb_per_s"], "ratio_pairwise_median": statistics.median(pairs),
            "interleaved": {"textmend_mb_per_s": nb / MB / chunked["textmend"],
                            "ftfy_mb_per_s": nb / MB / chunked["ftfy"],
                            "ratio": chunked["ftfy"] / chunked["textmend"],
                            "batch_mb_per_s": nb / MB / chunked["textmend_batch"],
                            "batch_ratio": chunked["ftfy"] / chunked["textmend_batch"],
                            "explain_mb_per_s": nb / MB / chunked["textmend_explain"],
                            "explain_ratio": chunked["ftfy"] / chunked["textmend_explain"]}}


# -- sections ---------------------------------------------------------------------------
def section_throughput(name: str, docs: list[str], s: Settings, rates: Rates) -> dict:
    fitted = rates.fit(docs, 2 * s.reps, s.budget[name])  # (alternating runs, then chunks)
    out = side_by_side(fitted, s.reps)
    out["subset_of_bytes"] = nbytes(docs) if len(fitted) < len(docs) else None
    return out


def _child(code: str, reps: int) -> list[dict]:
    outs = []
    for _ in range(reps):
        r = subprocess.run([sys.executable, "-c", code, clock_name], capture_output=True, text=True, env=_env())
        if r.returncode:
            raise RuntimeError(f"child failed: {r.stderr.strip()[-400:]}")
        outs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return outs


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).strip(os.pathsep)
    return env


def _wall(cmd: list[str], reps: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``reps`` runs of ``cmd``."""
    import resource

    wall, cpu = [], []
    for _ in range(reps):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=_env())
        wall.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        if r.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.strip()[-400:]}")
    return wall, cpu


_FIRST_MEND = r"""
import json, sys, time
clock = time.perf_counter if sys.argv[1] == "wall" else time.process_time
t0 = clock()
import textmend
t1 = clock()
textmend.mend("Ministers met on Tuesday for a two -day visit .The talks were long.")
t2 = clock()
textmend.mend("Officials said the plan was delayed again.")
t3 = clock()
print(json.dumps({"import_s": t1 - t0, "first_mend_s": t2 - t1, "second_mend_s": t3 - t2}))
"""

_LEXICON_LOAD = r"""
import json, sys, time
clock = time.perf_counter if sys.argv[1] == "wall" else time.process_time
import textmend
from textmend.lexicon import load_lexicon
t0 = clock()
lex = load_lexicon()
t1 = clock()
print(json.dumps({"lexicon_load_s": t1 - t0, "entries": len(lex), "variants": len(lex.variants)}))
"""


def import_breakdown(top: int = 8) -> list[dict]:
    """``python -X importtime -c 'import textmend'``: the slowest top-level imports."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", "import textmend"],
                       capture_output=True, text=True, env=_env())
    rows = []
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        if not parts[0].isdigit():
            continue
        name = parts[2]
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:
            rows.append({"module": name.strip(), "cumulative_ms": int(parts[1]) / 1000})
    # keep the outermost entry per top-level package
    best: dict[str, dict] = {}
    for row in rows:
        key = row["module"].split(".")[0]
        if key not in best or row["cumulative_ms"] > best[key]["cumulative_ms"]:
            best[key] = row
    return sorted(best.values(), key=lambda r: -r["cumulative_ms"])[:top]


def section_startup(s: Settings) -> dict:
    """Fresh processes: wall time (what a user waits) and CPU time (robust to other load)."""
    n = s.startup_reps
    exe = Path(sys.executable).parent / "textmend"
    cli = [str(exe), "--version"] if exe.exists() else [sys.executable, "-m", "textmend", "--version"]
    med = statistics.median
    out: dict = {"reps": n, "clock": clock_name,
                 "cli_command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cli))}
    for key, cmd in (("python_bare", [sys.executable, "-c", "pass"]), ("cli_version", cli),
                     ("python_import", [sys.executable, "-c", "import textmend"])):
        wall, cpu = _wall(cmd, n)
        out[f"{key}_wall_s"], out[f"{key}_cpu_s"] = med(wall), med(cpu)
    first = _child(_FIRST_MEND, n)
    lex = _child(_LEXICON_LOAD, max(1, n // 2))
    out.update({
        "in_process_import_s": med(r["import_s"] for r in first),
        "first_mend_s": med(r["first_mend_s"] for r in first),
        "second_mend_s": med(r["second_mend_s"] for r in first),
        "lexicon_load_s": med(r["lexicon_load_s"] for r in lex),
        "lexicon_entries": lex[0]["entries"], "lexicon_variants": lex[0]["variants"],
        "slowest_imports": import_breakdown(),
    })
    return out


def section_sizes(news: list[str], s: Settings) -> tuple[dict, dict]:
    """Size linearity and memory.

    Single documents of 10 KB and 100 KB (the 1 MB document cut into consecutive pieces,
    so every size sees the same text) and 1 MB, measured here alternating with ftfy; then
    one large document (10 MB) run once in a fresh process that reports its time and peak
    RSS (and tracemalloc), then again here, alternating with ftfy, while the budget lasts.

    When the growth measured so far says 10 MB would not fit the budget, the large
    document shrinks (5, 3, 2 MB; in --quick mode down to the 1 MB document itself, which
    then is the fresh-process row) and the JSON says so; ``--large`` forces 10 MB."""
    budget = s.budget["sizes"]
    one_mb = concatenated(news, 1_000_000)
    ladder = [("10KB", 10_000), ("100KB", 100_000)] + ([] if s.quick else [("1MB", 1_000_000)])
    rows = []
    t_start = time.perf_counter()
    for label, size in ladder:
        pieces = _split(one_mb, size) if size < 1_000_000 else [one_mb]
        wall: list[float] = []
        times = alternate({"textmend": textmend_fn(), "ftfy": ftfy_fn()}, pieces, 1, wall)
        more = max(0, min(s.reps - 1, int(budget * 0.1 / max(sum(wall), 1e-9)) - 1))
        if more:
            for k, v in alternate({"textmend": textmend_fn(), "ftfy": ftfy_fn()}, pieces, more).items():
                times[k] += v
        rows.append(_lin_row(label, len(pieces), nbytes(pieces), times, 1 + more, wall))
    last, prev = rows[-1], rows[-2]
    grow = max(1.0, _exponent(prev, last, "textmend_wall_s_per_mb"))
    doc_wall = last["textmend_wall_s_per_mb"] * last["bytes_per_doc"] / MB  # one document of that size
    ft_wall_per_byte = last["ftfy_wall_s_per_mb"] / MB
    left = budget - (time.perf_counter() - t_start)

    def est_for(size: int) -> float:
        return doc_wall * (size / last["bytes_per_doc"]) ** grow

    ladder_large = [s.large_bytes, 5_000_000, 3_000_000, 2_000_000] + ([1_000_000, 300_000] if s.quick else [])
    size = ladder_large[-1]
    for cand in ladder_large:
        if s.force_large or est_for(cand) <= left:
            size = cand
            break
    skipped = None if size == s.large_bytes else {
        "bytes": s.large_bytes, "estimated_s": est_for(s.large_bytes), "exponent_used": grow,
        "measured_instead": size}
    big = one_mb if size == 1_000_000 else concatenated(news, size)
    if size < 1_000_000:
        big = one_mb[:len(_split(one_mb, size)[0])]
    nb = len(big.encode("utf-8"))
    est = est_for(nb)
    trace = s.tracemalloc and est * 4 < (left - est) * 0.5
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "bigdoc.txt"
        p.write_text(big, encoding="utf-8")
        memory = _child_args(_MEMORY, [str(p), "1" if trace else "0"])
    memory["rss_growth_per_input_byte"] = memory["rss_growth_mb"] * 1e6 / memory["input_bytes"]
    memory["tracemalloc"] = trace
    left -= time.perf_counter() - t
    times = {"textmend": [memory["seconds_" + clock_name]], "ftfy": []}
    ft_est = nb * ft_wall_per_byte
    if ft_est <= max(left, 5.0) or not s.quick:
        times["ftfy"] += alternate({"ftfy": ftfy_fn()}, [big], 1)["ftfy"]
        left -= ft_est
    extra = max(0, min(s.big_reps - 1, int(left / (memory["seconds_wall"] + ft_est))))
    if extra:
        for k, v in alternate({"textmend": textmend_fn(), "ftfy": ftfy_fn()}, [big], extra).items():
            times[k] += v
    if not times["ftfy"]:
        del times["ftfy"]
    rows.append(_lin_row(f"{round(nb / MB)}MB" if nb >= 1_000_000 else f"{round(nb / 1000)}KB",
                         1, nb, times, 1 + extra))
    rows[-1]["fresh_process_first_run"] = True
    mid = next((r for r in rows if r["label"] == "1MB"), rows[-1])
    small, large = rows[0], rows[-1]
    exp_small = _exponent(small, mid, "textmend_median_s")
    exp_large = _exponent(mid, large, "textmend_median_s") if large is not mid else None
    lin = {"rows": rows, "large_skipped": skipped,
           "textmend_large_over_small": large["textmend_mb_per_s"] / small["textmend_mb_per_s"],
           "textmend_exponent_10kb_to_1mb": exp_small, "exponent_mid": mid["label"],
           "textmend_exponent_1mb_to_large": exp_large,
           "quadratic_suspect": max(exp_small, exp_large or 0) > 1.3}
    return lin, memory


def _exponent(a: dict, b: dict, key: str) -> float:
    """e in: time per document ~ (document size)^e, from two rows (1 = linear, 2 = quadratic).
    ``key`` is a total over the row's documents, or a per-MB figure (the same bytes)."""
    per_doc = [r[key] * (r["bytes"] / MB if key.endswith("_per_mb") else 1) / r["docs"] for r in (a, b)]
    return math.log(per_doc[1] / per_doc[0]) / math.log(b["bytes_per_doc"] / a["bytes_per_doc"])


def _split(text: str, size: int) -> list[str]:
    out, i = [], 0
    while i < len(text):
        j = min(len(text), i + size)
        nl = text.rfind("\n", i + size // 2, j) if j < len(text) else -1
        j = nl + 1 if nl > 0 else j
        out.append(text[i:j])
        i = j
    return out


def _lin_row(label: str, ndocs: int, nb: int, times: dict[str, list[float]], reps: int,
             wall: list[float] | None = None) -> dict:
    row = {"label": label, "docs": ndocs, "bytes": nb, "bytes_per_doc": nb // ndocs, "reps": reps}
    for k, v in times.items():
        sm = summary(v, nb)
        row[f"{k}_median_s"], row[f"{k}_mb_per_s"] = sm["median_s"], sm["mb_per_s"]
    if wall:  # alternating textmend, ftfy: split the wall times back
        for i, k in enumerate(times):
            row[f"{k}_wall_s_per_mb"] = statistics.median(wall[i::len(times)]) * MB / nb
    return row


_MEMORY = r"""
import json, resource, sys, time
path, trace = sys.argv[1], sys.argv[2] == "1"
def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 1e6
import textmend
text = open(path, encoding="utf-8").read()
def hwm_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
textmend.mend("warm up: a two -day visit.")  # rules built, lexicon loaded
base_peak = hwm_mb()
try:  # Linux: reset the high-water mark, so the peak below is the mend's own
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    reset = True
except OSError:
    reset = False
base_rss = rss_mb()
t, c = time.perf_counter(), time.process_time()
out = textmend.mend(text)
secs, cpu = time.perf_counter() - t, time.process_time() - c
peak = hwm_mb()
res = {"input_bytes": len(text.encode("utf-8")), "base_rss_mb": base_rss, "base_peak_mb": base_peak,
       "peak_rss_mb": peak, "rss_growth_mb": peak - base_rss, "seconds_wall": secs, "seconds_cpu": cpu,
       "peak_reset": reset}
if trace:
    import tracemalloc
    del out
    tracemalloc.start()
    textmend.mend(text)
    res["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
print(json.dumps(res))
"""


def _child_args(code: str, args: list[str]) -> dict:
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=_env())
    if r.returncode:
        raise RuntimeError(f"child failed: {r.stderr.strip()[-400:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "", None
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "host": platform.node(), "cpu": cpu,
            "cores": os.cpu_count(), "loadavg_at_start": list(os.getloadavg()),
            "python": platform.python_version(), "platform": platform.platform(),
            "textmend": textmend.__version__, "ftfy": ftfy.__version__, "git": commit, "git_dirty": dirty,
            "rules": [r.code for r in textmend.get_pipeline().rules],
            "speedups": _speedups_in_use()}


def _speedups_in_use() -> str:
    """"C" when textmend's optional C module is built and in use, else "pure Python"."""
    from textmend import evidence

    return "C" if evidence._SPEEDUPS is not None else "pure Python"


# -- report -----------------------------------------------------------------------------
def fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def print_report(res: dict) -> None:
    p = print
    m = res["machine"]
    p(f"\ntextmend {m['textmend']} ({m['git']}{' +dirty' if m['git_dirty'] else ''}) vs ftfy {m['ftfy']}"
      f" | Python {m['python']} | {m['cpu']} x{m['cores']} | load {m['loadavg_at_start'][0]:.1f}"
      f" | {m['date']} | {'quick' if res['quick'] else 'full'}")
    p(f"rules: {' '.join(m['rules'])} | speed-ups: {m.get('speedups', '?')}")
    if res.get("news") or res.get("curly"):
        p(f"\nTHROUGHPUT (MB/s = 10^6 UTF-8 bytes per {res['clock']} second, median of alternating runs;"
          " chunks: the two taking turns on every ~25 KB, fastest of the runs per chunk)")
        p(f"  {'corpus':<12}{'docs':>6}{'MB':>7}{'reps':>5}{'textmend':>10}{'ftfy':>9}{'tm/ftfy':>9}"
          f"{'chunks: tm':>12}{'ftfy':>7}{'tm/ftfy':>9}")
    for key in ("news", "curly"):
        r = res.get(key)
        if not r:
            continue
        if "error" in r or "skipped" in r:
            p(f"  {key:<12}{(r or {}).get('error') or (r or {}).get('skipped', '')}")
            continue
        sub = "*" if r.get("subset_of_bytes") else ""
        c = r.get("interleaved") or {}
        p(f"  {key:<12}{r['docs']:>6}{r['bytes'] / MB:>6.2f}{sub:1}{r['reps']:>5}"
          f"{r['textmend']['mb_per_s']:>10.2f}{r['ftfy']['mb_per_s']:>9.2f}{r['ratio']:>9.2f}"
          + (f"{c['textmend_mb_per_s']:>12.2f}{c['ftfy_mb_per_s']:>7.2f}{c['ratio']:>9.2f}" if c else ""))
    if any((res.get(k) or {}).get("subset_of_bytes") for k in ("news", "curly")):
        p("  * a stride subset, to stay within the time budget")
    for key in ("news", "curly"):
        c = (res.get(key) or {}).get("interleaved") or {}
        if "batch_ratio" in c:
            p(f"  {key}, batch path (Pipeline.explain_many per ~25 KB chunk, as mend_many and the CLI run): "
              f"{c['batch_mb_per_s']:.2f} MB/s, {c['batch_ratio']:.2f}x ftfy (chunk by chunk)")
        if "explain_ratio" in c:
            p(f"  {key}, explain() with the flags of the checks TM701/TM702 (which mend() leaves out): "
              f"{c['explain_mb_per_s']:.2f} MB/s, {c['explain_ratio']:.2f}x ftfy (chunk by chunk)")
    for key in ("profile_news", "profile_curly"):
        r = res.get(key)
        if not r or "error" in r:
            if r:
                p(f"\nPER-RULE {key}: {r['error']}")
            continue
        p(f"\nPER-RULE ({key.split('_')[1]}: {r['docs']} docs, {r['bytes'] / MB:.2f} MB, "
          f"total {fmt_s(r['total_s'])} = {r['bytes'] / MB / r['total_s']:.2f} MB/s, "
          f"{r['passes_per_doc']:.2f} passes/doc)")
        p(f"  {'rule':<7}{'name':<28}{'s':>8}{'share':>7}{'found':>7}{'flags':>6}{'final':>7}{'sugg':>6}")
        for row in r["rules"]:
            p(f"  {row['code']:<7}{row['name'][:27]:<28}{row['seconds']:>8.3f}{row['share']:>7.1%}"
              f"{row['found_edits']:>7}{row['found_flags']:>6}{row['final_edits']:>7}{row['suggestions']:>6}")
        p(f"  {'':<7}{'(pipeline: trace, protect, map)':<28}{r['pipeline_s']:>8.3f}{r['pipeline_share']:>7.1%}")
    hp = res.get("hotspots")
    if hp and "error" not in hp:
        p(f"\nHOT SPOTS (cProfile, {hp['bytes'] / MB:.2f} MB, by own time; profiler inflates Python-heavy code)")
        for row in hp["top"][:10]:
            p(f"  {row['tottime_share']:>6.1%} own {row['cumtime_share']:>6.1%} cum {row['calls']:>9} calls  {row['function']}")
    st = res.get("startup")
    if st and "error" not in st:
        p(f"\nSTART-UP (median of {st['reps']} fresh processes; wall / CPU)")
        p(f"  python -c pass {fmt_s(st['python_bare_wall_s'])} / {fmt_s(st['python_bare_cpu_s'])}"
          f" | {st['cli_command']} {fmt_s(st['cli_version_wall_s'])} / {fmt_s(st['cli_version_cpu_s'])}"
          f" | python -c 'import textmend' {fmt_s(st['python_import_wall_s'])} / {fmt_s(st['python_import_cpu_s'])}")
        p(f"  in process ({st['clock']}): import {fmt_s(st['in_process_import_s'])}, first mend {fmt_s(st['first_mend_s'])}"
          f" (lexicon load alone {fmt_s(st['lexicon_load_s'])}, {st['lexicon_entries']} entries),"
          f" second mend {fmt_s(st['second_mend_s'])}")
        p("  slowest imports: " + ", ".join(f"{r['module']} {r['cumulative_ms']:.0f} ms" for r in st["slowest_imports"][:6]))
    lx = res.get("lexicon")
    if lx and "error" not in lx:
        pad = (f"built-in {lx['builtin_entries']} padded to {lx['base_entries']} with made-up entries"
               if lx["padded"] else f"built-in {lx['base_entries']} entries")
        p(f"\nLEXICON SCALING ({lx['docs']} docs, {lx['bytes'] / MB:.2f} MB, {lx['reps']} reps)")
        p(f"  {pad}: {lx['base_mb_per_s']:.2f} MB/s | {lx['big_entries']} entries ({lx['factor']:.1f}x; lexicon "
          f"built in {fmt_s(lx['big_build_s'])}, first mend {fmt_s(lx['big_first_mend_s'])}): "
          f"{lx['big_mb_per_s']:.2f} MB/s")
        ch = lx.get("slowdown_chunks")
        worst = max(lx["slowdown"], ch if ch is not None else lx["slowdown"])
        p(f"  slowdown {lx['slowdown']:+.1%} (median of alternating runs)"
          + (f", {ch:+.1%} (chunk by chunk)" if ch is not None else "")
          + f" ({'OK' if worst < 0.10 else 'over the 10 % goal'});"
          f" documents whose output the made-up entries changed: {lx['docs_output_differs']}")
    ln = res.get("linearity")
    if ln and "error" not in ln:
        p("\nSIZE LINEARITY (single documents)")
        for row in ln["rows"]:
            ft = f"{row['ftfy_mb_per_s']:.2f}" if "ftfy_mb_per_s" in row else "-"
            fresh = ", first in a fresh process" if row.get("fresh_process_first_run") else ""
            p(f"  {row['label']:>6} x{row['docs']:<4} textmend {row['textmend_mb_per_s']:6.2f} MB/s"
              f"  ftfy {ft:>6} MB/s  ({row['reps']} reps{fresh})")
        big = (f", 1MB->{ln['rows'][-1]['label']} {ln['textmend_exponent_1mb_to_large']:.2f}"
               if ln["textmend_exponent_1mb_to_large"] is not None else "")
        p(f"  textmend throughput largest/smallest {ln['textmend_large_over_small']:.2f}; time-per-document exponent "
          f"10KB->{ln['exponent_mid']} {ln['textmend_exponent_10kb_to_1mb']:.2f}{big} (1 = linear, 2 = quadratic)"
          f" -> {'SUPER-LINEAR' if ln['quadratic_suspect'] else 'no quadratic behaviour'}")
        if ln.get("large_skipped"):
            sk = ln["large_skipped"]
            p(f"  (10 MB not measured: one textmend run estimated at {sk['estimated_s']:.0f} s from the growth so far"
              f" (exponent {sk['exponent_used']:.2f}), over the budget; --large forces it)")
    me = res.get("memory")
    if me and "error" not in me:
        tm = f", tracemalloc peak {me['tracemalloc_peak_mb']:.0f} MB" if "tracemalloc_peak_mb" in me else ""
        p(f"\nMEMORY ({me['input_bytes'] / MB:.1f} MB document, fresh process): peak RSS during mend {me['peak_rss_mb']:.0f} MB"
          f"{'' if me.get('peak_reset') else ' (process peak)'}; start-up peak {me['base_peak_mb']:.0f} MB; RSS before mend "
          f"{me['base_rss_mb']:.0f} MB, growth {me['rss_growth_mb']:.0f} MB "
          f"({me['rss_growth_per_input_byte']:.1f} bytes per input byte){tm}")
    errs = [k for k, v in res.items() if isinstance(v, dict) and "error" in v]
    if errs:
        p(f"\nFAILED SECTIONS: {', '.join(errs)} (details in the JSON)")
    p(f"\nwall time {res['wall_s']:.0f} s, CPU {res['cpu_s']:.0f} s in this process; load average "
      f"{m['loadavg_at_start'][0]:.1f} -> {m['loadavg_at_end'][0]:.1f} on {m['cores']} cores; JSON: {res['json_path']}")


# -- main -------------------------------------------------------------------------------
SECTIONS = ("news", "curly", "profile", "startup", "lexicon", "linearity", "memory")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller corpora, fewer runs (under a minute)")
    ap.add_argument("--reps", type=int, help="alternating runs per measurement (default 5, quick 3)")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                    help=f"run only these sections: {', '.join(SECTIONS)}")
    ap.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the results (default {RESULTS})")
    ap.add_argument("--clock", choices=tuple(CLOCKS), default="cpu",
                    help="cpu: CPU time of the benchmark process (default, robust to other load); wall: elapsed time")
    ap.add_argument("--large", action="store_true",
                    help="always measure the 10 MB document (otherwise it shrinks when it would blow the budget)")
    ap.add_argument("--debug", action="store_true", help="stop with a traceback when a section fails")
    args = ap.parse_args(argv)
    if args.reps is not None and args.reps < 1:
        ap.error("--reps must be at least 1")
    s = Settings(args.quick, args.reps)
    set_clock(args.clock)
    s.force_large = args.large
    want = set(args.only or SECTIONS)
    t0 = time.perf_counter()
    res: dict = {"quick": s.quick, "clock": clock_name, "machine": machine(), "shared": str(SHARED)}
    cpu0 = time.process_time()

    def run(key: str, fn: Callable[[], dict]) -> None:
        print(f"bench: {key} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            res[key] = fn()
        except MissingCorpus as exc:
            res[key] = {"skipped": str(exc)}
        except Exception as exc:  # a rule in progress may crash: report it, go on
            if args.debug:
                raise
            res[key] = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
            print(f"bench: {key} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        if isinstance(res[key], dict):
            res[key]["section_s"] = round(time.perf_counter() - t, 2)

    rates = Rates(floor=100_000 if s.quick else 300_000)
    news: list[str] = []
    try:
        news = news_docs()
    except MissingCorpus as exc:
        print(f"bench: {exc}; the sections that need news are skipped", file=sys.stderr)
        for key in ("news", "profile_news", "hotspots", "lexicon", "linearity", "memory"):
            if key.split("_")[0] in want or key in want:
                res[key] = {"skipped": str(exc)}

    if "news" in want and news:
        run("news", lambda: section_throughput("news", stride_subset(news, s.news_bytes), s, rates))
    if "curly" in want:
        run("curly", lambda: section_throughput("curly", curly_docs(s.curly_bytes), s, rates))
    if "profile" in want:
        import profile_rules
        third = s.budget["profile"] / 3
        if news:
            run("profile_news", lambda: profile_rules.rule_profile(
                rates.fit(stride_subset(news, s.news_bytes), 1, third, with_ftfy=False)))
        run("profile_curly", lambda: profile_rules.rule_profile(
            rates.fit(curly_docs(s.curly_bytes), 1, third, with_ftfy=False)))
        if news:  # cProfile makes Python code about 2-3x slower
            run("hotspots", lambda: profile_rules.hotspots(
                rates.fit(stride_subset(news, s.profile_bytes) + curly_docs(s.profile_bytes // 4),
                          3, third, with_ftfy=False)))
    if "startup" in want:
        run("startup", lambda: section_startup(s))
    if "lexicon" in want and news:
        import lexicon_scaling
        run("lexicon", lambda: lexicon_scaling.scaling(
            stride_subset(news, s.lexicon_bytes) + curly_docs(s.lexicon_bytes // 6), s.reps,
            budget=s.budget["lexicon"], floor=rates.floor))
    if ("linearity" in want or "memory" in want) and news:
        def sizes() -> dict:
            lin, mem = section_sizes(news, s)
            res["memory"] = mem
            return lin
        run("linearity", sizes)

    res["wall_s"] = time.perf_counter() - t0
    res["cpu_s"] = time.process_time() - cpu0
    res["machine"]["loadavg_at_end"] = list(os.getloadavg())
    res["json_path"] = str(args.json)
    try:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"bench: cannot write {args.json}: {exc.strerror or exc}", file=sys.stderr)
        res["json_path"] = "(not written)"
    print_report(res)
    return 1 if any(isinstance(v, dict) and "error" in v for v in res.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

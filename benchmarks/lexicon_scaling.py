#!/usr/bin/env python
"""Does textmend slow down when the lexicon grows?  Built-in lexicon vs one about 10x larger.

    .venv/bin/python benchmarks/lexicon_scaling.py [--factor 10] [--mb 1.0]

The extra entries are made up, deterministically (fixed seed): people and places whose
names are random syllable strings, each with a few foreign-looking variants (accents,
transliterations, a French-style ending, a lossy ASCII form).  They are passed as
``Pipeline(lexicon=Lexicon(extra))``, which extends the built-in lexicon.  Because none of
the made-up names occur in real news, the output should not change: any document whose
output differs is reported (a sign that a fuzzy rule matches real words to made-up names).
"""
from __future__ import annotations

import gc
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import textmend
from textmend import Pipeline
from textmend.lexicon import Entry, Lexicon, drop_non_ascii, load_lexicon

# syllables for made-up names: pronounceable, unlikely to form English words
_ON = ["b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh", "dr", "kr", "tv", "zh", "br"]
_NU = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "ya", "io"]
_CODA = ["", "", "", "n", "r", "k", "v", "sk", "lt", "z"]
_ACCENT = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}
_TRANSLIT = [("k", "c"), ("v", "w"), ("ch", "tch"), ("sh", "sch"), ("zh", "j"), ("ou", "u"), ("ya", "ja"),
             ("i", "y"), ("ov", "off"), ("s", "ss")]
KIND_MIX = [("person", 50), ("city", 30), ("region", 10), ("organisation", 6), ("landmark", 4)]


def _word(rng: random.Random, lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    w = "".join(rng.choice(_ON) + rng.choice(_NU) + (rng.choice(_CODA) if i == n - 1 else "") for i in range(n))
    return w.capitalize()


def _accent(rng: random.Random, w: str) -> str:
    spots = [i for i, c in enumerate(w) if c in _ACCENT]
    if not spots:
        return w + "é"
    i = rng.choice(spots)
    return w[:i] + _ACCENT[w[i]] + w[i + 1:]


def _translit(rng: random.Random, w: str) -> str:
    for a, b in rng.sample(_TRANSLIT, len(_TRANSLIT)):
        if a in w.lower():
            low = w.lower().replace(a, b, 1)
            return low.capitalize()
    return w + "h"


def _real_word(w: str) -> bool:
    """An English word (by textmend's own word list, when it has one)."""
    try:
        from textmend.evidence import is_english_word
    except ImportError:
        return False
    return is_english_word(w)


def synthetic_entries(n: int, seed: int = 20240611, taken: set[str] | None = None,
                      words: set[str] | None = None) -> list[Entry]:
    """``n`` made-up entries with variants, the same for the same ``n`` and ``seed``.

    A variant that happens to be a real word or name (a lossy ``Maryá`` → ``Mary``) would
    make the big lexicon *change* real text, so variants shorter than 6 letters, English
    words, names already in ``taken`` and variants with a word of ``words`` (the words of
    the measured documents: a made-up ``Bruvik`` met a real one in the news) are dropped."""
    rng = random.Random(seed)
    kinds = [k for k, w in KIND_MIX for _ in range(w)]
    seen: set[str] = set(taken or ())
    out: list[Entry] = []
    while len(out) < n:
        kind = rng.choice(kinds)
        if kind == "person":
            given, sur = _word(rng, 2, 3), _word(rng, 2, 4)
            name = f"{given} {sur}"
            acc = _accent(rng, sur)
            pool = [acc, _translit(rng, sur), f"{given} {_translit(rng, sur)}", f"{_accent(rng, given)} {acc}",
                    drop_non_ascii(acc)]
            extra = {"gender": rng.choice("mf")}
        elif kind == "organisation":
            core = _word(rng, 2, 3)
            name = f"{core} {rng.choice(['Party', 'Union', 'Front', 'Alliance', 'Group'])}"
            pool = [f"Parti {core}", f"{_accent(rng, core)} Union", f"{core}partei"]
            extra = {}
        else:
            name = _word(rng, 2, 4) + (f" {_word(rng, 2, 3)}" if kind == "landmark" else "")
            acc = _accent(rng, name)
            pool = [acc, _translit(rng, name), name + "e", name + "o", drop_non_ascii(acc)]
            extra = {}
        if name in seen:
            continue
        seen.add(name)
        variants = tuple(dict.fromkeys(
            v for v in rng.sample(pool, rng.randint(2, min(4, len(pool))))
            if v != name and len(v) >= 6 and v not in seen
            and not any(_real_word(t) or t in (words or ()) for t in v.split())))
        out.append(Entry(name, kind, variants=variants, **extra))
    return out


def lexicons(factor: float = 10.0, minimum: int = 1000,
             words: set[str] | None = None) -> tuple[Lexicon | None, Lexicon, int]:
    """``(base_extra, big_extra, builtin_size)``: the extra entries the baseline and the
    big pipeline add to the built-in lexicon.

    The baseline is the built-in lexicon itself (``base_extra`` None) when it has at least
    ``minimum`` entries; a smaller one (or none: the data is not built yet) is padded with
    made-up entries up to ``minimum``, since an empty lexicon switches the name rules off
    and would make any lexicon look slow.  The big one has ``factor`` times the baseline's
    entries; both share the same made-up prefix (same seed).  No variant holds a word of
    ``words``."""
    builtin = load_lexicon()
    n = len(builtin)
    base_n = max(n, minimum)
    taken = {e.name for e in builtin.entries}
    synth = synthetic_entries(int(factor * base_n) - n, taken=taken, words=words)
    base_extra = Lexicon(synth[:base_n - n]) if base_n > n else None
    return base_extra, Lexicon(synth), n


def _fresh(rule):
    """A new instance of a rule (so no per-instance cache is shared), or the rule itself."""
    try:
        return type(rule)()
    except TypeError:
        return rule


def scaling(docs: Sequence[str], reps: int = 5, factor: float = 10.0, budget: float | None = None,
            floor: int = 100_000) -> dict:
    """Throughput with the baseline lexicon vs a ``factor`` times larger one, alternating
    runs; the slowdown is ``median(big) / median(baseline) - 1``, and ``slowdown_chunks``
    the same measured chunk by chunk (:func:`profile_rules.interleaved`).  With ``budget``
    (seconds), the documents are cut to a stride subset so that the runs fit (but not
    below ``floor`` bytes)."""
    import profile_rules
    from profile_rules import clone_pipeline

    docs = list(docs)
    # (no made-up variant may be a word of these documents: it would change them)
    words = {w.strip(".,;:!?\"'()’”“") for d in docs for w in d.split()}
    base_extra, big_extra, n_builtin = lexicons(factor, words=words)
    base = textmend.get_pipeline()
    small_p = clone_pipeline(base, [_fresh(r) for r in base.rules], lexicon=base_extra)
    big_p = clone_pipeline(base, [_fresh(r) for r in base.rules], lexicon=big_extra)
    t = profile_rules.timer()
    small_p.lexicon  # noqa: B018  built outside the timings
    small_build = profile_rules.timer() - t
    t = profile_rules.timer()
    big_p.lexicon  # noqa: B018
    big_build = profile_rules.timer() - t
    for p in (small_p, big_p):  # also builds the rules' own indexes over the lexicon
        t = profile_rules.timer()
        p.mend("warm up: a two -day visit .Then President Kavoreni met Ms Tolvan in Brastok.")
        if p is big_p:
            big_first = profile_rules.timer() - t
    nb = sum(len(d.encode("utf-8")) for d in docs)
    # one pass over the documents first, untimed: each pipeline learns its verdicts on their
    # words (a first pass costs several times a warm one, more so with the larger lexicon's
    # look-ups), so that the runs compare steady-state throughput, as the other sections do,
    # and the probe below does not take a cold pass for the cost of a warm one
    for p in (small_p, big_p):
        for d in docs:
            p.mend(d)
    if budget is not None:  # one probe pass each over a small stride sample
        k = max(1, round(nb / 100_000))
        sample = docs[::k]
        t = time.perf_counter()
        for p in (small_p, big_p):
            for d in sample:
                p.mend(d)
        per_byte = (time.perf_counter() - t) / max(1, sum(len(d.encode("utf-8")) for d in sample))
        passes = 2 * reps  # (alternating runs, then the chunks)
        if per_byte * nb * passes > budget:  # but never less than about ``floor`` bytes
            step = max(1, min(math.ceil(per_byte * nb * passes / budget), nb // floor))
            docs = docs[::step]
            nb = sum(len(d.encode("utf-8")) for d in docs)
    times: dict[str, list[float]] = {"builtin": [], "big": []}
    outs: dict[str, list[str]] = {}
    for _ in range(reps):
        for key, p in (("builtin", small_p), ("big", big_p)):
            gc.collect()
            t = profile_rules.timer()
            outs[key] = [p.mend(d) for d in docs]
            times[key].append(profile_rules.timer() - t)
    ms, mb = statistics.median(times["builtin"]), statistics.median(times["big"])
    differs = sum(a != b for a, b in zip(outs["builtin"], outs["big"]))
    # the two taking turns on every ~25 KB (the machine's slow and fast spells cancel out)
    chunked = profile_rules.interleaved({"builtin": small_p.mend, "big": big_p.mend}, docs, reps)
    return {"docs": len(docs), "bytes": nb, "reps": reps, "builtin_entries": n_builtin,
            "padded": base_extra is not None,
            "base_entries": len(small_p.lexicon), "base_variants": len(small_p.lexicon.variants),
            "big_entries": len(big_p.lexicon), "big_variants": len(big_p.lexicon.variants),
            "factor": len(big_p.lexicon) / max(len(small_p.lexicon), 1),
            "base_build_s": small_build, "big_build_s": big_build, "big_first_mend_s": big_first,
            "base_mb_per_s": nb / 1e6 / ms, "big_mb_per_s": nb / 1e6 / mb, "slowdown": mb / ms - 1,
            "slowdown_chunks": chunked["big"] / chunked["builtin"] - 1,
            "runs_base_s": times["builtin"], "runs_big_s": times["big"], "docs_output_differs": differs}


def main(argv: list[str] | None = None) -> int:
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    ap = argparse.ArgumentParser(description="throughput with the built-in lexicon vs a larger synthetic one")
    ap.add_argument("--factor", type=float, default=10.0)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dump", type=Path, help="also write the synthetic entries as TOML here and stop")
    args = ap.parse_args(argv)
    if args.factor <= 1 or args.reps < 1 or args.mb <= 0:
        ap.error("--factor must be > 1, --reps >= 1, --mb > 0")
    if args.dump:
        _, extra, _ = lexicons(args.factor)
        with args.dump.open("w", encoding="utf-8") as fh:
            for e in extra.entries:
                fh.write("[[entry]]\n")
                for k, v in e.to_dict().items():
                    fh.write(f"{k} = {_toml(v)}\n")
                fh.write("\n")
        print(f"{len(extra)} entries written to {args.dump}")
        return 0
    try:
        docs = bench.stride_subset(bench.news_docs(), args.mb * 1e6)
    except bench.MissingCorpus as exc:
        print(f"lexicon_scaling: {exc}", file=sys.stderr)
        return 2
    r = scaling(docs, args.reps, args.factor)
    print(f"{r['docs']} docs, {r['bytes'] / 1e6:.2f} MB, {r['reps']} reps")
    pad = " (built-in padded with made-up entries)" if r["padded"] else ""
    print(f"baseline: {r['base_entries']} entries{pad}, {r['base_mb_per_s']:.2f} MB/s")
    print(f"big:      {r['big_entries']} entries ({r['factor']:.1f}x, built in {r['big_build_s']:.2f} s, "
          f"first mend {r['big_first_mend_s']:.2f} s), {r['big_mb_per_s']:.2f} MB/s")
    print(f"slowdown {r['slowdown']:+.1%} (median of alternating runs), {r['slowdown_chunks']:+.1%} (chunk by "
          f"chunk) (goal < +10 %); documents whose output changed: {r['docs_output_differs']}")
    return 0


def _toml(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    sys.exit(main())

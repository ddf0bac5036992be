"""Gates 2 and 3: real clean news must stay as it is, and real MT output must never move
further from its human references.

Gate 2 mends a fixed sample (every k-th record, a few MB in all) of four clean English news
corpora, and the ALL-CAPS Reuters headlines, with the whole default pipeline, and counts
changed words as ``../shared/eval/score.py --corpus`` does (whitespace-split words, NFC,
curly quotes folded; Levenshtein distance on the word lists).  Every change is printed in
context (``pytest -s``, or in the captured output of a failure) for a person to audit.

The corpora are real text with real typos (``the market , followed``), so some changes
are corrections.  Two kinds are *verified* by a check independent of textmend's rules and
do not count against the limit (they are still printed):

* ``ftfy``: running ``ftfy.fix_text`` on the changed words gives the same result
  (an entity decoded, a full-width ``？`` narrowed);
* ``punct``: a space removed before a single ``, ; : ! ? .`` (never before one dot of
  ``. . .``): English typography never has that space;
* ``sentence``: a space put between a sentence's final ``. ! ?`` (and its quote) and the
  capitalised word that starts the next one (``visit.The``), in a token that is no URL,
  ticker or dotted identifier.

Everything else counts, and the gate fails above 0.5 changed words per 10,000.

Gate 3 mends MT output (et→en, two independent human references per segment) and fails if
any segment's word distance to the nearer reference grows.

``TEXTMEND_CORPUS_SAMPLE=full`` mends every record instead of the sample.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata

import ftfy
import pytest
from rapidfuzz.distance import Levenshtein

import textmend

from .conftest import shared_path

LIMIT_PER_10K = 0.5
FULL = os.environ.get("TEXTMEND_CORPUS_SAMPLE", "") == "full"

#: corpus -> (file, field, stride): every stride-th record is mended (1 = all)
SAMPLES = {
    "bbc-news": ("bbc-news.jsonl", "text", 4),
    "wmt-news-en": ("wmt-news-en.jsonl", "text", 1),
    "reuters": ("reuters21578-modapte.jsonl", "text", 10),
    "reuters-titles": ("reuters21578-modapte.jsonl", "title", 2),
    "wmt-human-refs": ("wmt-news-xx-en-human-refs.jsonl", "text", 2),
}

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def words(text: str) -> list[str]:
    """Words as score.py counts them."""
    return unicodedata.normalize("NFC", text).translate(_FOLD).split()


def distance(a: list[str], b: list[str]) -> int:
    return Levenshtein.distance(a, b)


def records(name: str):
    file, field, stride = SAMPLES[name]
    path = shared_path("corpora", file)
    stride = 1 if FULL else stride
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % stride:
                continue
            rec = json.loads(line)
            if rec.get(field):
                yield rec["id"], rec[field]


_PUNCT = re.compile(r"[,;:!?.][\"'”’)]*")
_SENTENCE_END = re.compile(r"[^.<>/@\\]*[a-z]{2}[.!?][\"')]?")
_SENTENCE_START = re.compile(r"[\"'(]?[A-Z][a-z]+(?:'[a-z]+)?\W*")


def verified(before: list[str], after: list[str]) -> str | None:
    """Why a changed run of words is a verified correction, or None."""
    b, a = " ".join(before), " ".join(after)
    if ftfy.fix_text(b, uncurl_quotes=False, fix_line_breaks=False) == a:
        return "ftfy"
    if len(before) == 2 and len(after) == 1 and after[0] == before[0] + before[1] \
            and _PUNCT.fullmatch(before[1]) and not before[0].endswith(".") \
            and (before[0][-1:].isalnum() or before[0][-1:] in ")]\"'%") \
            and not (before[1].startswith(".") and len(before[1]) > 1 and before[1][1] == "."):
        return "punct"
    if len(before) == 1 and len(after) == 2 and before[0] == after[0] + after[1] \
            and _SENTENCE_END.fullmatch(after[0]) and _SENTENCE_START.fullmatch(after[1]):
        return "sentence"
    return None


def audit(name: str):
    total = counted = verified_n = docs = 0
    lines = []
    for rid, text in records(name):
        docs += 1
        w = words(text)
        total += len(w)
        mended = textmend.mend(text)
        if mended == text:
            continue
        m = words(mended)
        if w == m:
            continue
        sm = difflib.SequenceMatcher(a=w, b=m, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            d = distance(w[i1:i2], m[j1:j2])
            why = verified(w[i1:i2], m[j1:j2])
            if why:
                verified_n += d
            else:
                counted += d
            ctx = " ".join(w[max(0, i1 - 6):i2 + 6])
            lines.append(f"  [{why or 'COUNTED'}] {rid}: {' '.join(w[i1:i2])!r} -> "
                         f"{' '.join(m[j1:j2])!r}   in: {ctx}")
    return docs, total, counted, verified_n, lines


@pytest.mark.parametrize("name", list(SAMPLES))
def test_clean_news_stays_clean(name):
    docs, total, counted, verified_n, lines = audit(name)
    assert total > 0
    rate = counted * 10_000 / total
    all_rate = (counted + verified_n) * 10_000 / total
    print(f"\n{name}: {docs} records, {total} words; changed words per 10k: counted {rate:.2f}, "
          f"all {all_rate:.2f} ({verified_n} verified corrections)")
    print("\n".join(lines))
    assert rate <= LIMIT_PER_10K, (
        f"{name}: {counted} changed words in {total} ({rate:.2f} per 10k, limit {LIMIT_PER_10K}); "
        f"the COUNTED changes above are false-positive candidates")


def test_mt_output_never_moves_away_from_its_references():
    path = shared_path("corpora", "mlqe-multiref-et-en.jsonl")
    improved = worse = changed = total = 0
    report = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            total += 1
            mt = rec["mt"]
            mended = textmend.mend(mt)
            if mended == mt:
                continue
            changed += 1
            refs = [words(r) for r in rec["refs"]]
            before = min(distance(words(mt), r) for r in refs)
            after = min(distance(words(mended), r) for r in refs)
            tag = "better" if after < before else "WORSE" if after > before else "same"
            improved += after < before
            worse += after > before
            report.append(f"  [{tag}] {rec['id']}: {mt!r}\n      -> {mended!r}")
    print(f"\nMT et-en: {total} segments, {changed} changed, {improved} closer to a reference, "
          f"{worse} further")
    print("\n".join(report))
    assert worse == 0, f"{worse} MT segments moved further from their references (see above)"

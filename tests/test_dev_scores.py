"""The project's targets on the shared dev cases, measured with the shared scorer.

Reads ``../shared/eval`` (skipped with a reason when absent): ERR ≥ 0.95 and no false edit
on the clean controls (issue 3), flag recall ≥ 0.8 (issue 4), and the seed's ERR ≥ 0.95.
"""
from __future__ import annotations

import importlib.util
import json

from .conftest import shared_path


def _scorer():
    path = shared_path("eval", "score.py")
    spec = importlib.util.spec_from_file_location("textmend_shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_cases_meet_the_targets():
    score = _scorer()
    result = score.score_cases([shared_path("eval", "dev", "cases.jsonl")], verbose=False)
    assert result["false_edits"] == 0
    assert result["ERR"] >= 0.95
    assert result["flag_recall"] is not None and result["flag_recall"] >= 0.8


def test_seed_meets_the_target(tmp_path):
    score = _scorer()
    seed = json.loads(shared_path("eval", "dev", "seed.fixes.json").read_text(encoding="utf-8"))
    case = tmp_path / "seed.jsonl"
    case.write_text(json.dumps({k: seed[k] for k in ("id", "kind", "damaged", "gold", "fixes", "flags")}) + "\n",
                    encoding="utf-8")
    result = score.score_cases([case], verbose=False)
    assert result["ERR"] >= 0.95

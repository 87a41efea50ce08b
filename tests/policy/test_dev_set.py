"""Regression on the labelled dev set through the command line, scored with the shared scorer:
leak rate 0, block recall ≥ 98 %, over-block ≤ 3 %, category recall ≥ 95 % (issue 3)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))
DEV = SHARED / "eval" / "screening-dev.jsonl"
SCORER = SHARED / "tools" / "score.py"


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    if not DEV.exists() or not SCORER.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{DEV} or {SCORER} is missing")
        pytest.skip("../shared is not checked out")
    proc = subprocess.run([sys.executable, "-m", "policy", "screen", "--jsonl"], stdin=DEV.open("rb"),
                          capture_output=True, cwd=REPO, check=True)
    spec = importlib.util.spec_from_file_location("score", SCORER)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    verdicts = {}
    for line in proc.stdout.decode().splitlines():
        obj = json.loads(line)
        verdicts[obj["id"]] = {"verdict": obj["verdict"], "categories": obj["categories"]}
    return score.score(score.load_labels(str(DEV)), verdicts)


def test_nothing_leaks(scores: dict) -> None:
    assert scores["leak_rate"] == 0


def test_block_recall(scores: dict) -> None:
    assert scores["block_recall"] >= 0.98


def test_over_block(scores: dict) -> None:
    assert scores["over_block_rate"] <= 0.03


def test_category_recall(scores: dict) -> None:
    assert scores["category_recall"] >= 0.95

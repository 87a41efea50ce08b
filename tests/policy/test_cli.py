"""``python -m policy screen --jsonl`` exactly as the contract specifies, and ``explain``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policy", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, check=False)


def test_screen_jsonl_one_line_out_per_line_in_with_bad_lines_blocked() -> None:
    lines = [
        json.dumps({"id": "a", "text": "会議の進め方を教えて"}, ensure_ascii=False),
        "",
        "not json",
        json.dumps([1, 2]),
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "個人番号 1234 5678 9018"}, ensure_ascii=False),
    ]
    proc = run("screen", "--jsonl", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, None, "b", "c"]
    assert [o["verdict"] for o in out] == ["allow", "block", "block", "block", "block"]
    assert all("error" in o for o in out[1:4])
    assert out[4]["categories"] == ["my_number"]
    assert out[4]["findings"][0]["masked"] == "**** **** 9018"


def test_explain_names_rule_and_section() -> None:
    proc = run("explain", "予定価格は 2,000万円 です")
    assert proc.returncode == 0
    assert "contract_info.ceiling_price" in proc.stdout and "2章5-1(1)" in proc.stdout


def test_check_loads_all_rules() -> None:
    proc = run("check")
    assert proc.returncode == 0 and "規則" in proc.stdout

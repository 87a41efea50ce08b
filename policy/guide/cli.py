"""``python -m policy guide --jsonl``: rank sections for questions, one JSON line each.

Reads ``{"id", "question"}`` lines on stdin, writes ``{"id", "sections": [...]}`` lines in the
same order, ``sections`` holding up to five leaf ids, best first. A line that cannot be read gets
``"sections": []`` and an ``"error"`` (and a count on stderr), so the output stays aligned with
the input; the exit status is 0 once every line is answered, 2 when the guideline cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from policy.guide import Guide, GuidelineError, guideline_path, load_guide

LIMIT = 5


def answer_line(guide: Guide, line: str) -> dict[str, object]:
    try:
        item = json.loads(line.lstrip("\ufeff"))  # a file saved with a BOM
    except json.JSONDecodeError as error:
        return {"id": None, "sections": [], "error": f"JSON として読めません: {error.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "sections": [], "error": "1 行に 1 つの JSON オブジェクトを書いてください"}
    question = item.get("question")
    if not isinstance(question, str):
        return {"id": item.get("id"), "sections": [], "error": "question (文字列) がありません"}
    return {"id": item.get("id"), "sections": [hit.section.id for hit in guide.search(question, LIMIT)]}


def run(guide: Guide, source: TextIO, sink: TextIO) -> int:
    """Every line is answered, so the output stays aligned; unreadable ones are counted on stderr."""
    failures = 0
    for line in source:
        if not line.strip():
            continue
        answer = answer_line(guide, line)
        failures += "error" in answer
        sink.write(json.dumps(answer, ensure_ascii=False) + "\n")
    if failures:
        print(f"{failures} 行を読めませんでした（出力の error を参照）。", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy guide", description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", action="store_true", required=True, help="JSON lines on stdin and stdout")
    parser.parse_args(argv)
    try:
        guide = load_guide(guideline_path())
    except GuidelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return run(guide, sys.stdin, sys.stdout)

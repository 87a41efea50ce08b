"""/guide latency: index build once, then per-question answer time (p50/p95/p99/max).

    .venv/bin/python bench/guide.py [--rounds 20] [--questions FILE ...]

An "answer" is what the handler does for ``/guide <question>``: rank the sections, build the
views with highlighted sentences, build the Adaptive Card and serialise it. Wall time is what a
user waits for; the thread's CPU time is the same work without other processes on the machine. Questions are
tests/guide/questions.jsonl (or the ``--questions`` files), each asked ``--rounds`` times in shuffled order.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cards.guide import answer_card  # noqa: E402
from policy.guide import DEFAULT_GUIDELINE, load_guide  # noqa: E402
from policy.guide.present import answer_view  # noqa: E402

QUESTIONS = REPO / "tests" / "guide" / "questions.jsonl"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--questions", type=Path, nargs="+", default=[QUESTIONS], help="JSON lines with a question field")
    args = parser.parse_args()

    started = time.perf_counter()
    guide = load_guide(DEFAULT_GUIDELINE)
    build_ms = (time.perf_counter() - started) * 1000
    questions = [
        json.loads(x)["question"] for path in args.questions for x in path.read_text(encoding="utf-8").splitlines() if x.strip()
    ]
    asked = questions * args.rounds
    random.Random(6).shuffle(asked)

    search_ms: list[float] = []
    answer_ms: list[float] = []
    answer_cpu_ms: list[float] = []
    for question in asked:
        t0 = time.perf_counter()
        guide.search(question)
        t1 = time.perf_counter()
        c1 = time.thread_time()
        json.dumps(answer_card(answer_view(guide, question)), ensure_ascii=False)
        c2 = time.thread_time()
        t2 = time.perf_counter()
        search_ms.append((t1 - t0) * 1000)
        answer_ms.append((t2 - t1) * 1000)
        answer_cpu_ms.append((c2 - c1) * 1000)

    load = os.getloadavg()[0]
    print(f"index build (parse + tokenise + BM25, once at start-up): {build_ms:.0f} ms")
    print(f"{len(asked)} questions ({len(questions)} distinct x {args.rounds}); "
          f"load average {load:.1f} on {os.cpu_count()} CPUs (wall times grow with load, CPU time does not)")
    rows = (
        ("search only, wall", search_ms),
        ("full answer, wall", answer_ms),
        ("full answer, CPU time of the thread", answer_cpu_ms),
    )
    for name, values in rows:
        print(
            f"{name:38s} p50 {statistics.median(values):6.2f} ms  p95 {percentile(values, 0.95):6.2f} ms"
            f"  p99 {percentile(values, 0.99):6.2f} ms  max {max(values):6.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

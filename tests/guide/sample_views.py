"""The views behind the /guide sample cards (``cards/data/guide-samples.json``), from the real rules.

``cards`` may not import ``policy``, so its samples read this file; a test keeps it in step with
the index. Regenerate after changing the guideline or the ranking:
``.venv/bin/python -m tests.guide.sample_views > cards/data/guide-samples.json``.
"""

from __future__ import annotations

import json
from typing import Any

from policy.guide import load_guide
from policy.guide.present import answer_view, contents_view, section_view


def sample_views() -> dict[str, Any]:
    guide = load_guide()
    return {
        "contents": contents_view(guide),
        "answer": answer_view(guide, "マイナンバーは入力していい?"),
        "answer_table": answer_view(guide, "機密性1の情報ならChatGPTに入力できる?"),
        "answer_english": answer_view(guide, "How do I apply for a ChatGPT account?"),
        "no_answer": answer_view(guide, "今日の天気"),
        "section": section_view(guide, "2章5-1(1)"),
        "section_parent": section_view(guide, "2章5"),
        "section_form": section_view(guide, "様式1"),
    }


def dump() -> str:
    return json.dumps(sample_views(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    print(dump(), end="")

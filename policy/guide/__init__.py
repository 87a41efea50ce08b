"""The guideline index behind ``/guide``: sections, ranking, and where the rules are read from.

The rules are data: ``data/matsudo-genai-rules-v3.md`` unless ``GUIDELINE_PATH`` names another
edition. The index is built once (``load_guide``) and then only read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policy.guide.index import GuideIndex, Hit
from policy.guide.parser import GuidelineError, parse
from policy.guide.screening import screened_kinds
from policy.guide.sections import Paragraph, Section, SectionTree, is_within
from policy.guide.synonyms import load_synonyms

DEFAULT_GUIDELINE = Path(__file__).with_name("data") / "matsudo-genai-rules-v3.md"

__all__ = [
    "DEFAULT_GUIDELINE",
    "Guide",
    "GuidelineError",
    "Hit",
    "Paragraph",
    "Section",
    "SectionTree",
    "guideline_path",
    "is_within",
    "load_guide",
]


@dataclass(frozen=True)
class Guide:
    tree: SectionTree
    index: GuideIndex

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        return self.index.search(question, limit)


def guideline_path(env: Mapping[str, str] = os.environ) -> Path:
    """``GUIDELINE_PATH`` when set, else the edition shipped with the project."""
    value = env.get("GUIDELINE_PATH", "").strip()
    return Path(value) if value else DEFAULT_GUIDELINE


@lru_cache(maxsize=4)
def load_guide(path: Path = DEFAULT_GUIDELINE) -> Guide:
    """Parse and index the guideline at ``path``; cached, so callers share one index."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GuidelineError(f"ガイドラインを読み込めません: {path}: {error.strerror or error}") from error
    tree = parse(text)
    return Guide(tree, GuideIndex(tree, load_synonyms(), screening=screened_kinds()))

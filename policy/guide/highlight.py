"""Which sentences of a section answer the question: the ones holding its rarest terms."""

from __future__ import annotations

import re
from collections.abc import Mapping

from policy.guide.terms import normalize, terms

# A sentence ends at 。 (and the closing bracket right after it, as in 「…。」 or （…。）).
_SENTENCE = re.compile(r".+?(?:。[」』）)]*|$)", re.DOTALL)
# Sentences scoring at least this share of the best one are marked too.
SHARE_OF_BEST = 0.6
MAX_MARKED = 3


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


def mark(paragraphs: list[list[str]], idf: Mapping[str, float], stopwords: frozenset[str]) -> set[tuple[int, int]]:
    """(paragraph, sentence) positions to highlight; ``idf`` holds the question's matched terms."""
    scored: list[tuple[float, tuple[int, int]]] = []
    for p, items in enumerate(paragraphs):
        for s, sentence in enumerate(items):
            found = set(terms(normalize(sentence), stopwords)) & idf.keys()
            score = sum(idf[t] for t in found)
            if score > 0:
                scored.append((score, (p, s)))
    if not scored:
        return set()
    best = max(score for score, _ in scored)
    chosen = sorted((item for item in scored if item[0] >= SHARE_OF_BEST * best), key=lambda x: -x[0])
    return {position for _, position in chosen[:MAX_MARKED]}

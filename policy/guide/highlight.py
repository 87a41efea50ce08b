"""Which sentences of a section answer the question: the ones holding its rarest terms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from policy.guide.sections import Section
from policy.guide.terms import normalize, terms

# A sentence ends at 。 (and the closing bracket right after it, as in 「…。」 or （…。）).
_SENTENCE = re.compile(r".+?(?:。[」』）)]*|$)", re.DOTALL)
# Sentences scoring at least this share of the best one are marked too.
SHARE_OF_BEST = 0.6
MAX_MARKED = 3


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    terms: frozenset[str]


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


def split(section: Section, stopwords: frozenset[str]) -> list[list[Sentence]]:
    """The sentences of each quoted paragraph with their terms; a table row counts as one."""
    out: list[list[Sentence]] = []
    for paragraph in section.quoted():
        pieces = [" ".join(r) for r in paragraph.rows] if paragraph.kind == "table" else sentences(paragraph.text)
        out.append([Sentence(p, frozenset(terms(normalize(p), stopwords))) for p in pieces])
    return out


def mark(paragraphs: list[list[Sentence]], idf: Mapping[str, float]) -> set[tuple[int, int]]:
    """(paragraph, sentence) positions to highlight; ``idf`` holds the question's matched terms."""
    scored: list[tuple[float, tuple[int, int]]] = []
    for p, items in enumerate(paragraphs):
        for s, sentence in enumerate(items):
            score = sum(idf[t] for t in sentence.terms & idf.keys())
            if score > 0:
                scored.append((score, (p, s)))
    if not scored:
        return set()
    best = max(score for score, _ in scored)
    chosen = sorted((item for item in scored if item[0] >= SHARE_OF_BEST * best), key=lambda x: -x[0])
    return {position for _, position in chosen[:MAX_MARKED]}

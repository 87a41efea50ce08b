"""Screening what a model produced (6-2(3)): personal information is masked and flagged.

While an answer streams, only a screened prefix is shown: the text so far is screened as a
whole, a tail of ``TAIL_CHARS`` is held back, the cut never falls inside a finding and moves
back to the end of the last sentence, so a value that needs the next words to be recognised
is not shown before it is masked.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import policy
from policy.masking import is_masked_out

TAIL_CHARS = 32
_SENTENCE_ENDS = "。！？!?\n"


class AnswerScreeningError(Exception):
    """Screening of the answer failed: the answer must not be shown (fail closed)."""


@dataclass(frozen=True)
class ScreenedAnswer:
    text: str  # masked
    flagged: bool  # personal information was masked
    categories: tuple[str, ...]  # of what was masked


def screen_answer(raw: str) -> ScreenedAnswer:
    screening = policy.screen(raw)
    if screening.error is not None:
        raise AnswerScreeningError(screening.error)
    masked = policy.mask(raw, screening.findings)
    hidden = tuple(dict.fromkeys(f.category for f in screening.findings if is_masked_out(f)))
    return ScreenedAnswer(masked, masked != raw, hidden if masked != raw else ())


def _sentence_end(raw: str, cut: int) -> int:
    """The end of the last sentence before ``cut``; 0 when there is none.

    A line break right after a digit may be a separator inside a number that continues on the
    next line (numbers allow spaces), so it does not end a sentence.
    """
    while cut > 0:
        boundary = max(raw.rfind(ch, 0, cut) for ch in _SENTENCE_ENDS)
        if boundary < 0:
            return 0
        if not (raw[boundary].isspace() and boundary > 0 and _number_like(raw[boundary - 1])):
            return boundary + 1
        cut = boundary
    return 0


def _number_like(ch: str) -> bool:
    return unicodedata.normalize("NFKC", ch).isdigit() or ch in "〇一二三四五六七八九-‐−ー.・ "


def visible_prefix(raw: str, tail: int = TAIL_CHARS) -> str:
    """The part of a partial answer that may be shown now, masked; "" when nothing is safe yet."""
    cut = len(raw) - tail
    if cut <= 0:
        return ""
    screening = policy.screen(raw)
    if screening.error is not None:
        return ""
    for finding in sorted(screening.findings, key=lambda f: f.start, reverse=True):
        if finding.start < cut < finding.end:
            cut = finding.start
    cut = _sentence_end(raw, cut)
    if cut == 0:
        return ""
    return policy.mask(raw[:cut], [f for f in screening.findings if f.end <= cut])

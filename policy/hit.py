"""What a recognizer or rule reports, on the normalised text, before spans are mapped back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: How a finding's text is masked: ``digits`` keeps the last four digits, ``email`` hides the
#: local part, ``all`` hides every character but spaces and punctuation, ``none`` shows a marker word.
MaskStyle = Literal["digits", "email", "all", "none"]


@dataclass(frozen=True, slots=True)
class Hit:
    category: str
    start: int
    end: int
    rule: str
    reason: str
    mask: MaskStyle = "all"

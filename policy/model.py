"""What screening returns: the types of ../shared/screening-contract.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Verdict(IntEnum):
    """Verdicts ordered by severity, so ``max()`` gives the verdict of a message."""

    ALLOW = 0
    NOTICE = 1
    CONFIRM = 2
    BLOCK = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Verdict:
        return cls[value.upper()]


@dataclass(frozen=True)
class Finding:
    category: str
    section: str
    start: int
    end: int
    masked: str
    reason: str
    rule: str

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "masked": self.masked,
            "reason": self.reason,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Screening:
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    categories: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        seen: dict[str, None] = {}
        for f in self.findings:
            seen.setdefault(f.category, None)
        object.__setattr__(self, "categories", tuple(seen))

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "verdict": self.verdict.label,
            "categories": list(self.categories),
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.error is not None:
            out["error"] = self.error
        return out

"""Shared assertions for the policy tests."""

from __future__ import annotations

from policy import Screening, screen


def screened(text: str) -> Screening:
    result = screen(text)
    assert result.error is None, result.error
    return result


def rules_fired(result: Screening) -> set[str]:
    return {f.rule for f in result.findings}

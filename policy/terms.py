"""Keyword sets compiled once into one alternation, matched case-insensitively on normalised text."""

from __future__ import annotations

from collections.abc import Iterable

import regex


def compile_terms(terms: Iterable[str]) -> regex.Pattern[str]:
    """One pattern for a list of literal terms, longest first so that 個人番号カード wins over 個人番号."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    if not ordered:
        return regex.compile(r"(?!)")
    return regex.compile("|".join(regex.escape(t) for t in ordered), regex.IGNORECASE)

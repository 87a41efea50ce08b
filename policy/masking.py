"""Masking findings (contract: numbers keep at most their last four digits) and the masked resend."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .categories import categories
from .hit import MaskStyle
from .model import Finding

_KEEP_DIGITS = 4


def _is_digit(ch: str) -> bool:
    return unicodedata.normalize("NFKC", ch).isdigit() or ch in "〇一二三四五六七八九"


def _hidden(ch: str) -> bool:
    """Characters that carry identity: letters, digits, kana, kanji (not spaces or punctuation)."""
    return unicodedata.category(ch)[0] in "LN"


def mask_value(value: str, style: MaskStyle) -> str:
    """``value`` with its identifying characters replaced by ``*``; same length as ``value``."""
    if style == "none":
        return value
    if style == "digits":
        digit_positions = [i for i, ch in enumerate(value) if _is_digit(ch)]
        keep = set(digit_positions[-_KEEP_DIGITS:]) if len(digit_positions) > _KEEP_DIGITS else set()
        return "".join("*" if _hidden(ch) and ch != "ー" and i not in keep else ch for i, ch in enumerate(value))
    if style == "email":
        at = max(value.rfind("@"), value.rfind("＠"))
        return "".join("*" if i < at and _hidden(ch) else ch for i, ch in enumerate(value))
    return "".join(ch if ch.isspace() else "*" for ch in value)


def is_masked_out(finding: Finding) -> bool:
    """Whether masking removes what this finding reports.

    Categories marked maskable in the contract always; sensitive_personal and staff_info only when the
    finding is itself the person (a name or a staff number), which shows as a masked value.
    """
    info = categories()[finding.category]
    if info.maskable:
        return True
    return info.maskable_with_person and "*" in finding.masked


def mask(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every maskable finding hidden in place (same length, other text unchanged).

    Unlike ``Finding.masked``, which keeps the last four digits for display, nothing of a masked
    finding is kept: a kept tail could join neighbouring digits into a new number.
    """
    chars = list(text)
    for f in findings:
        if not is_masked_out(f):
            continue
        start, end = _whole_token(text, f.start, min(f.end, len(text)))
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = "*"
    return "".join(chars)


def _alnum(ch: str) -> bool:
    return unicodedata.normalize("NFKC", ch).isascii() and ch.isalnum()


_NUMBER_SEPARATORS = frozenset(" -.()\n\u3000ー－−‐")


def _invisible(ch: str) -> bool:
    """Zero-width and other format characters, which screening reads through (123\u200b4 is 1234)."""
    return unicodedata.category(ch) == "Cf"


def _whole_token(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the whole token or number it sits in: letters and digits glued to it, and,
    for a number, the digit groups joined to it by separators. Otherwise the rest could form a new
    identifier once the middle is masked (``1234 5678 9018 1234`` → ``**** 1234``). A digit glued to a
    name is such a number too (``…-0ー0山本``): masked alone, it would leave the rest of its number."""
    if start >= end:
        return start, end
    number = any(_is_digit(c) for c in text[start:end])
    while start > 0 and (
        _alnum(text[start - 1])
        # A kanji numeral glued to a number is one of its digits (screening reads 〇00 as 000).
        or (number and _is_digit(text[start - 1]))
        or (start > 1 and _invisible(text[start - 1]) and _alnum(text[start - 2]))
        or (number and start > 1 and text[start - 1] in _NUMBER_SEPARATORS and _is_digit(text[start - 2]))
    ):
        start -= 1
        number = number or _is_digit(text[start])
    while end < len(text) and (
        _alnum(text[end])
        or (number and _is_digit(text[end]))
        or (end + 1 < len(text) and _invisible(text[end]) and _alnum(text[end + 1]))
        or (number and end + 1 < len(text) and text[end] in _NUMBER_SEPARATORS and _is_digit(text[end + 1]))
    ):
        end += 1
        number = number or _is_digit(text[end - 1])
    return start, end

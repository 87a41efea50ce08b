"""Screening of what staff type into generative AI (guideline 第2章 4–6, ../shared/screening-contract.md).

Pure: text in, verdict and findings out. ``screen`` never raises (fails closed to ``block``).
Call ``load_all()`` at start-up: it loads and validates every rule file and raises
``RuleDataError`` naming the file and line of a mistake, so a broken file stops the bot early.
"""

from __future__ import annotations

from .categories import CategoryInfo, categories
from .datafile import RuleDataError
from .engine import screen
from .loading import load_all
from .masking import mask
from .model import Finding, Screening, Verdict
from .resend import masked_resend

__all__ = [
    "CategoryInfo",
    "Finding",
    "RuleDataError",
    "Screening",
    "Verdict",
    "categories",
    "load_all",
    "mask",
    "masked_resend",
    "screen",
]

"""Screening of what staff type into generative AI (guideline 第2章 4–6, ../shared/screening-contract.md).

Pure: text in, verdict and findings out. ``screen`` never raises (fails closed to ``block``).
"""

from __future__ import annotations

from .categories import CategoryInfo, categories
from .engine import screen
from .masking import mask
from .model import Finding, Screening, Verdict
from .resend import masked_resend

__all__ = ["CategoryInfo", "Finding", "Screening", "Verdict", "categories", "mask", "masked_resend", "screen"]

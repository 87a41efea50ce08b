"""The masked resend offered with a block (contract: "the reply offers to send that masked text")."""

from __future__ import annotations

from .categories import categories
from .engine import screen
from .masking import is_masked_out, mask
from .model import Screening, Verdict


def masked_resend(text: str, screening: Screening) -> str | None:
    """The masked text to offer instead, or None when masking cannot make the message sendable.

    Every finding must be maskable (cautions aside); a sensitive_personal or staff_info fact only
    together with a finding that identifies the person; and the masked text must screen without
    block or confirm.
    """
    if screening.error is not None or screening.verdict < Verdict.CONFIRM:
        return None
    table = categories()
    person = any(is_masked_out(f) and table[f.category].maskable for f in screening.findings) or any(
        is_masked_out(f) for f in screening.findings if table[f.category].maskable_with_person
    )
    for f in screening.findings:
        info = table[f.category]
        if info.verdict <= Verdict.NOTICE:
            continue
        if info.maskable or is_masked_out(f):
            continue
        if info.maskable_with_person and person:
            continue
        return None
    masked = mask(text, screening.findings)
    if screen(masked).verdict >= Verdict.CONFIRM:
        return None
    return masked

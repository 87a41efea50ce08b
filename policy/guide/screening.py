"""What the city's screening rules say each section of the guideline covers (``policy/data``).

A prohibition of 2章5-1 names its data in general words (個人に関する情報, 執行情報, 非公開情報);
staff name the data in front of them (所得, ケース記録, 要介護, 予定価格). The screening rules that
DX推進課 keeps for the same sections list exactly those kinds of data: each rule's ``terms`` and
each category's display name, filed under the section the rule or category cites. The index reads
them as a lower-weighted field of that section (index.SCREENING_WEIGHT). A rule's ``reason`` is
left out: it is a sentence for the user (「…が含まれています」), whose common words only blur the
field (measured: development sets lower with it).
"""

from __future__ import annotations

from policy.categories import categories
from policy.rules import rules


def screened_kinds() -> dict[str, tuple[str, ...]]:
    """Words and phrases naming the kinds of data each cited section covers, by section id."""
    out: dict[str, list[str]] = {}
    for info in categories().values():
        out.setdefault(info.section, []).append(info.display_name)
    for rule in rules():
        out.setdefault(rule.section, []).extend(rule.terms)
    return {section: tuple(words) for section, words in out.items()}

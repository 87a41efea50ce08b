"""One-line cards: the answer to a card action that has nothing else to show."""

from __future__ import annotations

from typing import Any

from cards.common import adaptive_card, text


def info_card(message: str) -> dict[str, Any]:
    return adaptive_card([text(message)])


def error_card(message: str) -> dict[str, Any]:
    return adaptive_card([text("操作できませんでした", weight="Bolder", color="Attention"), text(message)])


SAMPLES = {
    "action_done": lambda: info_card("受け付けました。"),
    "action_refused": lambda: error_card("この申請を承認できるのは申請者の所属長（または代理に指定された方）だけです。"),
}

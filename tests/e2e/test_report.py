"""``/report`` (様式3): the form filled and submitted in the Playground, as a person would."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Bot, bot_activities, card_text, cards

BACKGROUND = "チャットボットの回答をもとに、市民へ誤った申請期限を案内しました。"


@pytest.fixture(scope="module")
def report(bot: Bot) -> dict[str, Any]:
    return bot.drive(
        "--say", "/report",
        "--input", "category=risk", "--input", "service=chatbot",
        "--input", "occurred_date=2026-11-26", "--input", "occurred_time=10:12",
        "--input", f"background={BACKGROUND}",
        "--click", "報告する",
        # The 所属長 and the others are told in their personal chats, which the Playground does
        # not have (it has the current user's only).
        other_users_unreachable=True,
    )


def test_form_comes_filled_with_what_the_directory_knows(report: dict[str, Any]) -> None:
    [form] = cards(bot_activities(report, 0))
    values = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "value" in node:
                values[node["id"]] = node["value"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(form)
    assert values["department"] == "市民課" and values["manager"] == "佐藤 花子" and values["reporter"] == "山田 太郎"


def test_submitted_report_gets_a_receipt_number(report: dict[str, Any]) -> None:
    click = report["steps"][1]
    assert click["actionType"] == "Action.Execute" and click["value"]["action"]["verb"] == "report.submit"
    receipt = click["http"]["body"]
    assert receipt["type"] == "application/vnd.microsoft.card.adaptive"
    text = card_text(receipt["value"])
    assert "報告を受け付けました" in text
    assert re.search(r"受付番号 R\d{4}-\d{4}", text)


def test_manager_and_security_chain_are_notified(report: dict[str, Any]) -> None:
    notices = [card_text(card) for card in cards(bot_activities(report, 1))]
    roles = ["所属長", "最高情報セキュリティ責任者（副市長）", "情報セキュリティ統括管理者（総務部長）", "DX推進課"]
    for role in roles:
        assert any(f"{role}として通知しています" in text and BACKGROUND in text for text in notices), role

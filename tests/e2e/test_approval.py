"""A message the rules let through only after the 所属長 agrees (verdict ``confirm``, rules 4).

The Playground has a single personal chat, the current user's (山田, the requester), so the
approval card the bot sends to 佐藤 (山田's 所属長 in data/org.csv) cannot be delivered: Teams'
createConversation answers UserNotFound, as real Teams does for someone who has not installed
the app. The bot then cancels the request and tells 山田 whom to ask, and nothing reaches a
model. This file checks that through the real client; that the card reaches a 所属長 who can be
reached, and that 承認 sends the original text and delivers the answer, is checked over HTTP
with the loopback Bot Connector (tests/approvals/test_confirm.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Bot, actions, bot_activities, card_text, cards

CONFIRM = "窓口メモを文章にしてください：「4/3 来庁 久保田様 転入の相談（住所未定）→ 後日再来予定」"
SATO = {"id": "user-sato", "name": "佐藤 花子", "aadObjectId": "44444444-4444-4444-4444-444444444444"}


@pytest.fixture(scope="module")
def flow(bot: Bot) -> dict[str, Any]:
    before = bot.models.request_count()
    requested = bot.drive("--say", CONFIRM, other_users_unreachable=True)
    approver_cards = [
        card for card in cards(bot_activities(requested, 0))
        if any(a.get("verb") == "approval.approve" for a in actions(card))
    ]
    assert approver_cards, "the bot did not try to send an approval card to the 所属長"
    approve = next(a for a in actions(approver_cards[0]) if a.get("verb") == "approval.approve")
    invoke = {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "from": SATO,
        "value": {"action": {"type": "Action.Execute", "title": approve["title"], "verb": approve["verb"],
                             "data": approve.get("data", {})}, "trigger": "manual"},
    }
    # 佐藤 presses 承認 on the card anyway (from the group chat they share): too late, it was cancelled.
    decided = bot.drive(
        "--activity", json.dumps(invoke, ensure_ascii=False), "--wait", "2000", chat="group", as_user="user-sato"
    )
    return {"requested": requested, "decided": decided, "approver_card": approver_cards[0],
            "new_requests": bot.models.requests()[before:]}


def test_requester_is_told_the_manager_could_not_be_reached(flow: dict[str, Any]) -> None:
    requester = [a for a in bot_activities(flow["requested"], 0) if a["conversation"]["id"] == "personal-chat-1"]
    text = " ".join([a.get("text") or "" for a in requester] + [card_text(c) for c in cards(requester)])
    assert "所属長（佐藤 花子 さん）に Teams で連絡できなかったため、申請を取り消しました" in text
    assert "047-366-7399" in text and "メッセージは送信していません" in text


def test_manager_card_names_the_request_and_reason(flow: dict[str, Any]) -> None:
    text = card_text(flow["approver_card"])
    assert "山田 太郎" in text and "確認が必要な理由" in text


def test_nothing_reaches_a_model_even_when_the_cancelled_request_is_approved(flow: dict[str, Any]) -> None:
    [to_bot] = flow["decided"]["steps"][0]["toBot"]
    assert to_bot["status"] == 200
    assert "承認しました" not in card_text(to_bot["body"]["value"])
    assert flow["new_requests"] == []

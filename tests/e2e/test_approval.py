"""A message the rules let through only after the 所属長 agrees (verdict ``confirm``, rules 4).

The Playground has a single personal chat, the current user's (山田, the requester), so the
approval card the bot sends to 佐藤 (山田's 所属長 in data/org.csv) cannot be shown there: the
bot's message to her personal chat fails with UserNotFound. 佐藤's decision is therefore sent
from the group chat the two share, as exactly the invoke Teams sends when she presses the
button on that card (Action.Execute ``adaptiveCard/action`` with the card's verb and data).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Bot, actions, bot_activities, card_text, cards
from tests.support.model_servers import Reply

CONFIRM = "窓口メモを文章にしてください：「4/3 来庁 久保田様 転入の相談（住所未定）→ 後日再来予定」"
ANSWER = "4月3日に来庁された方から転入のご相談がありました。住所が決まり次第、再度お越しいただく予定です。"
SATO = {"id": "user-sato", "name": "佐藤 花子", "aadObjectId": "44444444-4444-4444-4444-444444444444"}


@pytest.fixture(scope="module")
def flow(bot: Bot) -> dict[str, Any]:
    before = bot.models.request_count()
    requested = bot.drive("--say", CONFIRM, other_users_unreachable=True)
    held_requests = bot.models.request_count() - before
    approver_cards = [
        card for card in cards(bot_activities(requested, 0))
        if any(a.get("verb") == "approval.approve" for a in actions(card))
    ]
    assert approver_cards, "the bot sent no approval card to the 所属長"
    approve = next(a for a in actions(approver_cards[0]) if a.get("verb") == "approval.approve")
    bot.models.anthropic.queue(Reply(ANSWER))
    invoke = {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "from": SATO,
        "value": {"action": {"type": "Action.Execute", "title": approve["title"], "verb": approve["verb"],
                             "data": approve.get("data", {})}, "trigger": "manual"},
    }
    # The answer is generated after the invoke has been answered; --wait keeps the Playground
    # open for the messages the bot then sends to 山田.
    decided = bot.drive(
        "--activity", json.dumps(invoke, ensure_ascii=False), "--wait", "5000", chat="group", as_user="user-sato"
    )
    return {"requested": requested, "decided": decided, "held_requests": held_requests,
            "approver_card": approver_cards[0], "new_requests": bot.models.requests()[before:]}


def test_requester_waits_and_nothing_is_sent_before_the_decision(flow: dict[str, Any]) -> None:
    requester = [a for a in bot_activities(flow["requested"], 0) if a["conversation"]["id"] == "personal-chat-1"]
    text = " ".join([a.get("text") or "" for a in requester] + [card_text(c) for c in cards(requester)])
    assert "所属長（佐藤 花子 さん）に確認を依頼しました" in text
    assert "所属長の判断をお待ちください" in text
    assert flow["held_requests"] == 0


def test_manager_sees_the_request_and_reason(flow: dict[str, Any]) -> None:
    text = card_text(flow["approver_card"])
    assert "山田 太郎" in text and "確認が必要な理由" in text


def test_manager_approval_sends_the_prompt_and_the_answer_reaches_the_requester(flow: dict[str, Any]) -> None:
    step = flow["decided"]["steps"][0]  # the invoke; the --wait step collects what follows
    [to_bot] = step["toBot"]
    assert to_bot["activity"]["from"]["aadObjectId"] == SATO["aadObjectId"]
    assert to_bot["status"] == 200 and "承認" in card_text(to_bot["body"]["value"])
    assert [r.last_user_text for r in flow["new_requests"]] == [CONFIRM]  # what was approved, unchanged
    to_requester = [a for a in bot_activities(flow["decided"]) if a["conversation"]["id"] == "personal-chat-1"]
    final = [a for a in to_requester if a["type"] == "message" and ANSWER in (a.get("text") or "")]
    assert final and "本コンテンツは生成AI（" in final[-1]["text"]

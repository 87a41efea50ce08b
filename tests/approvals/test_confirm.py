"""所属長確認 (4, verdict confirm) over HTTP: the held message goes to the 所属長, not to the
model; 承認 sends exactly the original and the answer reaches the requester; 却下 and expiry
send nothing; the original is gone from storage once decided and never appears in a log."""

from __future__ import annotations

import logging

import pytest

from tests.approvals.conftest import actions, body_text, card_for, conversations_of, invoke_card, text_for
from tests.support.model_servers import Reply
from tests.support.teams import SATO, YAMADA, User
from workflows import approvals

HELD = "職員の山田さんの評価について文章を作って"


async def hold(bot, connector) -> str:
    status, _ = await bot.client.say(YAMADA, HELD)
    assert status < 300
    await text_for(connector, YAMADA, "所属長（佐藤 花子 さん）に確認を依頼しました")
    card = await card_for(connector, SATO, "approval.approve")
    assert HELD in body_text(card) and "個人情報の可能性" in body_text(card)
    assert "山田 太郎（市民課）" in body_text(card)
    data = actions(card)["approval.approve"]
    assert set(data) == {"id"}  # ids only, never the text
    return data["id"]


async def test_confirm_then_approve_delivers_the_answer(start_bot, connector, models, anthropic_server,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the level the bot runs at (SDK debug logs carry bodies)
    bot = await start_bot(**models)
    request_id = await hold(bot, connector)
    assert not anthropic_server.requests

    anthropic_server.queue(Reply("評価に関する文書の構成案です。1. 目的 2. 観点 3. 所見"))
    _, body = await bot.client.click(SATO, "approval.approve", {"id": request_id})
    card = invoke_card(body)
    assert "承認済み（佐藤 花子、" in body_text(card) and HELD not in body_text(card)
    await text_for(connector, YAMADA, "所属長が送信を承認しました")
    await connector.wait_for(lambda r: "評価に関する文書の構成案です" in r.text
                             and r.conversation_id == f"a:personal-{YAMADA.channel_id}")
    assert [r.last_user_text for r in anthropic_server.requests] == [HELD]

    doc = await bot.services.store.get("approvals", request_id)
    assert doc["state"] == "approved" and not doc["text"] and doc["delivered_at"]
    audit = await bot.services.store.records("audit")
    assert all(HELD not in str(a) for a in audit)
    assert HELD not in caplog.text

    # A second click does not send the message again.
    await bot.client.click(SATO, "approval.approve", {"id": request_id})
    assert len(anthropic_server.requests) == 1


async def test_confirm_rejected_sends_nothing(start_bot, connector, models, anthropic_server) -> None:
    bot = await start_bot(**models)
    request_id = await hold(bot, connector)
    _, body = await bot.client.click(SATO, "approval.reject", {"id": request_id, "comment": "氏名を除いてください"})
    assert "却下" in body_text(invoke_card(body))
    told = await text_for(connector, YAMADA, "送信を却下したため")
    assert "氏名を除いてください" in told
    assert not anthropic_server.requests
    assert not (await bot.services.store.get("approvals", request_id))["text"]


async def test_confirm_survives_a_restart(start_bot, connector, models, anthropic_server) -> None:
    first = await start_bot(**models)
    request_id = await hold(first, connector)
    await first.runner.cleanup()
    second = await start_bot(**models)
    anthropic_server.queue(Reply("再起動後の回答です。"))
    await second.client.click(SATO, "approval.approve", {"id": request_id})
    await connector.wait_for(lambda r: "再起動後の回答です" in r.text)
    assert [r.last_user_text for r in anthropic_server.requests] == [HELD]


async def test_confirm_expires_without_sending(start_bot, connector, models, anthropic_server) -> None:
    bot = await start_bot(**models, APPROVAL_EXPIRY_HOURS="0.0002", APPROVAL_SWEEP_SECONDS="0.2")
    request_id = await hold(bot, connector)
    await text_for(connector, YAMADA, "期限切れになりました")
    doc = await bot.services.store.get("approvals", request_id)
    assert doc["state"] == "expired" and not doc["text"]
    await bot.client.click(SATO, "approval.approve", {"id": request_id})
    assert not anthropic_server.requests


async def test_a_managers_own_message_goes_to_their_superior(start_bot, connector, models, anthropic_server) -> None:
    bot = await start_bot(**models)
    await bot.client.say(SATO, HELD)
    await text_for(connector, SATO, "所属長（ユーザー8 さん）に確認を依頼しました")
    head = User("user-8", "44444444-4444-4444-4444-444444444448", "ユーザー8")
    card = await card_for(connector, head, "approval.approve")
    assert "佐藤 花子（市民課）" in body_text(card)
    # 佐藤 cannot approve her own message.
    _, body = await bot.client.click(SATO, "approval.approve", actions(card)["approval.approve"])
    assert "操作できませんでした" in body_text(invoke_card(body))
    assert not anthropic_server.requests


async def test_held_in_a_group_chat_is_answered_in_the_personal_chat(start_bot, connector, models,
                                                                   anthropic_server) -> None:
    bot = await start_bot(**models)
    await bot.client.say(YAMADA, HELD, kind="groupChat", mention=True)
    card = await card_for(connector, SATO, "approval.approve")
    anthropic_server.queue(Reply("個別チャットでの回答です。"))
    await bot.client.click(SATO, "approval.approve", actions(card)["approval.approve"])
    answer = await connector.wait_for(lambda r: "個別チャットでの回答です" in r.text)
    assert answer.conversation_id in conversations_of(connector, YAMADA)


async def test_a_decision_whose_delivery_never_started_is_delivered_after_restart(
    start_bot, connector, models, anthropic_server,
) -> None:
    first = await start_bot(**models)
    request_id = await hold(first, connector)
    # The instance stops right after the approval was written, before it could send anything.
    sato = await first.services.org.person(SATO.aad_object_id)
    await approvals.decide(first.services.store, request_id, actor=sato, actor_id=SATO.aad_object_id,
                           approve=True, comment="")
    await first.runner.cleanup()
    assert not anthropic_server.requests

    anthropic_server.queue(Reply("再開後に届いた回答です。"))
    await start_bot(**models, APPROVAL_SWEEP_SECONDS="0.2")
    await connector.wait_for(lambda r: "再開後に届いた回答です" in r.text)
    assert [r.last_user_text for r in anthropic_server.requests] == [HELD]

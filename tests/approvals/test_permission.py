"""利用許可 (4) over HTTP: a newcomer asks, the 所属長 decides in a 1:1 chat the bot opens,
and the newcomer is told; strangers, double clicks and restarts change nothing they should not."""

from __future__ import annotations

import asyncio

from tests.approvals.conftest import (
    DX_ADMIN,
    OUTSIDER,
    SOUMU_HEAD,
    TANAKA,
    actions,
    body_text,
    card_for,
    invoke_card,
    text_for,
    texts_to,
)
from tests.support.model_servers import Reply
from tests.support.teams import SATO, YAMADA

WORK = {"work": "窓口で配る案内文の下書き作成", "purpose": "3"}


async def request_permission(bot, connector) -> str:
    """田中 writes, gets the request card, fills it in; returns the request id."""
    status, _ = await bot.client.say(TANAKA, "市民課の窓口時間を案内する文章を作ってください。")
    assert status < 300
    form = await card_for(connector, TANAKA, "permission.request")
    assert "所属長の許可が必要です" in body_text(form)
    status, body = await bot.client.click(TANAKA, "permission.request", actions(form)["permission.request"],
                                          inputs=WORK)
    assert status == 200
    card = invoke_card(body)
    assert "状態: 待機中" in body_text(card)
    assert not actions(card).get("approval.approve")  # the requester cannot approve
    approval = await card_for(connector, SATO, "approval.approve")
    assert "田中 次郎（市民課）" in body_text(approval) and WORK["work"] in body_text(approval)
    return actions(approval)["approval.approve"]["id"]


async def test_request_approve_then_chat(start_bot, connector, models, anthropic_server) -> None:
    bot = await start_bot(**models)
    request_id = await request_permission(bot, connector)
    # The bot opened a new 1:1 chat with the 所属長, who had never written to it.
    assert [c["members"][0]["id"] for c in connector.conversations] == [SATO.aad_object_id]
    assert not anthropic_server.requests  # nothing was forwarded before permission

    status, body = await bot.client.click(SATO, "approval.approve", {"id": request_id})
    card = invoke_card(body)
    assert status == 200 and "承認済み（佐藤 花子、" in body_text(card)
    assert not actions(card).get("approval.approve")
    await text_for(connector, TANAKA, "利用が所属長に承認されました")

    anthropic_server.queue(Reply("窓口は平日8時30分から17時までです。"))
    await bot.client.say(TANAKA, "市民課の窓口時間を案内する文章を作ってください。")
    await connector.wait_for(lambda r: "窓口は平日8時30分から17時までです" in r.text)
    assert len(anthropic_server.requests) == 1
    permission = await bot.services.store.get("permissions", f"{TANAKA.aad_object_id}:chatbot")
    assert permission["state"] == "granted" and permission["by"] == SATO.aad_object_id
    assert permission["work"] == WORK["work"]


async def test_reject_needs_a_reason_and_the_requester_sees_it(start_bot, connector) -> None:
    bot = await start_bot()
    request_id = await request_permission(bot, connector)
    _, body = await bot.client.click(SATO, "approval.reject", {"id": request_id})
    assert "理由" in body_text(invoke_card(body))
    assert (await bot.services.store.get("approvals", request_id))["state"] == "pending"

    _, body = await bot.client.click(SATO, "approval.reject", {"id": request_id, "comment": "業務内容を具体的に"})
    assert "却下（佐藤 花子、" in body_text(invoke_card(body))
    assert "理由: 業務内容を具体的に" in await text_for(connector, TANAKA, "却下されました")
    # Still not permitted: writing again brings the request card back.
    await bot.client.say(TANAKA, "もう一度お願いします")
    assert len([t for t in texts_to(connector, TANAKA) if "承認されました" in t]) == 0


async def test_a_strangers_click_is_refused_and_changes_nothing(start_bot, connector) -> None:
    bot = await start_bot()
    request_id = await request_permission(bot, connector)
    for stranger in (SOUMU_HEAD, TANAKA, OUTSIDER, YAMADA):
        _, body = await bot.client.click(stranger, "approval.approve", {"id": request_id})
        card = invoke_card(body)
        assert "操作できませんでした" in body_text(card) and "佐藤 花子 さん（所属長）" in body_text(card)
    doc = await bot.services.store.get("approvals", request_id)
    assert doc["state"] == "pending"
    assert await bot.services.store.get("permissions", f"{TANAKA.aad_object_id}:chatbot") is None


async def test_a_delegate_set_by_dx_can_decide(start_bot, connector) -> None:
    bot = await start_bot()
    await bot.client.say(SOUMU_HEAD, "/delegate sato u7")  # not DX推進課: refused
    assert "DX推進課だけ" in await text_for(connector, SOUMU_HEAD, "代理")
    await bot.client.say(DX_ADMIN, "/delegate sato u7")
    await text_for(connector, DX_ADMIN, "判断できるようにしました")
    request_id = await request_permission(bot, connector)
    _, body = await bot.client.click(SOUMU_HEAD, "approval.approve", {"id": request_id})
    assert "承認済み（ユーザー7、" in body_text(invoke_card(body))


async def test_double_and_concurrent_clicks_decide_once(start_bot, connector) -> None:
    bot = await start_bot()
    request_id = await request_permission(bot, connector)
    clicks = [bot.client.click(SATO, "approval.approve", {"id": request_id}) for _ in range(6)]
    clicks.append(bot.client.click(SATO, "approval.reject", {"id": request_id, "comment": "やはり却下"}))
    results = await asyncio.gather(*clicks)
    states = {("承認済み" in body_text(invoke_card(b)), "却下（" in body_text(invoke_card(b))) for _, b in results}
    assert len(states) == 1  # every click sees the one decision
    audit = await bot.services.store.records("audit", where={"request_id": request_id})
    decided = [a for a in audit if a["event"] in ("approval.permission.approved", "approval.permission.rejected")]
    assert len(decided) == 1
    await asyncio.sleep(0.3)
    told = [t for t in texts_to(connector, TANAKA) if "承認されました" in t or "却下されました" in t]
    assert len(told) == 1
    # A later click shows the decided state and changes nothing.
    _, body = await bot.client.click(SATO, "approval.approve", {"id": request_id})
    assert not actions(invoke_card(body)).get("approval.approve")


async def test_refresh_shows_each_viewer_their_view(start_bot, connector) -> None:
    bot = await start_bot()
    request_id = await request_permission(bot, connector)
    approver = invoke_card((await bot.client.click(SATO, "approval.refresh", {"id": request_id}))[1])
    requester = invoke_card((await bot.client.click(TANAKA, "approval.refresh", {"id": request_id}))[1])
    stranger = invoke_card((await bot.client.click(SOUMU_HEAD, "approval.refresh", {"id": request_id}))[1])
    assert "approval.approve" in actions(approver) and "approval.approve" not in actions(requester)
    assert "所属長の判断をお待ちください" in body_text(requester)
    assert "操作できませんでした" in body_text(stranger)
    assert approver["refresh"]["action"]["verb"] == "approval.refresh"
    assert TANAKA.channel_id in approver["refresh"]["userIds"]


async def test_restart_between_request_and_decision(start_bot, connector) -> None:
    first = await start_bot()
    request_id = await request_permission(first, connector)
    await first.runner.cleanup()

    second = await start_bot()  # same STORAGE_URL: nothing is lost
    status, body = await second.client.click(SATO, "approval.approve", {"id": request_id})
    assert status == 200 and "承認済み" in body_text(invoke_card(body))
    await text_for(connector, TANAKA, "利用が所属長に承認されました")
    await second.client.say(TANAKA, "/request chatbot")
    await text_for(connector, TANAKA, "既に許可されています")


async def test_pending_requests_expire_and_the_requester_is_told(start_bot, connector) -> None:
    bot = await start_bot(APPROVAL_EXPIRY_HOURS="0.0002", APPROVAL_SWEEP_SECONDS="0.2")  # 0.72 s
    request_id = await request_permission(bot, connector)
    await text_for(connector, TANAKA, "期限切れになりました")
    assert (await bot.services.store.get("approvals", request_id))["state"] == "expired"
    _, body = await bot.client.click(SATO, "approval.approve", {"id": request_id})
    assert "期限切れ" in body_text(invoke_card(body))


async def test_someone_missing_from_the_table_is_sent_to_dx(start_bot, connector) -> None:
    bot = await start_bot()
    await bot.client.say(OUTSIDER, "こんにちは")
    assert "047-366-7399" in await text_for(connector, OUTSIDER, "DX推進課")


async def test_admin_revokes_and_permits(start_bot, connector) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/revoke tanaka chatbot")  # neither DX推進課 nor 田中's 所属長
    await text_for(connector, YAMADA, "DX推進課または対象者の所属長だけ")
    await bot.client.say(DX_ADMIN, "/revoke yamada chatbot")
    await text_for(connector, DX_ADMIN, "利用を取り消しました")
    await bot.client.say(YAMADA, "質問です")
    form = await card_for(connector, YAMADA, "permission.request")
    assert "取り消されています" in body_text(form)
    await bot.client.say(SATO, "/permit yamada chatbot")  # his 所属長 may grant it again
    await text_for(connector, YAMADA, "佐藤 花子 さんにより")
    assert (await bot.services.store.get("permissions", f"{YAMADA.aad_object_id}:chatbot"))["state"] == "granted"


async def test_form_errors_come_back_with_what_was_typed(start_bot, connector) -> None:
    bot = await start_bot()
    await bot.client.say(TANAKA, "/request chatgpt")
    form = await card_for(connector, TANAKA, "permission.request")
    _, body = await bot.client.click(TANAKA, "permission.request", actions(form)["permission.request"],
                                     inputs={"work": "資料作成", "purpose": "9"})
    card = invoke_card(body)
    assert "利用目的は選択肢から選んでください" in body_text(card)
    assert "資料作成" in body_text(card)
    assert await bot.services.store.find("approvals") == []

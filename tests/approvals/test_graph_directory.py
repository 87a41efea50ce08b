"""With Graph configured (loopback HTTPS), the approver is the manager Entra ID names."""

from __future__ import annotations

from tests.approvals.conftest import DX_ADMIN, SOUMU_HEAD, TANAKA, actions, body_text, card_for, invoke_card, text_for
from tests.org.graph_server import GraphServer
from tests.support.model_servers import Reply
from tests.support.teams import SATO, YAMADA, User
from workflows import applications, permissions

DIVISION_HEAD = User("user-8", "44444444-4444-4444-4444-444444444448", "ユーザー8")


async def test_entra_manager_receives_the_request(start_bot, connector, graph: GraphServer) -> None:
    # Entra ID: 田中 now reports to the 部長 directly and belongs to 市民総務課.
    graph.add(TANAKA.aad_object_id, "田中 次郎", "市民総務課", manager=DIVISION_HEAD.aad_object_id)
    graph.add(DIVISION_HEAD.aad_object_id, "ユーザー8", "市民部")
    bot = await start_bot(**graph.settings())
    await bot.client.say(TANAKA, "/request chatbot")
    form = await card_for(connector, TANAKA, "permission.request")
    assert "ユーザー8" in body_text(form) and "市民総務課" in body_text(form)
    await bot.client.click(TANAKA, "permission.request", actions(form)["permission.request"],
                           inputs={"work": "案内文の下書き", "purpose": "3"})
    approval = await card_for(connector, DIVISION_HEAD, "approval.approve")
    request_id = actions(approval)["approval.approve"]["id"]

    for stranger in (SATO, SOUMU_HEAD):  # the table's 所属長 is no longer the approver
        _, body = await bot.client.click(stranger, "approval.approve", {"id": request_id})
        assert "操作できませんでした" in body_text(invoke_card(body))
    _, body = await bot.client.click(DIVISION_HEAD, "approval.approve", {"id": request_id})
    assert "承認済み（ユーザー8、" in body_text(invoke_card(body))
    await text_for(connector, TANAKA, "利用が所属長に承認されました")
    assert graph.tokens_issued == 1


async def test_a_transfer_needs_a_new_application(start_bot, connector, graph: GraphServer, models,
                                                  openai_server) -> None:
    """人事異動 (7-1(2)): ChatGPT approved for 市民課 does not follow the person to another 所属."""
    graph.add(YAMADA.aad_object_id, "山田 太郎", "市民課", manager=SATO.aad_object_id)
    graph.add(SATO.aad_object_id, "佐藤 花子", "市民課")
    bot = await start_bot(**graph.settings(), **models, GRAPH_CACHE_SECONDS="0")
    store = bot.services.store
    today = applications.today()
    await applications.record_briefing(store, "市民課", today, by=DX_ADMIN.aad_object_id)
    await applications.record_training(store, YAMADA.aad_object_id, today, by=DX_ADMIN.aad_object_id)
    await store.put(applications.ACCOUNTS, YAMADA.aad_object_id,
                    {"application_id": "a1", "department": "市民課", "account": "shimin@example.com"})
    await permissions.grant(store, YAMADA.aad_object_id, "chatgpt", by=SATO.aad_object_id, by_name="佐藤 花子",
                            via="test")
    await bot.client.say(YAMADA, "/service chatgpt")
    openai_server.queue(Reply("異動前の回答です。"))
    await bot.client.say(YAMADA, "表の作り方を教えてください")
    await connector.wait_for(lambda r: "異動前の回答です" in r.text)

    graph.users[YAMADA.aad_object_id].department = "国保年金課"  # Entra ID after the transfer
    await bot.client.say(YAMADA, "表の作り方を教えてください")
    missing = await text_for(connector, YAMADA, "ChatGPT を使うには")
    assert "様式1" in missing and "説明会" in missing and "研修の受講" not in missing
    assert len(openai_server.requests) == 1

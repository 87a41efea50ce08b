"""With Graph configured (loopback HTTPS), the approver is the manager Entra ID names."""

from __future__ import annotations

from tests.approvals.conftest import SOUMU_HEAD, TANAKA, actions, body_text, card_for, invoke_card, text_for
from tests.org.graph_server import GraphServer
from tests.support.teams import SATO, User

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

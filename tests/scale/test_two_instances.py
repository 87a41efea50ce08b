"""Horizontal scale: two bot processes on two ports share one PostgreSQL and serve the same
people. Whatever a request needs from an earlier one (an approval and its held message, the
conversation reference, the history, the rate-limit count) is found by either instance."""

from __future__ import annotations

import pytest

from bot.messages import RATE_LIMITED
from tests.approvals.conftest import TANAKA, actions, body_text, card_for, invoke_card, text_for
from tests.scale.conftest import RATE_LIMIT, Cluster
from tests.support.teams import SATO, YAMADA, User

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module")]

HELD = "職員の山田さんの評価について文章を作って"  # verdict confirm: the 所属長 decides (2章4)
U5 = User("user-5", "44444444-4444-4444-4444-444444444445", "ユーザー5")  # may use chatbot, not in the other tests


def personal(user: User) -> str:
    return f"a:personal-{user.channel_id}"


async def test_approval_on_b_delivers_a_message_held_on_a(cluster: Cluster) -> None:
    connector, model = cluster.connector, cluster.model
    status, _ = await cluster.a.client.say(YAMADA, HELD)
    assert status < 300
    await text_for(connector, YAMADA, "所属長（佐藤 花子 さん）に確認を依頼しました")
    card = await card_for(connector, SATO, "approval.approve")  # sent by A to a chat A opened
    assert not [r for r in model.requests if r.last_user_text == HELD]

    _, body = await cluster.b.client.click(SATO, "approval.approve", actions(card)["approval.approve"])
    assert "承認済み（佐藤 花子、" in body_text(invoke_card(body))
    await text_for(connector, YAMADA, "所属長が送信を承認しました")
    answer = await connector.wait_for(
        lambda r: r.conversation_id == personal(YAMADA) and "にお答えします" in r.text, timeout=20)
    assert "生成AI" in answer.text  # the 6-5 notice: the whole chat path ran on B
    assert [r.last_user_text for r in model.requests].count(HELD) == 1


async def test_history_continues_on_the_other_instance(cluster: Cluster) -> None:
    connector, model = cluster.connector, cluster.model
    first = "市役所の開庁時間を案内する文を作ってください。"
    await cluster.a.client.say(U5, first)
    await connector.wait_for(lambda r: r.conversation_id == personal(U5) and "にお答えします" in r.text, timeout=20)
    await cluster.b.client.say(U5, "もう少し短くしてください。")
    await connector.wait_for(
        lambda r: r.conversation_id == personal(U5) and "もう少し短く" in r.text and "にお答えします" in r.text,
        timeout=20)
    sent = model.requests[-1].messages
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert sent[0]["content"] == first and first in sent[1]["content"]


async def test_rate_limit_is_counted_across_instances(cluster: Cluster) -> None:
    connector = cluster.connector
    instances = [cluster.a, cluster.b]
    for i in range(RATE_LIMIT + 1):
        status, _ = await instances[i % 2].client.say(TANAKA, "/help")
        assert status < 300
    refused = [r for r in connector.in_conversation(personal(TANAKA)) if r.text == RATE_LIMITED]
    helped = [r for r in connector.in_conversation(personal(TANAKA)) if r.cards or (r.text and r.text != RATE_LIMITED)]
    # Each instance saw at most three of the five: only a shared count reaches the limit.
    assert len(refused) == 1 and len(helped) >= RATE_LIMIT
    assert connector.in_conversation(personal(TANAKA))[-1].text == RATE_LIMITED

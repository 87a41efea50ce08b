"""PostgreSQL restarts (as after a crash) while the bot runs (issue 10, faults).

The user whose message arrives while the database is down gets a clear Japanese reply asking
to try again; once it is back the bot answers without a restart of its own; the exchange,
the pending 所属長確認 and its audit record written before the crash survive, and the held
message is sent to the model exactly once when it is approved.
"""

from __future__ import annotations

from bot import messages
from tests.approvals.conftest import card_for, text_for
from tests.faults.cluster import PrivateCluster
from tests.support.model_servers import Reply
from tests.support.teams import SATO, YAMADA

HELD = "職員の山田さんの評価について文章を作って"
CLEAN = "市民向けのお知らせ文を丁寧に書き直してください。"


def _personal(user) -> str:
    return f"a:personal-{user.channel_id}"


async def test_the_bot_survives_a_database_restart(start_bot, connector, models, anthropic_server,
                                                   cluster: PrivateCluster) -> None:
    bot = await start_bot(**models, STORAGE_URL=cluster.url)
    store = bot.services.store

    # Before the crash: one answered exchange and one message held for the 所属長.
    anthropic_server.queue(Reply("書き直したお知らせ文です。"))
    await bot.client.say(YAMADA, CLEAN)
    await connector.wait_for(lambda r: "書き直したお知らせ文です" in r.text, 30)
    await bot.client.say(YAMADA, HELD)
    card = await card_for(connector, SATO, "approval.approve")
    request_id = next(a["data"]["id"] for a in card["actions"] if a.get("verb") == "approval.approve")
    exchanges_before = await store.records("exchanges")
    assert sorted(e["status"] for e in exchanges_before) == ["answered", "held"]

    # The database goes down hard. A message now gets a reply that says to try again later.
    cluster.stop("immediate")
    seen = len(connector.received)
    status, _ = await bot.client.say(YAMADA, "/help")
    assert status < 500
    reply = await connector.wait_for(lambda r: r in connector.received[seen:] and r.text, 60)
    assert reply.text == messages.INTERNAL_ERROR, [r.text for r in connector.received[seen:]]
    assert not anthropic_server.requests[1:]  # nothing reached a model while the database was down

    # It comes back after crash recovery; the same bot process answers again.
    cluster.start()
    anthropic_server.queue(Reply("復旧後の回答です。"))
    # Each pooled connection the crash broke fails one more turn before the pool drops it
    # (psycopg_pool does not test connections on checkout): at most pool_max (10) turns.
    for _ in range(11):
        seen = len(connector.received)
        await bot.client.say(YAMADA, CLEAN)
        item = await connector.wait_for(lambda r, seen=seen: r in connector.received[seen:] and
                                        ("復旧後の回答です" in r.text or r.text == messages.INTERNAL_ERROR), 60)
        if "復旧後の回答です" in item.text:
            break
    else:
        raise AssertionError(f"the bot did not recover: {[r.text for r in connector.received[-12:]]}")

    # Everything acknowledged before the crash is still there.
    after = await store.records("exchanges")
    assert {e["id"] for e in exchanges_before} <= {e["id"] for e in after}
    pending = await store.get("approvals", request_id)
    assert pending["state"] == "pending" and pending["text"] == HELD

    # The held message is decided and answered once.
    anthropic_server.queue(Reply("承認後の回答です。"))
    await bot.client.click(SATO, "approval.approve", {"id": request_id})
    await text_for(connector, YAMADA, "承認後の回答です", 60)
    await bot.client.click(SATO, "approval.approve", {"id": request_id})  # a replayed click
    assert [r.last_user_text for r in anthropic_server.requests].count(HELD) == 1
    assert sum("承認後の回答です" in r.text for r in connector.received
               if r.operation != "update" and r.conversation_id == _personal(YAMADA)) <= 1

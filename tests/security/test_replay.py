"""A decision is taken once, however many times and however fast it arrives (issue 10).

tests/approvals clicks twice and twice at once over HTTP; there the state check usually
answers the second click before the write. Here twenty decisions race inside one process, all
reading "pending" before any writes, so only the conditional update can keep it to one: one
winner, one audit record, one decider.
"""

from __future__ import annotations

import asyncio

from tests.approvals.conftest import card_for
from tests.support.teams import SATO, YAMADA
from workflows import approvals

HELD = "職員の山田さんの評価について文章を作って"


async def test_racing_decisions_change_the_request_once(chat_bot, connector) -> None:
    await chat_bot.client.say(YAMADA, HELD)
    await card_for(connector, SATO, "approval.approve")
    (doc,) = await chat_bot.services.store.find("approvals")
    store = chat_bot.services.store
    sato = await chat_bot.services.org.person(SATO.aad_object_id)

    results = await asyncio.gather(*(
        approvals.decide(store, doc["id"], actor=sato, actor_id=SATO.aad_object_id, approve=i % 2 == 0,
                         comment="" if i % 2 == 0 else "理由")
        for i in range(20)))
    winners = [r for r in results if r.changed]
    assert len(winners) == 1
    final = await store.get("approvals", doc["id"])
    assert final["state"] == winners[0].doc["state"]
    decided = ("approval.confirm.approved", "approval.confirm.rejected")
    audit = [a for a in await store.records("audit") if a.get("request_id") == doc["id"] and a["event"] in decided]
    assert len(audit) == 1

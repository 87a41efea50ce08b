"""What reaches a provider is exactly the screened text, and nothing of what was stopped
(issue 10, protected data): a blocked message and a message held for the 所属長 are kept out
of the conversation history that later prompts carry; a screening that fails blocks. /healthz says
only that the bot lives.
"""

from __future__ import annotations

import json

import aiohttp
import pytest

import policy
from tests.approvals.conftest import card_for, text_for
from tests.support.model_servers import AnthropicServer, Reply
from tests.support.teams import SATO, YAMADA

FIRST = "市民課の窓口時間を案内する文章を作ってください。"
FIRST_ANSWER = "窓口時間のご案内文です。"
BLOCKED = "住民のマイナンバーは 1234 5678 9018 です。手続きの案内文を作ってください。"
HELD = "職員の山田さんの評価について文章を作って"
LAST = "先ほどの案内文をもう少し短くしてください。"


async def test_later_prompts_carry_no_blocked_or_held_text(chat_bot, connector,
                                                           anthropic_server: AnthropicServer) -> None:
    anthropic_server.queue(Reply(FIRST_ANSWER), Reply("短くした案内文です。"))
    await chat_bot.client.say(YAMADA, FIRST)
    await text_for(connector, YAMADA, FIRST_ANSWER, 60)
    await chat_bot.client.say(YAMADA, BLOCKED)
    await connector.wait_for(lambda r: bool(r.cards), 30)
    await chat_bot.client.say(YAMADA, HELD)
    await card_for(connector, SATO, "approval.approve")
    await chat_bot.client.say(YAMADA, LAST)
    await text_for(connector, YAMADA, "短くした案内文です", 60)

    first, last = anthropic_server.requests
    assert first.last_user_text == FIRST
    assert last.last_user_text == LAST  # exactly the screened text
    # History carries the answered exchange, never what screening stopped.
    assert FIRST in last.text and FIRST_ANSWER in last.text
    for stopped in ("1234 5678 9018", "1234", "マイナンバー", HELD, "山田さんの評価"):
        assert stopped not in last.text


async def test_a_screening_failure_blocks_and_nothing_leaves(chat_bot, connector, monkeypatch: pytest.MonkeyPatch,
                                                             anthropic_server: AnthropicServer) -> None:
    def broken(text: str):
        raise RuntimeError("rule data unreadable")

    monkeypatch.setattr(policy, "screen", broken)
    await chat_bot.client.say(YAMADA, FIRST)
    reply = await connector.wait_for(lambda r: bool(r.cards), 30)
    assert "確認エラー" in json.dumps(reply.cards, ensure_ascii=False)
    assert anthropic_server.requests == []
    (record,) = await chat_bot.services.store.records("exchanges")
    assert record["status"] == "blocked"


async def test_healthz_reveals_only_liveness(chat_bot) -> None:
    await chat_bot.client.say(YAMADA, FIRST)
    async with aiohttp.ClientSession() as session, session.get(f"{chat_bot.url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}

"""The model's stream breaks or stalls mid-answer in the chat path (issue 10, faults).

The provider-level behaviour (retries, error kinds) is tested in tests/chat/test_llm.py; here
the person in Teams is the subject: the half answer does not stand as an answer, they get the
retry card, the retry sends the same prompt once and the full answer arrives once.
"""

from __future__ import annotations

import json

import pytest

from cards import chat as cards
from tests.support.model_servers import AnthropicServer, Cut, Drop, Reply, Stall
from tests.support.teams import YAMADA

CLEAN = "市民課の窓口時間を案内する文章を作ってください。"
FULL = "窓口時間は平日8時30分から17時15分までです。"


def _messages(connector):
    return [r for r in connector.received if r.activity.get("type") == "message"]


@pytest.mark.parametrize("failure", [Drop(text="途中で切れる回答です。", after_chunks=1),
                                     Stall(text="途中で止まる回答です。", after_chunks=1, seconds=5),
                                     Cut(text="途中で終わる回答です。", after_chunks=1)],
                         ids=["dropped", "stalled", "ended-early"])
async def test_a_broken_stream_gives_the_retry_card_and_the_retry_answers_once(
        start_bot, models, connector, anthropic_server: AnthropicServer, failure) -> None:
    bot = await start_bot(**{**models, "LLM_TIMEOUT_S": "1.5", "LLM_MAX_RETRIES": "1"})
    # Enough failures for every retry the provider may make; the leftover ones are dropped below.
    anthropic_server.queue(failure, failure)
    await bot.client.say(YAMADA, CLEAN)
    final = await connector.wait_for(lambda r: any(b.get("verb") == cards.RETRY for c in r.cards
                                                   for b in c.get("actions") or []), 60)
    shown = json.dumps(final.activity, ensure_ascii=False)
    assert "回答を取得できませんでした" in shown and failure.text not in shown
    (record,) = await bot.services.store.records("exchanges")
    assert record["status"] == "failed"
    sent_before_retry = len(anthropic_server.requests)

    retry = next(b for c in final.cards for b in c["actions"] if b.get("verb") == cards.RETRY)
    anthropic_server._script.clear()  # a dropped stream is not retried, so one failure may be left
    anthropic_server.queue(Reply(FULL))
    await bot.client.click(YAMADA, cards.RETRY, retry["data"])
    await connector.wait_for(lambda r: r.activity.get("type") == "message" and FULL in r.text
                             and "生成AI" in r.text, 60)
    await bot.client.click(YAMADA, cards.RETRY, retry["data"])  # a second click sends nothing
    assert [r.last_user_text for r in anthropic_server.requests[sent_before_retry:]] == [CLEAN]
    # Streamed pieces go out as updates of one message: the answer is sent once.
    assert len([r for r in _messages(connector) if FULL in r.text and r.operation != "update"]) == 1

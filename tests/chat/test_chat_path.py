"""The chat path over HTTP, as Teams drives it: activities to /api/messages, replies to the
loopback connector, both services answered by loopback model servers through the real SDKs."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from cards import chat as cards
from tests.storage.conftest import postgres_url, store_url  # noqa: F401  (both backends, schema per test)
from tests.support.connector import Connector, Received
from tests.support.model_servers import Fail, Hang, Reply
from tests.support.teams import SATO, TENANT_ID, YAMADA, BotClient, User, message
from workflows import applications, chat, permissions

CLEAN = "市民課の窓口時間を案内する文章を作ってください。"
MY_NUMBER_PROMPT = "住民のマイナンバーは 1234 5678 9018 です。手続きの案内文を作ってください。"
AI_LABEL = {
    "type": "https://schema.org/Message", "@type": "Message", "@context": "https://schema.org",
    "additionalType": ["AIGeneratedContent"],
}
CHATBOT_NOTICE = (
    "本コンテンツは生成AI（Anthropic互換サーバー（127.0.0.1） Claude Haiku 4.5（claude-haiku-4-5））によって生成されております。"
    "本コンテンツの情報を利用の際は、必ず利用者様ご自身で、内容をご確認ください。"
)


def messages_of(connector: Connector) -> list[Received]:
    return [r for r in connector.received if r.activity.get("type") == "message"]


def stream_info(item: Received) -> dict[str, Any] | None:
    return next((e for e in item.activity.get("entities") or [] if e.get("type") == "streaminfo"), None)


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return card.get("actions") or []


async def records(bot, kind: str = "exchanges") -> list[dict[str, Any]]:
    return await bot.services.store.records(kind, newest_first=False)


async def allow_chatgpt(bot, user: User) -> None:
    """What 7-1 requires before ChatGPT opens: briefing, approved account, training, permission."""
    store = bot.services.store
    person = await bot.services.org.person(user.aad_object_id)
    await applications.record_briefing(store, person.department, date(2026, 4, 1), by="test")
    await store.put(applications.ACCOUNTS, person.aad_object_id, {"department": person.department})
    await applications.record_training(store, person.aad_object_id, date(2026, 4, 2), by="test")
    await permissions.grant(store, person.aad_object_id, "chatgpt", by="test", by_name="test", via="test")


@pytest.fixture
async def bot(start_bot, models):
    return await start_bot(**models)


async def test_a_clean_prompt_streams_and_ends_with_the_notice_and_ai_label(bot, connector, anthropic_server, openai_server):
    answer = "窓口は平日8時30分から17時までです。土日祝日と年末年始は休みです。混雑する月曜の午前を避けると待ち時間が短くなります。"
    anthropic_server.queue(Reply(answer, chunk_size=6, chunk_delay=0.03))
    status, _ = await bot.client.say(YAMADA, CLEAN)
    assert status < 300

    first, *rest = connector.received
    # Progress before the model is even asked: Teams' informative update opens the stream.
    assert first.activity["type"] == "typing"
    assert first.activity["entities"] == [{"type": "streaminfo", "streamType": "informative", "streamSequence": 1}]
    assert first.at < anthropic_server.requests[0].at
    updates, final = rest[:-1], rest[-1]
    assert updates, "the answer streams"
    assert all(u.activity["type"] == "typing" for u in updates)
    infos = [stream_info(u) for u in updates]
    assert [i["streamType"] for i in infos] == ["streaming"] * len(updates)
    assert [i["streamSequence"] for i in infos] == list(range(2, len(updates) + 2))
    assert {i["streamId"] for i in infos} == {first.activity_id}
    assert all(answer.startswith(u.text) for u in updates)

    assert final.activity["type"] == "message"
    assert stream_info(final) == {"type": "streaminfo", "streamId": first.activity_id, "streamType": "final"}
    assert AI_LABEL in final.activity["entities"]
    assert final.text.startswith(answer)
    assert CHATBOT_NOTICE in final.text
    assert "（6-1）" in final.text and "（6-3）" in final.text

    (request,) = anthropic_server.requests
    assert request.last_user_text == CLEAN and request.model == "claude-haiku-4-5"
    assert openai_server.requests == []
    (record,) = await records(bot)
    assert record["status"] == "answered" and record["verdict"] == "allow"
    assert (record["user_id"], record["user_name"], record["department"], record["division"]) == (
        YAMADA.aad_object_id, YAMADA.name, "市民課", "市民部")
    assert (record["service"], record["model"], record["scope"]) == ("chatbot", "claude-haiku-4-5", "personal")
    assert record["input_masked"] == CLEAN and record["answer_masked"] == answer and not record["answer_flagged"]
    assert record["latency_ms"]["first_token"] <= record["latency_ms"]["total"]


async def test_a_my_number_never_reaches_a_provider_and_gets_the_block_card(bot, connector, anthropic_server, openai_server):
    await bot.client.say(YAMADA, MY_NUMBER_PROMPT)
    assert anthropic_server.requests == [] and openai_server.requests == []
    (reply,) = messages_of(connector)
    (card,) = reply.cards
    shown = json.dumps(card, ensure_ascii=False)
    assert "1234 5678" not in shown and "**** **** " in shown
    assert "個人番号（マイナンバー）" in shown and "2章5-1(1)" in shown
    resend = next(b for b in buttons(card) if b["verb"] == cards.RESEND)
    assert set(resend["data"]) == {"prompt"}  # an id, never the text
    guide = next(b for b in buttons(card) if b["verb"] == "guide.open")
    assert guide["data"] == {"section": "2章5-1(1)"}
    status, body = await bot.client.click(YAMADA, "guide.open", guide["data"])  # the section of the rules opens
    assert status == 200 and "機密性3" in json.dumps(body, ensure_ascii=False)

    (record,) = await records(bot)
    assert record["status"] == "blocked" and record["categories"] == ["my_number"]
    assert "1234 5678" not in json.dumps(record, ensure_ascii=False)


async def test_progress_shows_first_and_the_reply_closes_it_whatever_the_outcome(bot, connector):
    """The informative update goes out before any storage or permission read (issue 9), so every
    outcome, not only an answer, must end that stream; and it shows nothing of the screening."""
    outsider = User("user-outsider", "99999999-9999-9999-9999-999999999999", "外部 太郎")  # not in the table
    replies = []
    for user, text in ((YAMADA, MY_NUMBER_PROMPT), (outsider, CLEAN)):
        connector.received.clear()
        await bot.client.say(user, text)
        first, reply = connector.received
        assert first.activity["type"] == "typing" and first.text == cards.INFORMATIVE
        assert stream_info(first) == {"type": "streaminfo", "streamType": "informative", "streamSequence": 1}
        assert reply.activity["type"] == "message"
        assert stream_info(reply) == {"type": "streaminfo", "streamId": first.activity_id, "streamType": "final"}
        replies.append(reply)
    blocked, refused = replies
    assert "個人番号（マイナンバー）" in json.dumps(blocked.cards, ensure_ascii=False)
    assert "DX推進課" in refused.text

    # Outside personal chats (no Teams streaming) the progress is a typing indicator, then the reply.
    connector.received.clear()
    await bot.client.say(YAMADA, MY_NUMBER_PROMPT, kind="groupChat", mention=True)
    first, reply = connector.received
    assert first.activity["type"] == "typing" and stream_info(first) is None and not first.text
    assert reply.activity["type"] == "message" and stream_info(reply) is None and reply.cards


async def test_the_masked_resend_sends_only_the_masked_text_once(bot, connector, anthropic_server):
    await bot.client.say(YAMADA, MY_NUMBER_PROMPT)
    (card,) = messages_of(connector)[0].cards
    data = next(b for b in buttons(card) if b["verb"] == cards.RESEND)["data"]

    status, body = await bot.client.click(SATO, cards.RESEND, data)  # someone else's button
    assert status == 200 and "操作できませんでした" in json.dumps(body, ensure_ascii=False)

    status, body = await bot.client.click(YAMADA, cards.RESEND, data)
    assert status == 200 and cards.RESENT in json.dumps(body, ensure_ascii=False)
    final = await connector.wait_for(lambda r: r.activity.get("type") == "message" and CHATBOT_NOTICE in r.text, timeout=60)
    (request,) = anthropic_server.requests
    # Exactly the masked text the card showed was sent.
    shown = next(item["text"] for block in card["body"] if block.get("style") == "emphasis" for item in block["items"])
    assert request.last_user_text == shown and shown.startswith("住民のマイナンバーは **** **** ")
    assert "1234 5678" not in request.text
    assert AI_LABEL in final.activity["entities"]

    status, body = await bot.client.click(YAMADA, cards.RESEND, data)  # a second click sends nothing
    assert cards.PROMPT_GONE in json.dumps(body, ensure_ascii=False)
    assert len(anthropic_server.requests) == 1


async def test_service_switches_provider_and_the_choice_is_kept(bot, connector, anthropic_server, openai_server):
    await allow_chatgpt(bot, YAMADA)
    await bot.client.say(YAMADA, "/service chatgpt")
    assert cards.SERVICE_CHANGED.format(service=cards.SERVICE_LABELS["chatgpt"]) in messages_of(connector)[-1].text
    await bot.client.say(YAMADA, CLEAN)
    assert anthropic_server.requests == [] and len(openai_server.requests) == 1
    assert openai_server.requests[0].model == "gpt-test"
    assert "生成AI（OpenAI互換サーバー（127.0.0.1） gpt-test）" in messages_of(connector)[-1].text
    assert (await bot.services.store.get("users", YAMADA.aad_object_id))["service"] == "chatgpt"

    await bot.client.say(YAMADA, "／ＳＥＲＶＩＣＥ chatbot")  # full-width command
    await bot.client.say(YAMADA, "/service")
    (card,) = messages_of(connector)[-1].cards
    assert [b["data"] for b in buttons(card)] == [{"service": "chatgpt"}]
    await bot.client.say(SATO, CLEAN)  # others keep the default
    assert len(anthropic_server.requests) == 1
    assert [r["service"] for r in await records(bot)] == ["chatgpt", "chatbot"]


@pytest.mark.parametrize("failure", [Fail(500), Fail(429), Hang(5)], ids=["5xx", "429", "timeout"])
async def test_an_outage_gives_the_retry_card_and_the_prompt_is_kept(start_bot, models, connector, anthropic_server, failure):
    # A hung server is abandoned after LLM_TIMEOUT_S; generous enough for a busy CI machine.
    bot = await start_bot(**{**models, "LLM_TIMEOUT_S": "1.5", "LLM_MAX_RETRIES": "1"})
    anthropic_server.queue(failure, failure)
    await bot.client.say(YAMADA, CLEAN)
    final = messages_of(connector)[-1]
    assert len(anthropic_server.requests) == 2  # bounded retries
    assert stream_info(final)["streamType"] == "final" and AI_LABEL not in final.activity["entities"]
    (card,) = final.cards
    assert "回答を取得できませんでした" in json.dumps(card, ensure_ascii=False)
    retry = next(b for b in buttons(card) if b["verb"] == cards.RETRY)
    (record,) = await records(bot)
    assert record["status"] == "failed" and record["error"] in ("unavailable", "rate_limited", "timeout")

    status, body = await bot.client.click(YAMADA, cards.RETRY, retry["data"])
    assert status == 200 and cards.RETRIED in json.dumps(body, ensure_ascii=False)
    await connector.wait_for(lambda r: r.activity.get("type") == "message" and CHATBOT_NOTICE in r.text, timeout=60)
    assert anthropic_server.requests[-1].last_user_text == CLEAN


async def test_streamed_updates_never_show_what_the_final_answer_masks(bot, connector, anthropic_server):
    answer = ("ご依頼の文面です。担当者の山田太郎さんの携帯電話は090-1234-5678です。"
              "ご不明な点はお問い合わせください。以上、よろしくお願いいたします。")
    anthropic_server.queue(Reply(answer, chunk_size=3, chunk_delay=0.02))
    await bot.client.say(YAMADA, CLEAN)
    updates = [r for r in connector.received if r.activity["type"] == "typing"]
    final = messages_of(connector)[-1]
    assert len(updates) > 2
    for item in [*updates, final]:
        assert "1234" not in item.text and "090-" not in item.text
    assert "携帯電話は*" in final.text and "6-2(3)" in final.text
    (record,) = await records(bot)
    assert record["answer_flagged"] and "090-1234" not in record["answer_masked"]
    # The history keeps the masked answer only.
    history = await bot.services.store.get("history", f"{YAMADA.aad_object_id}:chatbot")
    assert "090-1234" not in json.dumps(history, ensure_ascii=False)


async def test_group_chats_get_typing_then_one_final_message(bot, connector, anthropic_server):
    status, _ = await bot.client.say(YAMADA, CLEAN, kind="groupChat", mention=True)
    assert status < 300
    kinds = [r.activity["type"] for r in connector.received]
    assert kinds[0] == "typing" and kinds.count("message") == 1
    assert all(stream_info(r) is None for r in connector.received)
    final = messages_of(connector)[0]
    assert AI_LABEL in final.activity["entities"] and CHATBOT_NOTICE in final.text
    assert anthropic_server.requests[0].last_user_text == CLEAN  # the @mention is not part of the prompt


class NoStreamingConnector(Connector):
    """A Teams client where streaming is off: stream updates are refused with 403."""

    async def _reply(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("type") == "typing" and body.get("entities"):
            return web.json_response({"error": {"code": "ContentStreamNotAllowed"}}, status=403)
        self.received.append(Received("reply", request.match_info["cid"], body, f"ok-{len(self.received)}"))
        return web.json_response({"id": self.received[-1].activity_id})


async def test_without_streaming_the_user_sees_typing_then_the_answer(bot, anthropic_server):
    refusing = NoStreamingConnector()
    await refusing.start()
    try:
        async with aiohttp.ClientSession() as session:
            await BotClient(bot.url, refusing.url, session).say(YAMADA, CLEAN)
    finally:
        await refusing.stop()
    typing, final = refusing.received
    assert typing.activity["type"] == "typing" and not typing.activity.get("entities")
    assert final.activity["type"] == "message" and stream_info(final) is None
    assert AI_LABEL in final.activity["entities"] and CHATBOT_NOTICE in final.text


async def test_history_is_per_service_and_reset_starts_over(start_bot, models, connector, anthropic_server):
    bot = await start_bot(**{**models, "HISTORY_CHAR_BUDGET": "200"})
    await bot.client.say(YAMADA, "一つ目の質問です。")
    await bot.client.say(YAMADA, "二つ目の質問です。")
    assert [m["role"] for m in anthropic_server.requests[1].messages] == ["user", "assistant", "user"]
    anthropic_server.queue(Reply("長い回答。" * 60))
    await bot.client.say(YAMADA, "三つ目の質問です。")
    await bot.client.say(YAMADA, "四つ目の質問です。")
    # The 300-character answer does not fit the 200-character budget: older turns are left out.
    assert sum(len(m["content"]) for m in anthropic_server.requests[3].messages[:-1]) <= 200

    await bot.client.say(YAMADA, "/reset")
    assert "リセットしました" in messages_of(connector)[-1].text
    await bot.client.say(YAMADA, "五つ目の質問です。")
    assert [m["role"] for m in anthropic_server.requests[-1].messages] == ["user"]
    assert len(anthropic_server.requests) == 5  # /reset itself was never forwarded


async def test_answers_that_overlap_both_stay_in_the_history(store_url, start_bot, models, connector, anthropic_server):  # noqa: F811
    """The history read for a prompt is written back with the exchange's record unless another
    answer of the same person changed it meanwhile: then neither exchange is lost (both backends)."""
    bot = await start_bot(**models, STORAGE_URL=store_url)
    await bot.client.say(YAMADA, "一つ目の質問です。")
    anthropic_server.queue(Reply("ゆっくりの回答です。", chunk_size=2, chunk_delay=0.1), Reply("すぐの回答です。"))
    slow = asyncio.create_task(bot.client.say(YAMADA, "二つ目の質問です。"))
    while len(anthropic_server.requests) < 2:  # the slow answer is on its way
        await asyncio.sleep(0.01)
    await bot.client.say(YAMADA, "三つ目の質問です。")  # answered and remembered first
    await slow
    await bot.client.say(YAMADA, "四つ目の質問です。")
    sent = [m["content"] for m in anthropic_server.requests[-1].messages]
    assert [s for s in sent if s.endswith("質問です。")] == ["一つ目の質問です。", "三つ目の質問です。", "二つ目の質問です。",
                                                       "四つ目の質問です。"]
    assert "ゆっくりの回答です。" in sent and "すぐの回答です。" in sent
    assert sorted(r["input_chars"] for r in await records(bot) if r["status"] == "answered") == [9, 9, 9, 9]


@pytest.mark.parametrize("command", ["/reset", "reset", "RESET", "/service", "/unknown-command", "／reset"])
async def test_commands_are_never_forwarded(bot, connector, anthropic_server, openai_server, command):
    await bot.client.say(YAMADA, command, kind="channel", mention=True)
    assert anthropic_server.requests == [] and openai_server.requests == []
    assert messages_of(connector)


async def test_a_message_that_may_touch_5_is_held_not_sent(bot, connector, anthropic_server):
    text = "小松様から、ごみ集積所のカラス被害について3回目のご意見が届きました。お詫びの返信文を作ってください。"
    await bot.client.say(YAMADA, text)
    assert anthropic_server.requests == []
    assert messages_of(connector)[-1].cards  # the approvals flow tells what happens next
    (record,) = await records(bot)
    assert record["status"] == "held" and record["verdict"] == "confirm"


async def test_a_medical_question_is_answered_with_the_6_4_caution(bot, connector, anthropic_server):
    await bot.client.say(YAMADA, "保育所で子どもがピーナッツを誤飲したかもしれません。咳き込んでいます。どう対処すればいいですか？")
    final = messages_of(connector)[-1]
    assert len(anthropic_server.requests) == 1
    assert "（6-4）" in final.text and CHATBOT_NOTICE in final.text


async def test_without_keys_the_bot_runs_and_names_the_setting(start_bot, connector, anthropic_server):
    bot = await start_bot()
    await allow_chatgpt(bot, YAMADA)
    await bot.client.say(YAMADA, CLEAN)
    assert "ANTHROPIC_API_KEY" in messages_of(connector)[-1].text
    await bot.client.say(YAMADA, "/service chatgpt")
    assert "OPENAI_API_KEY" in messages_of(connector)[-1].text
    await bot.client.say(YAMADA, CLEAN)
    assert "OPENAI_API_KEY" in messages_of(connector)[-1].text
    await bot.client.say(YAMADA, MY_NUMBER_PROMPT)  # screening works without any model
    assert messages_of(connector)[-1].cards
    assert anthropic_server.requests == []
    assert [r["error"] for r in await records(bot)] == ["not_configured", "not_configured", None]


async def test_a_too_long_message_is_explained_and_not_sent(start_bot, models, connector, anthropic_server):
    bot = await start_bot(**{**models, "MAX_MESSAGE_CHARS": "50"})
    await bot.client.say(YAMADA, "あ" * 51)
    assert "長すぎます" in messages_of(connector)[-1].text and anthropic_server.requests == []


async def test_without_a_valid_token_nothing_is_forwarded(start_bot, models, connector, anthropic_server):
    bot = await start_bot(**{**models, "MicrosoftAppId": "app-1", "MicrosoftAppPassword": "x",
                             "MicrosoftAppTenantId": TENANT_ID, "ALLOW_UNAUTHENTICATED": "0"})
    status, _ = await bot.client.post(message(YAMADA, connector.url, CLEAN))
    assert status == 401
    status, _ = await bot.client.post(message(YAMADA, connector.url, CLEAN), headers={"Authorization": "Bearer x.y.z"})
    assert status == 401
    assert anthropic_server.requests == [] and connector.received == []


async def test_an_old_button_sends_nothing(bot, connector, anthropic_server, monkeypatch):
    await bot.client.say(YAMADA, MY_NUMBER_PROMPT)
    (card,) = messages_of(connector)[0].cards
    data = next(b for b in buttons(card) if b["verb"] == cards.RESEND)["data"]
    monkeypatch.setattr(chat, "PROMPT_TTL", timedelta(0))
    status, body = await bot.client.click(YAMADA, cards.RESEND, data)
    assert status == 200 and cards.PROMPT_GONE in json.dumps(body, ensure_ascii=False)
    assert anthropic_server.requests == []
    assert await bot.services.store.get(chat.PROMPTS, data["prompt"]) is None  # and the text is gone


async def test_an_answer_under_way_when_the_bot_stops_is_still_delivered(bot, connector, anthropic_server):
    await bot.client.say(YAMADA, MY_NUMBER_PROMPT)
    (card,) = messages_of(connector)[0].cards
    data = next(b for b in buttons(card) if b["verb"] == cards.RESEND)["data"]
    anthropic_server.queue(Reply("ゆっくり届く回答です。" * 4, chunk_delay=0.05))
    await bot.client.click(YAMADA, cards.RESEND, data)
    await bot.runner.cleanup()  # a restart right after the click
    assert any(CHATBOT_NOTICE in r.text for r in messages_of(connector))

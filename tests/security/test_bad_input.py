"""Bad input gets a clear Japanese reply or a 4xx, never a 500 (issue 10), case by case.

test_fuzz.py throws random payloads; these are the named cases a person meets, each with the
reply they should read. Too long messages: tests/chat/test_chat_path.py; invalid form values:
tests/approvals (form errors keep what was typed).
"""

from __future__ import annotations

import json

from bot import messages
from tests.support.teams import YAMADA, activity, message


def _texts(connector) -> list[str]:
    return [r.text for r in connector.received if r.text]


async def test_empty_and_attachment_only_messages_are_explained(chat_bot, connector, anthropic_server) -> None:
    status, _ = await chat_bot.client.say(YAMADA, "   ")
    assert status < 300
    picture = message(YAMADA, connector.url, "")
    picture["attachments"] = [{"contentType": "image/png", "contentUrl": "https://example.invalid/a.png"}]
    status, _ = await chat_bot.client.post(picture)
    assert status < 300
    assert _texts(connector) == [messages.EMPTY_MESSAGE, messages.ATTACHMENT_IGNORED]
    assert anthropic_server.requests == []


async def test_an_unknown_command_names_help(chat_bot, connector) -> None:
    await chat_bot.client.say(YAMADA, "/nosuch")
    assert _texts(connector) == [messages.UNKNOWN_COMMAND.format(name="nosuch")]


async def test_unknown_activity_types_and_invokes_are_answered_without_failing(chat_bot, connector) -> None:
    for kind in ("messageReaction", "event", "somethingNew"):
        status, _ = await chat_bot.client.post(activity(YAMADA, connector.url, type=kind))
        assert status in (200, 201)
    status, body = await chat_bot.client.post(
        activity(YAMADA, connector.url, type="invoke", name="composeExtension/query", value={"x": 1}))
    assert status == 400 and body == {"error": messages.UNSUPPORTED_INVOKE}
    assert messages.INTERNAL_ERROR not in _texts(connector)


async def test_a_huge_card_payload_is_refused_clearly(chat_bot, connector) -> None:
    # Under the 1 MB body limit: reaches the handler, which finds no such request.
    status, body = await chat_bot.client.click(YAMADA, "approval.approve", {"id": "x" * 600_000, "junk": ["y"] * 20_000})
    assert status == 200
    shown = json.dumps(body, ensure_ascii=False)
    assert body["statusCode"] == 200 and "見つかりません" in shown
    # Over it: a 413 with a Japanese reason, before anything is parsed.
    status, body = await chat_bot.client.click(YAMADA, "approval.approve", {"id": "x", "junk": "z" * 1_100_000})
    assert status == 413 and body == {"error": "リクエストが大きすぎます。"}
    assert messages.INTERNAL_ERROR not in _texts(connector)

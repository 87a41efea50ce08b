"""A member of staff chatting with the bot in a personal chat, through the Playground."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Bot, bot_activities, card_text, cards
from tests.support.model_servers import Reply

QUESTION = "住民向けのお知らせ文を、やさしい日本語に書き直すコツを教えてください。"
ANSWER = "やさしい日本語では、一文を短くし、漢字にふりがなを付け、二重否定を避けます。" * 3
PROHIBITED = "住民の山田一郎さん（マイナンバー 123456789018）の転入手続きの案内文を作ってください。"
NOTICE = "本コンテンツは生成AI（"


@pytest.fixture(scope="module")
def personal(bot: Bot) -> dict[str, Any]:
    """One Playground session: a clean question, a prohibited one, /help and /guide."""
    # Streamed slowly enough that the bot sends updates between the first and the final message.
    bot.models.anthropic.queue(Reply(ANSWER, chunk_size=6, chunk_delay=0.1))
    before = bot.models.request_count()
    transcript = bot.drive("--say", QUESTION, "--say", PROHIBITED, "--say", "/help", "--say", "/guide 個人情報")
    transcript["new_requests"] = bot.models.requests()[before:]
    return transcript


def test_clean_question_is_answered_with_the_6_5_notice(personal: dict[str, Any]) -> None:
    final = [a for a in bot_activities(personal, 0) if a["type"] == "message"][-1]
    assert final["conversation"]["id"] == "personal-chat-1"
    assert final["text"].startswith(ANSWER)
    assert NOTICE in final["text"] and "によって生成されております" in final["text"]
    assert [r.last_user_text for r in personal["new_requests"]] == [QUESTION]


def test_answer_is_streamed_and_labelled_as_ai_generated(personal: dict[str, Any]) -> None:
    calls = personal["steps"][0]["fromBot"]
    infos = [
        (call, entity) for call in calls for entity in call["activity"].get("entities") or []
        if entity.get("type") == "streaminfo"
    ]
    first, first_info = infos[0]
    assert first["activity"]["type"] == "typing" and first_info["streamType"] == "informative"
    stream_id = first["body"]["id"]  # the id Teams (here the Playground) gives the new stream
    updates = [info for call, info in infos[1:-1]]
    assert updates and all(info["streamType"] == "streaming" and info["streamId"] == stream_id for info in updates)
    sequences = [first_info["streamSequence"], *(info["streamSequence"] for info in updates)]
    assert sequences == sorted(set(sequences)) and sequences[0] == 1
    last, last_info = infos[-1]
    assert last["activity"]["type"] == "message"
    assert last_info == {"type": "streaminfo", "streamId": stream_id, "streamType": "final"}
    labels = [e for e in last["activity"]["entities"] if e.get("type") == "https://schema.org/Message"]
    assert len(labels) == 1 and labels[0]["additionalType"] == ["AIGeneratedContent"]


def test_prohibited_message_is_blocked_and_nothing_reaches_a_model(personal: dict[str, Any]) -> None:
    [card] = cards(bot_activities(personal, 1))
    text = card_text(card)
    assert "送信しませんでした" in text and "個人番号（マイナンバー）" in text
    assert "123456789018" not in str(card)
    sent = " ".join(request.text for request in personal["new_requests"])
    assert "123456789018" not in sent and "山田一郎" not in sent
    assert len(personal["new_requests"]) == 1  # the clean question only


def test_help_lists_the_commands(personal: dict[str, Any]) -> None:
    [card] = cards(bot_activities(personal, 2))
    text = card_text(card)
    for command in ("/guide", "/report", "/service", "/reset", "/usecase", "/cases"):
        assert command in text


def test_guide_quotes_the_rules(personal: dict[str, Any]) -> None:
    [card] = cards(bot_activities(personal, 3))
    text = card_text(card)
    assert "「個人情報」に関係するルールの箇所です。" in text
    assert "出典: 松戸市職員生成AI利活用ルール（第三版）" in text
    assert "第2章" in text  # quoted sections name their chapter

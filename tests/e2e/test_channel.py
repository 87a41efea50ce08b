"""In a channel everyone reads along: the bot answers in the thread and keeps forms, which carry
names and contacts, out of it (they go to the person's personal chat)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Bot, bot_activities, card_text, cards


@pytest.fixture(scope="module")
def channel(bot: Bot) -> dict[str, Any]:
    bot.drive("--say", "/help")  # 山田 has talked to the bot in his personal chat before
    return bot.drive("--say", "report", chat="channel")


def posted_in_channel(transcript: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in bot_activities(transcript) if a["conversation"]["id"].startswith("team-1")]


def test_report_form_goes_to_the_personal_chat(channel: dict[str, Any]) -> None:
    personal = [a for a in bot_activities(channel) if a["conversation"]["id"] == "personal-chat-1"]
    [form] = cards(personal)
    assert "【様式3】障害・リスクの報告" in card_text(form)


def test_channel_gets_a_thread_reply_without_personal_data(channel: dict[str, Any]) -> None:
    posted = posted_in_channel(channel)
    assert posted, "the bot did not answer in the channel"
    thread = channel["steps"][0]["threadConversationId"]
    assert all(a["conversation"]["id"] == thread for a in posted)
    assert any("個人チャットにお送りしました" in (a.get("text") or "") for a in posted)
    shown = str(posted)
    for private in ("yamada@example.com", "佐藤 花子", "Input.Text"):
        assert private not in shown

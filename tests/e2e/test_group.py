"""Commands in a group chat, where Teams delivers them with the bot's @mention in the text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Bot, bot_activities, card_text, cards


@pytest.fixture(scope="module")
def group(bot: Bot) -> dict[str, Any]:
    # playground-drive @mentions the bot the way Teams does: <at>name</at> in the text plus a
    # mention entity.
    return bot.drive("--say", "guide 個人情報", "--say", "/help", chat="group")


def test_mention_reaches_the_bot_as_teams_sends_it(group: dict[str, Any]) -> None:
    [sent] = [call["activity"] for call in group["steps"][0]["toBot"]]
    assert sent["text"].startswith("<at>生成AIアシスタント</at>")
    assert any(e["type"] == "mention" for e in sent["entities"])


def test_guide_with_mention_answers_in_the_group_chat(group: dict[str, Any]) -> None:
    [answer] = bot_activities(group, 0)
    assert answer["conversation"]["id"] == "group-chat-1"
    assert "「個人情報」に関係するルールの箇所です。" in card_text(cards([answer])[0])


def test_slash_command_with_mention_answers_in_the_group_chat(group: dict[str, Any]) -> None:
    [answer] = bot_activities(group, 1)
    assert answer["conversation"]["id"] == "group-chat-1"
    assert "/report" in card_text(cards([answer])[0])

"""Per-user rate limit and the 2章1-2 端末 reminder (issue 10)."""

from __future__ import annotations

import pytest

from app import StartupError
from bot import messages
from tests.support.teams import SATO, YAMADA, message


def _with_platform(activity: dict, platform: str | None) -> dict:
    activity["entities"] = [e for e in activity["entities"] if e["type"] != "clientInfo"]
    if platform:
        activity["entities"].append({"type": "clientInfo", "locale": "ja-JP", "platform": platform})
    return activity


def _texts(connector) -> list[str]:
    return [r.text for r in connector.received if r.text]


async def test_a_person_over_the_rate_limit_is_asked_to_wait(start_bot, connector):
    bot = await start_bot(RATE_LIMIT_PER_MINUTE="3")
    for _ in range(4):
        status, _ = await bot.client.say(YAMADA, "/help")
        assert status in (200, 201)
    assert _texts(connector).count(messages.RATE_LIMITED) == 1
    # Someone else is not held back by 山田さん's messages.
    await bot.client.say(SATO, "/help")
    assert _texts(connector).count(messages.RATE_LIMITED) == 1


async def test_card_actions_count_towards_the_limit(start_bot, connector):
    bot = await start_bot(RATE_LIMIT_PER_MINUTE="1")
    await bot.client.say(YAMADA, "/help")
    status, body = await bot.client.click(YAMADA, "guide.open", {"section": "2章5-1(1)"})
    assert status == 200
    assert messages.RATE_LIMITED in str(body)


async def test_mobile_clients_can_be_refused(start_bot, connector):
    bot = await start_bot(CLIENT_MOBILE_POLICY="refuse")
    await bot.client.post(_with_platform(message(YAMADA, connector.url, "/help"), "iOS"))
    assert _texts(connector) == [messages.DEVICE_REFUSED]
    assert not any(r.cards for r in connector.received)


async def test_unknown_clients_are_reminded_once_a_day_and_served(start_bot, connector):
    bot = await start_bot(CLIENT_UNKNOWN_POLICY="warn")
    for _ in range(2):
        await bot.client.post(_with_platform(message(YAMADA, connector.url, "/help"), None))
    assert _texts(connector).count(messages.DEVICE_WARNING) == 1
    assert sum(1 for r in connector.received if r.cards) == 2  # /help answered both times


async def test_desktop_clients_see_no_reminder(start_bot, connector):
    bot = await start_bot(CLIENT_MOBILE_POLICY="refuse", CLIENT_UNKNOWN_POLICY="refuse")
    await bot.client.post(_with_platform(message(YAMADA, connector.url, "/help"), "Windows"))
    assert messages.DEVICE_REFUSED not in _texts(connector)
    assert any(r.cards for r in connector.received)


async def test_a_policy_value_outside_the_choices_stops_start_up(start_bot):
    with pytest.raises(StartupError, match="CLIENT_MOBILE_POLICY"):
        await start_bot(CLIENT_MOBILE_POLICY="block")

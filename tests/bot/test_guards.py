"""The 2章1-2 端末 reminder (bot/guards.py): once a day per person, whichever instance showed it,
without reading the store for every later message of that day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot import guards, messages
from tests.support.teams import YAMADA, message


def from_phone(url: str, text: str) -> dict[str, Any]:
    activity = message(YAMADA, url, text)
    activity["entities"] = [e for e in activity["entities"] if e["type"] != "clientInfo"]
    activity["entities"].append({"type": "clientInfo", "locale": "ja-JP", "platform": "iOS"})
    return activity


def reminders(connector) -> int:
    return sum(1 for r in connector.received if r.text == messages.DEVICE_WARNING)


def count_reads(bot) -> list[str]:
    store = bot.services.store
    reads: list[str] = []
    get = store.get

    async def counted(kind: str, key: str) -> Any:
        if kind == guards.DEVICE_NOTICES:
            reads.append(key)
        return await get(kind, key)

    store.get = counted
    return reads


async def test_a_phone_user_is_reminded_once_and_the_store_is_read_once(start_bot, connector) -> None:
    bot = await start_bot(CLIENT_MOBILE_POLICY="warn")
    reads = count_reads(bot)

    for _ in range(3):
        status, _ = await bot.client.post(from_phone(connector.url, "/help"))
        assert status in (200, 201)

    assert reminders(connector) == 1
    assert sum(1 for r in connector.received if r.cards) == 3  # /help answered every time
    assert reads == [YAMADA.aad_object_id]


async def test_a_reminder_another_instance_showed_today_is_not_repeated(start_bot, connector) -> None:
    bot = await start_bot(CLIENT_MOBILE_POLICY="warn")
    today = datetime.now(UTC).date().isoformat()
    await bot.services.store.put(guards.DEVICE_NOTICES, YAMADA.aad_object_id, {"day": today})

    await bot.client.post(from_phone(connector.url, "/help"))

    assert reminders(connector) == 0


async def test_the_next_day_the_reminder_is_shown_again(start_bot, connector, monkeypatch) -> None:
    bot = await start_bot(CLIENT_MOBILE_POLICY="warn")
    await bot.client.post(from_phone(connector.url, "/help"))

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return datetime.now(tz) + timedelta(days=1)

    monkeypatch.setattr(guards, "datetime", Tomorrow)
    await bot.client.post(from_phone(connector.url, "/help"))
    await bot.client.post(from_phone(connector.url, "/help"))

    assert reminders(connector) == 2

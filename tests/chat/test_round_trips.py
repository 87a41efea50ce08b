"""How often the chat path goes to the database for one message (issue 9: the bot's CPU per
message). On PostgreSQL every store call is one statement, one round trip."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from storage.base import Store
from tests.chat.test_chat_path import allow_chatgpt
from tests.storage.conftest import postgres_url  # noqa: F401  (schema per test, torn down after the bot)
from tests.support.teams import YAMADA

pytestmark = pytest.mark.postgres

CLEAN = "市民課の窓口時間を案内する文章を作ってください。"
BLOCKED = "住民のマイナンバーは 1234 5678 9018 です。手続きの案内文を作ってください。"
HELD = "小松様から、ごみ集積所のカラス被害について3回目のご意見が届きました。お詫びの返信文を作ってください。"
METHODS = ("get", "get_many", "put", "update", "delete", "find", "write", "append", "records", "hit", "try_lease")


def count_calls(store: Store) -> list[str]:
    """The names of the store's methods as they are called (the notifier holds the same store)."""
    calls: list[str] = []

    def counted(name: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return await method(*args, **kwargs)

        return call

    for name in METHODS:
        setattr(store, name, counted(name, getattr(store, name)))
    return calls


async def test_round_trips_of_an_answered_a_blocked_and_a_held_message(
    postgres_url: str, start_bot, models, connector  # noqa: F811
) -> None:
    bot = await start_bot(**models, STORAGE_URL=postgres_url, APPROVAL_SWEEP_SECONDS="3600")
    calls = count_calls(bot.services.store)
    expected = {
        # rate limit; service, permission and history together; history turn and record together
        CLEAN: ["hit", "get_many", "write"],
        # the masked resend's prompt before its card, the record after it
        BLOCKED: ["hit", "get_many", "put", "append"],
        # the request with its audit record; both people's conversations and the approver's
        # delegates together; both cards' ids; the record
        HELD: ["hit", "get_many", "write", "get_many", "update", "update", "append"],
    }
    for text, wanted in expected.items():
        assert await round_trips(bot, calls, text) == wanted, text
    # ChatGPT also needs the briefing, the approved account and the training (7-1): read together
    await allow_chatgpt(bot, YAMADA)
    await bot.client.say(YAMADA, "/service chatgpt")
    assert await round_trips(bot, calls, CLEAN) == ["hit", "get_many", "get_many", "write"]


async def round_trips(bot, calls: list[str], text: str) -> list[str]:
    for _ in range(2):  # the first time also keeps the conversation, the partitions, the history
        await bot.client.say(YAMADA, text)
    await asyncio.sleep(0.2)
    calls.clear()
    status, _ = await bot.client.say(YAMADA, text)
    await asyncio.sleep(0.2)
    assert status < 300
    return list(calls)


async def test_the_conversation_is_kept_in_one_read_and_one_write_before_the_first_answer(
    postgres_url: str, start_bot, models, connector  # noqa: F811
) -> None:
    """The notifier's reads and writes come before the turn's first visible update; a process
    that has not seen the person yet (a new instance, another worker) pays one of each at most."""
    bot = await start_bot(**models, STORAGE_URL=postgres_url, APPROVAL_SWEEP_SECONDS="3600")
    calls = count_calls(bot.services.store)
    await bot.client.say(YAMADA, CLEAN)
    await asyncio.sleep(0.2)
    # The start-up sweeps (held approvals, old downloads) read with find beside the first turn.
    turn = [call for call in calls if call != "find"]
    assert turn[:3] == ["get_many", "write", "hit"]  # the channel, the member id, the 1:1 conversation
    refs = await bot.services.store.get("conversation_refs", YAMADA.aad_object_id)
    assert refs is not None and refs["name"] == YAMADA.name
    calls.clear()
    await bot.client.say(YAMADA, CLEAN)
    await asyncio.sleep(0.2)
    assert "get_many" not in calls[:1] and calls[0] == "hit"  # remembered in the process
    bot.services.notifier._known.clear()  # as another worker would be: stored, not remembered
    calls.clear()
    await bot.client.say(YAMADA, CLEAN)
    await asyncio.sleep(0.2)
    assert calls[:2] == ["get_many", "hit"]  # read once, nothing to write

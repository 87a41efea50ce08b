"""A bot wired to the loopback model servers, for the security tests that go through the chat path."""

from __future__ import annotations

import pytest


@pytest.fixture
async def chat_bot(start_bot, models: dict[str, str]):
    return await start_bot(**models)

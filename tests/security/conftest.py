"""Loopback model servers for the security tests that go through the chat path."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.model_servers import AnthropicServer, OpenAIServer, model_settings


@pytest.fixture
async def openai_server() -> AsyncIterator[OpenAIServer]:
    async with OpenAIServer() as server:
        yield server


@pytest.fixture
async def anthropic_server() -> AsyncIterator[AnthropicServer]:
    async with AnthropicServer() as server:
        yield server


@pytest.fixture
async def chat_bot(start_bot, openai_server: OpenAIServer, anthropic_server: AnthropicServer):
    return await start_bot(**model_settings(openai_server, anthropic_server))

"""Model servers on loopback and a bot wired to them."""

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
def models(openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> dict[str, str]:
    return model_settings(openai_server, anthropic_server)

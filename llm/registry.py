"""Both services, built once from the settings (one SDK client each, reused by every turn)."""

from __future__ import annotations

from collections.abc import Mapping

from llm.anthropic_chat import AnthropicChat
from llm.base import Provider
from llm.openai_chat import OpenAIChat
from settings import Settings

# Named after the guideline's two services; chatbot first: it needs no application (7-2(1)).
SERVICES: tuple[str, ...] = ("chatbot", "chatgpt")

Providers = Mapping[str, Provider]


def build_providers(settings: Settings) -> dict[str, Provider]:
    return {"chatbot": AnthropicChat(settings), "chatgpt": OpenAIChat(settings)}


async def close_providers(providers: Providers) -> None:
    for provider in providers.values():
        await provider.close()

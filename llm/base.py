"""What every service offers the chat workflow: a streamed answer, or a ``ProviderError``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import urlsplit

Role = Literal["user", "assistant"]
FailureKind = Literal["not_configured", "rate_limited", "timeout", "unavailable", "network", "auth", "rejected"]

# Answers longer than this are cut by the provider; plenty for a chat reply.
MAX_OUTPUT_TOKENS = 2048

# Friendly names of models whose product name differs from their id.
MODEL_NAMES = {
    "claude-haiku-4-5": "Claude Haiku 4.5",
}


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Chunk:
    """A piece of the answer; ``model`` is the model the provider says produced it, when it says."""

    text: str
    model: str | None = None


class ProviderError(Exception):
    """The service could not answer; ``kind`` says why (see ``FailureKind``)."""

    def __init__(self, kind: FailureKind, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind: FailureKind = kind


class Provider(Protocol):
    service: str  # chatbot | chatgpt
    vendor: str  # OpenAI | Anthropic
    model: str  # configured model id
    key_setting: str  # the variable that configures it (named in the "not configured" reply)

    @property
    def configured(self) -> bool: ...

    @property
    def provider_label(self) -> str:
        """Who runs the model: the vendor, or the compatible server the base URL names."""

    def stream(self, system: str, messages: Sequence[Message]) -> AsyncIterator[Chunk]: ...

    async def close(self) -> None: ...


def model_label(model: str) -> str:
    """``Claude Haiku 4.5（claude-haiku-4-5）`` for known products, else the model id."""
    for prefix, name in MODEL_NAMES.items():
        if model == prefix or model.startswith(prefix + "-"):
            return f"{name}（{model}）"
    return model


def provider_label(vendor: str, base_url: str, official_host: str) -> str:
    """The vendor, unless the SDK is pointed at another server (e.g. a city's own on LGWAN)."""
    host = urlsplit(base_url).hostname if base_url else official_host
    if host in (None, official_host):
        return vendor
    return f"{vendor}互換サーバー（{host}）"

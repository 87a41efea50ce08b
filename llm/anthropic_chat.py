"""``chatbot``: the Anthropic Messages API (Claude Haiku 4.5 by default)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from anthropic import AsyncAnthropic, AsyncStream, DefaultAioHttpClient

from llm.base import MAX_OUTPUT_TOKENS, Chunk, Message, ProviderError, provider_label
from llm.errors import STREAM_ERRORS, cut_short, malformed, translate
from settings import Settings

OFFICIAL_URL = "https://api.anthropic.com"

# The stream's events as the JSON the API sent, not as the SDK's pydantic models: building those
# was a third of a streamed answer's CPU (issue 9). The SDK still sends, retries, decodes the
# SSE, raises `event: error` and closes the response (AsyncAPIResponse.parse(to=...)).
EVENTS = AsyncStream[object]


class AnthropicChat:
    service = "chatbot"
    vendor = "Anthropic"
    key_setting = "ANTHROPIC_API_KEY"

    def __init__(self, settings: Settings):
        self.model = settings["ANTHROPIC_MODEL"]
        self._base_url = settings["ANTHROPIC_BASE_URL"]
        key = settings["ANTHROPIC_API_KEY"]
        # An explicit key and base URL keep the SDK from reading the environment or its
        # profile files behind the settings' back.
        self._client = AsyncAnthropic(
            api_key=key,
            base_url=self._base_url or OFFICIAL_URL,
            timeout=settings.float("LLM_TIMEOUT_S"),
            max_retries=settings.int("LLM_MAX_RETRIES"),
            http_client=DefaultAioHttpClient(),  # see llm/__init__.py: the SDK on aiohttp, not httpx
        ) if key else None

    @property
    def configured(self) -> bool:
        return self._client is not None

    @property
    def provider_label(self) -> str:
        return provider_label(self.vendor, self._base_url, "api.anthropic.com")

    async def stream(self, system: str, messages: Sequence[Message]) -> AsyncIterator[Chunk]:
        if self._client is None:
            raise ProviderError("not_configured")
        payload = [{"role": m.role, "content": m.content} for m in messages]
        model: str | None = None
        whole = False
        try:
            async with self._client.messages.with_streaming_response.create(
                model=self.model, max_tokens=MAX_OUTPUT_TOKENS, system=system,
                messages=payload, stream=True,  # type: ignore[arg-type]
            ) as response:  # the HTTP response is closed even when the reader stops early
                async for event in await response.parse(to=EVENTS):
                    match event:
                        case {"type": "content_block_delta", "delta": {"type": "text_delta", "text": str(text)}}:
                            if text:
                                yield Chunk(text, model)
                        case {"type": "content_block_delta", "delta": {"type": str(kind)}} if kind != "text_delta":
                            pass  # thinking or tool input: not part of the answer shown
                        case {"type": "message_start", "message": {"model": str(name)}}:
                            model = name or None
                        case {"type": "message_stop"}:
                            whole = True
                        case {"type": str(kind)} if kind != "content_block_delta":
                            pass  # block starts and stops, usage, stop reason: nothing to show
                        case _:
                            raise malformed("event")
        except STREAM_ERRORS as error:
            raise translate(error) from error
        if not whole:
            raise cut_short("message_stop")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

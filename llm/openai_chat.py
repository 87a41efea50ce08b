"""``chatgpt``: the OpenAI Chat Completions API (or any server that speaks it)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from openai import AsyncOpenAI, AsyncStream, DefaultAioHttpClient

from llm.base import Chunk, Message, ProviderError, provider_label
from llm.errors import STREAM_ERRORS, cut_short, malformed, translate
from settings import Settings

OFFICIAL_URL = "https://api.openai.com/v1"

# The stream's chunks as the JSON the API sent, not as the SDK's pydantic models: building those
# was three quarters of a streamed answer's CPU (issue 9). The SDK still sends, retries, decodes
# the SSE, raises an error sent mid-stream, stops at [DONE] and closes the response
# (AsyncAPIResponse.parse(to=...)).
CHUNKS = AsyncStream[object]


class OpenAIChat:
    service = "chatgpt"
    vendor = "OpenAI"
    key_setting = "OPENAI_API_KEY"

    def __init__(self, settings: Settings):
        self.model = settings["OPENAI_MODEL"]
        self._base_url = settings["OPENAI_BASE_URL"]
        key = settings["OPENAI_API_KEY"]
        # Base URL and key are always passed so the SDK never reads the process environment
        # behind the settings' back (tests stay hermetic, .env values apply).
        self._client = AsyncOpenAI(
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
        return provider_label(self.vendor, self._base_url, "api.openai.com")

    async def stream(self, system: str, messages: Sequence[Message]) -> AsyncIterator[Chunk]:
        if self._client is None:
            raise ProviderError("not_configured")
        payload = [{"role": "system", "content": system}] + [{"role": m.role, "content": m.content} for m in messages]
        whole = False
        try:
            async with self._client.chat.completions.with_streaming_response.create(
                model=self.model, messages=payload, stream=True  # type: ignore[arg-type]
            ) as response:  # the HTTP response is closed even when the reader stops early
                async for chunk in await response.parse(to=CHUNKS):
                    match chunk:
                        case {"choices": [{"finish_reason": str()}, *_]}:
                            whole = True  # the last chunk; it may carry the last words too
                    match chunk:
                        case {"choices": [{"delta": {"content": str(text)}}, *_]}:
                            if text:
                                model = chunk.get("model")
                                yield Chunk(text, model if isinstance(model, str) and model else None)
                        case {"choices": [{"delta": {"content": content}}, *_]} if content is not None:
                            raise malformed("content")
                        case {"choices": list()}:
                            pass  # the role, the finish reason, usage: nothing to show
                        case _:
                            raise malformed("chunk")
        except STREAM_ERRORS as error:
            raise translate(error) from error
        if not whole:
            raise cut_short("finish_reason")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

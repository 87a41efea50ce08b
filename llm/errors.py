"""One translation of both SDKs' exceptions into ``ProviderError`` kinds."""

from __future__ import annotations

import anthropic
import httpx2
import openai

from llm.base import ProviderError

_TIMEOUTS = (openai.APITimeoutError, anthropic.APITimeoutError, httpx2.TimeoutException)
_NETWORK = (openai.APIConnectionError, anthropic.APIConnectionError, httpx2.TransportError)
_STATUS = (openai.APIStatusError, anthropic.APIStatusError)
# The SDKs' error bases, plus the transport's, which the Anthropic SDK lets through from a
# broken stream.
SDK_ERRORS = (openai.OpenAIError, anthropic.AnthropicError, httpx2.HTTPError)


def translate(error: BaseException) -> ProviderError:
    if isinstance(error, _TIMEOUTS):
        return ProviderError("timeout", type(error).__name__)
    if isinstance(error, _NETWORK):
        return ProviderError("network", type(error).__name__)
    if isinstance(error, _STATUS):
        status = error.status_code
        if status == 429:
            return ProviderError("rate_limited", "429")
        if status in (408, 409) or status >= 500:
            return ProviderError("unavailable", str(status))
        if status in (401, 403):
            return ProviderError("auth", str(status))
        return ProviderError("rejected", str(status))
    return ProviderError("unavailable", type(error).__name__)

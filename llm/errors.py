"""One translation of both SDKs' exceptions into ``ProviderError`` kinds."""

from __future__ import annotations

import aiohttp
import anthropic
import httpx2
import openai

from llm.base import FailureKind, ProviderError

_TIMEOUTS = (openai.APITimeoutError, anthropic.APITimeoutError, httpx2.TimeoutException, aiohttp.ServerTimeoutError)
_NETWORK = (openai.APIConnectionError, anthropic.APIConnectionError, httpx2.TransportError)
_STATUS = (openai.APIStatusError, anthropic.APIStatusError)
# The SDKs' error bases, plus their transport's (httpx on aiohttp, llm/__init__.py), which the
# Anthropic SDK lets through from a broken stream.
SDK_ERRORS = (openai.OpenAIError, anthropic.AnthropicError, httpx2.HTTPError, aiohttp.ClientError)
# A streamed answer can also fail in the SDKs' SSE decoding: a body that is not UTF-8 JSON
# (UnicodeDecodeError, JSONDecodeError) is an unusable answer, like a broken stream.
STREAM_ERRORS = (*SDK_ERRORS, ValueError)


def _transport_error(error: BaseException) -> aiohttp.ClientError | None:
    """The aiohttp exception behind ``error``: the first in its chain (earlier attempts' come later)."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        if isinstance(link, aiohttp.ClientError):
            return link
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return None


def malformed(what: str) -> ProviderError:
    """A streamed event that is JSON but not what the API sends: the answer cannot be trusted whole."""
    return ProviderError("unavailable", f"malformed {what}")


# An error event inside a streamed answer comes as a status error of the stream's 200 response;
# the type it names says whether trying again later can help (overloaded, rate limited) or not.
_EVENT_KINDS: dict[str, FailureKind] = {
    "overloaded_error": "unavailable",
    "api_error": "unavailable",
    "rate_limit_error": "rate_limited",
    "timeout_error": "timeout",
}


def _event_error(error: openai.APIStatusError | anthropic.APIStatusError) -> ProviderError:
    match error.body:
        case {"error": {"type": str(name)}}:
            return ProviderError(_EVENT_KINDS.get(name, "rejected"), f"error event {name}")
    return ProviderError("unavailable", "error event")


def cut_short(missing: str) -> ProviderError:
    """A stream whose body ended without its closing event (a proxy's timeout, a restart): no error
    on the wire, yet the answer is not whole and must not be shown as if it were."""
    return ProviderError("unavailable", f"stream ended without {missing}")


def translate(error: BaseException) -> ProviderError:
    transport = _transport_error(error)
    if isinstance(transport, aiohttp.ClientConnectionError) and not isinstance(transport, TimeoutError):
        # OpenAI's aiohttp transport reports a refused or lost connection as a connect timeout;
        # what aiohttp raised says which it was.
        return ProviderError("network", type(transport).__name__)
    if isinstance(error, _TIMEOUTS):
        return ProviderError("timeout", type(error).__name__)
    if isinstance(error, _NETWORK):
        return ProviderError("network", type(error).__name__)
    if isinstance(error, _STATUS):
        status = error.status_code
        if status < 300:
            return _event_error(error)
        if status == 429:
            return ProviderError("rate_limited", "429")
        if status in (408, 409) or status >= 500:
            return ProviderError("unavailable", str(status))
        if status in (401, 403):
            return ProviderError("auth", str(status))
        return ProviderError("rejected", str(status))
    return ProviderError("unavailable", type(error).__name__)

"""The two services behind one streaming interface (see ``llm.base.Provider``).

``chatbot`` is Anthropic (Claude Haiku 4.5 by default), ``chatgpt`` is OpenAI; both work with
any server that speaks the same API (``*_BASE_URL``).

Both SDKs send through their aiohttp transport (``DefaultAioHttpClient``, the ``[aiohttp]``
extras) instead of httpx's own: the SDK and its retries, timeouts and errors stay the same (httpx
errors, ``llm.errors``), and a streamed answer costs about half the CPU (Anthropic 5.1 -> 2.8 ms,
OpenAI 13.1 -> 10.5 ms a 60-event stream on loopback), which limits how many messages one bot
process answers a second (issue 9, bench/load.py). The streamed events are then read as the JSON
the API sent (``AsyncStream[object]``) instead of as the SDKs' pydantic models, whose building
was a third of a streamed answer's CPU with Anthropic and three quarters with OpenAI (2.7 -> 1.8
and 10.0 -> 2.6 ms a 60-event answer).
"""

from llm.base import Chunk, Message, Provider, ProviderError
from llm.registry import SERVICES, Providers, build_providers

__all__ = ["SERVICES", "Chunk", "Message", "Provider", "ProviderError", "Providers", "build_providers"]

"""The two services behind one streaming interface (see ``llm.base.Provider``).

``chatbot`` is Anthropic (Claude Haiku 4.5 by default), ``chatgpt`` is OpenAI; both work with
any server that speaks the same API (``*_BASE_URL``).
"""

from llm.base import Chunk, Message, Provider, ProviderError
from llm.registry import SERVICES, Providers, build_providers

__all__ = ["SERVICES", "Chunk", "Message", "Provider", "ProviderError", "Providers", "build_providers"]

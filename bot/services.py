"""Everything a handler may call, built once by ``app.create_app``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llm import Providers
from org import Directory
from policy.guide import Guide
from settings import Settings
from storage.base import Store

if TYPE_CHECKING:
    from bot.proactive import Notifier


@dataclass
class Services:
    settings: Settings
    store: Store
    notifier: Notifier
    org: Directory
    llm: Providers  # chatbot / chatgpt, one SDK client each
    guide: Guide  # the rules' section index for /guide, built once at start-up

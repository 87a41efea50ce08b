"""Everything a handler may call, built once by ``app.create_app``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from org import Directory
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

"""Commands and card actions, routed to the handler modules under ``bot/handlers``.

A message is a command when, after the bot's @mention is removed, it starts with ``/name``
(a full-width ／ counts) or its whole first word is ``name``, case-insensitively. Commands
are never forwarded to a model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from bot.turn import Turn

CommandHandler = Callable[[Turn, str], Awaitable[None]]
# An action returns the card that replaces the one clicked, a short text, or None.
ActionResult = dict[str, Any] | str | None
ActionHandler = Callable[[Turn, dict[str, Any]], Awaitable[ActionResult]]

# The one list of handler modules. Each exposes COMMANDS and ACTIONS dicts.
HANDLER_MODULES: tuple[str, ...] = (
    "bot.handlers.chat",
    "bot.handlers.approvals",
    "bot.handlers.applications",
    "bot.handlers.admin",
    "bot.handlers.reports",
    "bot.handlers.guide",
)


_FIRST_WORD = re.compile(r"\s*(\S+)\s*(.*)", re.DOTALL)


class ActionError(Exception):
    """A refused card action; the message (Japanese) is shown to the person who clicked."""


@dataclass(frozen=True)
class Command:
    name: str
    args: str


class Router:
    def __init__(self, modules: tuple[str, ...] = HANDLER_MODULES):
        self.commands: dict[str, CommandHandler] = {}
        self.actions: dict[str, ActionHandler] = {}
        for name in modules:
            module = import_module(name)
            for table, target in ((module.COMMANDS, self.commands), (module.ACTIONS, self.actions)):
                for key, handler in table.items():
                    if key in target:
                        raise RuntimeError(f"{name}: '{key}' is already routed")
                    target[key] = handler

    def parse_command(self, text: str) -> Command | None:
        match = _FIRST_WORD.match(text)
        if not match:
            return None
        head, rest = match.group(1), match.group(2).strip()
        # NFKC folds the full-width slash and letters (／ＧＵＩＤＥ) into their ASCII forms.
        word = unicodedata.normalize("NFKC", head).lower()
        if word.startswith("/"):
            return Command(name=word[1:], args=rest)
        if word in self.commands:
            return Command(name=word, args=rest)
        return None

"""The chat path (issue 2): screen, forward, answer. Being built; see docs/architecture.md."""

from __future__ import annotations

from bot.router import ActionHandler, CommandHandler
from bot.turn import Turn

COMMANDS: dict[str, CommandHandler] = {}
ACTIONS: dict[str, ActionHandler] = {}


async def on_prompt(turn: Turn) -> None:
    await turn.send_text("準備中です。")

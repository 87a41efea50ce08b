"""``/guide``, ``/help`` and the ``guide.open`` / ``guide.contents`` buttons.

Answers come from the rules' own text (``services.guide``, indexed once at start-up), never from
a model. Block and notice cards of the chat path link here with ``guide.open {"section": id}``.
"""

from __future__ import annotations

from typing import Any

from bot.router import ActionError, ActionHandler, ActionResult, CommandHandler
from bot.turn import Turn
from cards import guide as guide_cards
from cards.help import help_card
from policy.guide import Guide
from policy.guide.present import answer_view, contents_view, section_view

# A question longer than this is a pasted document, not a question about the rules.
MAX_QUESTION_CHARS = 200
TOO_LONG = f"質問は {MAX_QUESTION_CHARS} 文字以内で入力してください。例: /guide マイナンバーは入力していい?"
NOT_FOUND = "この項目は見つかりませんでした。ルールが改定された可能性があります。目次から選び直してください。"


def section_card_for(guide: Guide, section_id: str) -> dict[str, Any] | None:
    """The card of one section (a leaf in full, a parent as a list), or None for an unknown id."""
    if section_id not in guide.tree:
        return None
    return guide_cards.section_card(section_view(guide, section_id))


async def guide(turn: Turn, args: str) -> None:
    question = args.strip()
    rules = turn.services.guide
    if not question:
        await turn.send_card(guide_cards.contents_card(contents_view(rules)))
        return
    if len(question) > MAX_QUESTION_CHARS:
        await turn.send_text(TOO_LONG)
        return
    await turn.send_card(guide_cards.answer_card(answer_view(rules, question)))


async def help_command(turn: Turn, args: str) -> None:
    await turn.send_card(help_card())


async def open_section(turn: Turn, data: dict[str, Any]) -> ActionResult:
    section_id = data.get("section")
    card = section_card_for(turn.services.guide, section_id) if isinstance(section_id, str) else None
    if card is None:
        raise ActionError(NOT_FOUND)
    return card


async def contents(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return guide_cards.contents_card(contents_view(turn.services.guide))


COMMANDS: dict[str, CommandHandler] = {"guide": guide, "help": help_command}
ACTIONS: dict[str, ActionHandler] = {"guide.open": open_section, "guide.contents": contents}

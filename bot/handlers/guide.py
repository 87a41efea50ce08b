"""``/guide``, ``/help`` and the ``guide.open`` / ``guide.contents`` / ``guide.summarize`` buttons.

Answers come from the rules' own text (``services.guide``, indexed once at start-up), never from
a model. Block and notice cards of the chat path link here with ``guide.open {"section": id}``.
「AIで要約」 is the one use of a model: the quoted sections go through the chat path (permission,
screening, streaming, AI label, 6-5 notice, exchange record) like any prompt.
"""

from __future__ import annotations

from typing import Any

from bot.handlers import approvals, chat
from bot.router import ActionError, ActionHandler, ActionResult, CommandHandler
from bot.turn import Turn
from cards import guide as guide_cards
from cards.help import help_card
from policy.guide import Guide
from policy.guide.present import answer_view, contents_view, link, section_view
from policy.guide.summary import MAX_SECTIONS, summary_prompt
from policy.model import Verdict
from workflows.chat import chosen_service

# A question longer than this is a pasted document, not a question about the rules.
MAX_QUESTION_CHARS = 200
TOO_LONG = f"質問は {MAX_QUESTION_CHARS} 文字以内で入力してください。例: /guide マイナンバーは入力していい?"
NOT_FOUND = "この項目は見つかりませんでした。ルールが改定された可能性があります。目次から選び直してください。"
NOT_ALLOWED = "要約には生成AIの利用許可が必要です。案内をこのチャットにお送りしました。"
NOT_SUMMARIZED = (
    "この箇所の本文には入力を止める対象と同じ言葉（秘密情報・非公開など）が含まれるため、AIには送れません。"
    "ルールの本文をご確認ください。"
)


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
    can_summarize = turn.services.llm[await _service(turn)].configured
    await turn.send_card(guide_cards.answer_card(answer_view(rules, question), summarize=can_summarize))


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


async def summarize(turn: Turn, data: dict[str, Any]) -> ActionResult:
    tree = turn.services.guide.tree
    ids = data.get("sections")
    if not isinstance(ids, list) or not 0 < len(ids) <= MAX_SECTIONS:
        raise ActionError(NOT_FOUND)
    if not all(isinstance(i, str) and i in tree and tree[i].is_leaf for i in ids):
        raise ActionError(NOT_FOUND)
    service = await _service(turn)
    if await approvals.admit(turn, service) is None:  # 2章4, 7-1: it is a use of generative AI
        raise ActionError(NOT_ALLOWED)
    # Nothing unscreened leaves, not even the rules' own words: a section whose text trips screening
    # (5-1(3) names 非公開情報) is left out of the summary and named instead.
    allowed = [i for i in ids if chat.screen(summary_prompt(tree, [i])).verdict < Verdict.CONFIRM]
    prompt = summary_prompt(tree, allowed)
    screening = chat.screen(prompt)
    if not allowed or screening.verdict >= Verdict.CONFIRM:
        raise ActionError(NOT_SUMMARIZED)

    async def work(later: Turn) -> None:
        await chat.forward(later, prompt, screening, service=service)

    chat.answer_later(turn, work)
    left_out = [link(tree, tree[i]) for i in ids if i not in allowed]
    return guide_cards.summary_pending_card([link(tree, tree[i]) for i in allowed], left_out)


async def _service(turn: Turn) -> str:
    settings = turn.services.settings
    return await chosen_service(turn.services.store, turn.actor.aad_object_id, settings["DEFAULT_SERVICE"])


COMMANDS: dict[str, CommandHandler] = {"guide": guide, "help": help_command}
ACTIONS: dict[str, ActionHandler] = {
    "guide.open": open_section,
    "guide.contents": contents,
    "guide.summarize": summarize,
}

"""The Teams activity handler: turns activities into commands, messages and card actions."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import AdaptiveCardInvokeResponse, ChannelAccount

from bot import guards, messages
from bot.handlers import chat
from bot.router import ActionError, Router
from bot.services import Services
from bot.turn import ADAPTIVE_CARD, Turn
from cards.messages import error_card, info_card

log = logging.getLogger(__name__)


def invoke_card(card: dict[str, Any], status: int = 200) -> InvokeResponse:
    # Returned from on_invoke_activity as a model so the adapter serialises it once
    # (see reference/botbuilder-pitfalls.md).
    body = AdaptiveCardInvokeResponse(status_code=status, type=ADAPTIVE_CARD, value=card)
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


class CityBot(ActivityHandler):
    def __init__(self, services: Services, router: Router):
        self.services = services
        self.router = router

    async def on_turn(self, turn_context: TurnContext) -> None:
        if turn_context.activity.type in ("message", "invoke", "installationUpdate", "conversationUpdate"):
            await self.services.notifier.remember(turn_context)
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if isinstance(activity.value, dict) and activity.value.get("verb"):
            # Action.Submit from older clients: same routes as Action.Execute.
            result = await self._run_action(turn_context, str(activity.value["verb"]), activity.value)
            if isinstance(result, dict):
                await Turn(turn_context, self.services).send_card(result)
            return
        text = TurnContext.remove_recipient_mention(activity) if activity.entities else (activity.text or "")
        text = (text or "").strip()
        turn = Turn(turn_context, self.services, text)
        if not await guards.within_rate_limit(turn):
            await turn.send_text(messages.RATE_LIMITED)
            return
        if not await guards.device_allowed(turn):
            return
        if not text:
            await turn.send_text(messages.EMPTY_MESSAGE if not activity.attachments else messages.ATTACHMENT_IGNORED)
            return
        command = self.router.parse_command(text)
        if command is None:
            await chat.on_prompt(turn)
            return
        handler = self.router.commands.get(command.name)
        if handler is None:
            await turn.send_text(messages.UNKNOWN_COMMAND.format(name=command.name))
            return
        turn.text = command.args
        await handler(turn, command.args)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return InvokeResponse(status=int(HTTPStatus.BAD_REQUEST), body={"error": messages.UNSUPPORTED_INVOKE})
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        verb = str(action.get("verb") or "")
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        result = await self._run_action(turn_context, verb, data)
        if isinstance(result, dict):
            return invoke_card(result)
        return invoke_card(info_card(result or messages.ACTION_DONE))

    async def _run_action(self, turn_context: TurnContext, verb: str, data: dict[str, Any]) -> Any:
        handler = self.router.actions.get(verb)
        turn = Turn(turn_context, self.services)
        if not await guards.within_rate_limit(turn):
            return error_card(messages.RATE_LIMITED)
        if handler is None:
            return error_card(messages.UNKNOWN_ACTION)
        try:
            return await handler(turn, data)
        except ActionError as refused:
            return error_card(str(refused))

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(m.id != bot_id for m in members_added):
            await Turn(turn_context, self.services).send_text(messages.WELCOME)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await Turn(turn_context, self.services).send_text(messages.WELCOME)

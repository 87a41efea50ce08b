"""What a handler sees of one incoming Teams activity.

Handlers get a ``Turn`` instead of botbuilder's ``TurnContext`` so that the feature code
reads as the guideline's flows and the wire format stays in ``bot/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment

if TYPE_CHECKING:
    from bot.services import Services
    from bot.streaming import AnswerStream

Scope = Literal["personal", "groupChat", "channel"]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# TurnContext.turn_state key of the answer stream a turn opened (bot/streaming.py).
STREAM_STATE = "answer_stream"


@dataclass(frozen=True)
class Actor:
    """The person behind an activity, as Teams authenticated them."""

    aad_object_id: str
    name: str
    tenant_id: str | None
    channel_user_id: str

    @classmethod
    def from_activity(cls, activity: Activity) -> Actor:
        account = activity.from_property
        tenant = None
        if activity.conversation is not None and activity.conversation.tenant_id:
            tenant = activity.conversation.tenant_id
        channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        tenant = ((channel_data.get("tenant") or {}).get("id")) or tenant
        return cls(
            aad_object_id=(account.aad_object_id or "") if account else "",
            name=(account.name or "") if account else "",
            tenant_id=tenant,
            channel_user_id=(account.id or "") if account else "",
        )


def card_attachment(card: dict) -> Attachment:
    return Attachment(content_type=ADAPTIVE_CARD, content=card)


def open_stream(context: TurnContext) -> AnswerStream | None:
    """The answer stream this turn opened and has not closed: progress shown before the outcome
    of a message was known (bot/handlers/chat.py). The turn's next message closes it, whichever
    message that is (a refusal, a card, the answer, the error message)."""
    stream: AnswerStream | None = context.turn_state.get(STREAM_STATE)
    return stream if stream is not None and not stream.finished else None


class Turn:
    def __init__(self, context: TurnContext, services: Services, text: str = ""):
        self.context = context
        self.services = services
        self.text = text
        self.actor = Actor.from_activity(context.activity)

    @property
    def scope(self) -> Scope:
        kind = (self.context.activity.conversation.conversation_type or "personal") \
            if self.context.activity.conversation else "personal"
        return kind if kind in ("groupChat", "channel") else "personal"  # type: ignore[return-value]

    @property
    def is_personal(self) -> bool:
        return self.scope == "personal"

    async def send_text(self, text: str) -> str | None:
        if stream := open_stream(self.context):
            return await stream.finish(text)
        response = await self.context.send_activity(MessageFactory.text(text))
        return response.id if response else None

    async def send_card(self, card: dict, text: str | None = None) -> str | None:
        if stream := open_stream(self.context):
            return await stream.finish(text, card=card)
        activity = MessageFactory.attachment(card_attachment(card), text=text)
        response = await self.context.send_activity(activity)
        return response.id if response else None

    async def update_card(self, activity_id: str, card: dict) -> None:
        activity = MessageFactory.attachment(card_attachment(card))
        activity.id = activity_id
        await self.context.update_activity(activity)

    async def typing(self) -> None:
        await self.context.send_activity(Activity(type=ActivityTypes.typing))

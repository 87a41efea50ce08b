"""Showing an answer while it is generated, the way Teams allows it.

Personal chats use Teams streaming: an informative ``typing`` activity with a ``streaminfo``
entity opens the stream (its id comes back), ``streaming`` updates carry the whole text so far
with increasing sequence numbers, and the ``final`` message closes it. Group chats and
channels get a typing indicator and one final message. The AI label entity goes on the final
message only.

botbuilder-schema keeps only ``type`` of an entity given as a dict or a plain ``Entity``, so
each entity here is an ``Entity`` subclass that declares its fields (botbuilder-pitfalls.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, Entity

from bot.turn import STREAM_STATE, card_attachment

log = logging.getLogger(__name__)

# Teams ends a stream after two minutes; updates stop a little earlier so the final fits.
STREAM_WINDOW_S = 100.0
# A typing indicator shows for about three seconds; renewed while the answer is generated.
TYPING_RENEW_S = 3.0


class StreamInfo(Entity):
    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {
        "type": {"key": "type", "type": "str"},
        "stream_id": {"key": "streamId", "type": "str"},
        "stream_type": {"key": "streamType", "type": "str"},
        "stream_sequence": {"key": "streamSequence", "type": "int"},
    }

    def __init__(
        self, *, stream_type: str, stream_id: str | None = None, stream_sequence: int | None = None, **kwargs: Any
    ):
        super().__init__(type="streaminfo", **kwargs)
        self.stream_id = stream_id
        self.stream_type = stream_type
        self.stream_sequence = stream_sequence


class AIGeneratedMessage(Entity):
    """The one root ``https://schema.org/Message`` entity that shows Teams' "AI generated" label."""

    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {
        "type": {"key": "type", "type": "str"},
        "at_type": {"key": "@type", "type": "str"},
        "at_context": {"key": "@context", "type": "str"},
        "additional_type": {"key": "additionalType", "type": "[str]"},
    }

    def __init__(self, **kwargs: Any):
        super().__init__(type="https://schema.org/Message", **kwargs)
        self.at_type = "Message"
        self.at_context = "https://schema.org"
        self.additional_type = ["AIGeneratedContent"]


def _stream_channel_data(info: StreamInfo) -> dict[str, Any]:
    # Microsoft's own SDKs mirror the stream fields in channelData; Teams accepts either.
    data: dict[str, Any] = {"streamType": info.stream_type}
    if info.stream_id:
        data["streamId"] = info.stream_id
    if info.stream_sequence is not None:
        data["streamSequence"] = info.stream_sequence
    return data


class AnswerStream:
    """One answer on its way to the user: progress at once, updates, then the final message."""

    def __init__(self, context: TurnContext, *, personal: bool, interval_s: float):
        self._context = context
        self._personal = personal
        self._interval = interval_s
        self._stream_id: str | None = None
        self._sequence = 0
        self._started = 0.0
        self._last_sent = 0.0
        self._last_text = ""
        self._finished = False

    @property
    def streaming(self) -> bool:
        return self._stream_id is not None

    @property
    def finished(self) -> bool:
        return self._finished

    async def start(self, informative: str) -> None:
        """Progress right away: Teams' informative update in personal chats, else typing.

        The turn's next message closes the stream (``bot.turn.open_stream``)."""
        self._context.turn_state[STREAM_STATE] = self
        self._started = self._last_sent = time.monotonic()
        if not self._personal:
            await self._context.send_activity(Activity(type=ActivityTypes.typing))
            return
        self._sequence = 1
        info = StreamInfo(stream_type="informative", stream_sequence=1)
        try:
            response = await self._context.send_activity(self._typing(informative, info))
        except Exception as error:  # a client without streaming: typing now, one final message later
            log.info("streaming not available (%s); sending the answer at the end", type(error).__name__)
            await self._context.send_activity(Activity(type=ActivityTypes.typing))
            return
        self._stream_id = response.id if response else None

    async def update(self, screened_text: Callable[[], str]) -> None:
        """Show the text so far if the interval has passed; ``screened_text`` is asked only then."""
        now = time.monotonic()
        if not self.streaming:
            if now - self._last_sent >= TYPING_RENEW_S:
                self._last_sent = now
                await self._context.send_activity(Activity(type=ActivityTypes.typing))
            return
        if now - self._last_sent < self._interval or now - self._started > STREAM_WINDOW_S:
            return
        text = screened_text()
        if not text or text == self._last_text:
            return
        self._sequence += 1
        info = StreamInfo(stream_type="streaming", stream_id=self._stream_id, stream_sequence=self._sequence)
        try:
            await self._context.send_activity(self._typing(text, info))
        except Exception as error:  # throttled or refused: the final message still carries everything
            log.info("stream update refused: %s", type(error).__name__)
        self._last_sent = time.monotonic()
        self._last_text = text

    async def finish(
        self, text: str | None = None, *, card: dict[str, Any] | None = None, ai_generated: bool = False
    ) -> str | None:
        """Send the final message (closing the stream when there is one); returns its id."""
        self._finished = True
        activity = Activity(type=ActivityTypes.message, text=text)
        if card is not None:
            activity.attachments = [card_attachment(card)]
        entities: list[Entity] = []
        if ai_generated:
            entities.append(AIGeneratedMessage())
        if self.streaming:
            info = StreamInfo(stream_type="final", stream_id=self._stream_id)
            try:
                response = await self._context.send_activity(self._with(activity, [info, *entities], info))
                return response.id if response else None
            except Exception as error:  # e.g. the stream outlived Teams' two minutes
                log.warning("final stream message refused (%s); sending it as a new message", type(error).__name__)
        activity.entities = entities or None
        activity.channel_data = None
        response = await self._context.send_activity(activity)
        return response.id if response else None

    def _typing(self, text: str, info: StreamInfo) -> Activity:
        return self._with(Activity(type=ActivityTypes.typing, text=text), [info], info)

    @staticmethod
    def _with(activity: Activity, entities: list[Entity], info: StreamInfo) -> Activity:
        activity.entities = entities
        activity.channel_data = _stream_channel_data(info)
        return activity

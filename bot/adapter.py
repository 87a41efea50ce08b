"""botbuilder's ``CloudAdapter`` with a cheaper ``TurnContext`` for sending.

``TurnContext.send_activities`` deep-copies every activity before addressing it (``copy.deepcopy``
of the activity, its entities and the whole card) and builds the incoming activity's conversation
reference again, with three more copies, for every activity sent and every update. Under load that
was ~2.7 % of the bot's CPU (py-spy, bench/load.py), for activities the bot has just built and
never touches again. ``CityTurnContext`` sends a shallow copy instead, which is as far as addressing
writes (``channel_id``, ``conversation``, ``from``, ``recipient``, ``reply_to_id``, ``input_hint``,
``id``): the caller's activity is left as it was, as before. Its nested values (entities,
attachments, the card) are shared with the copy and only read by the send. The conversation
reference is built once a turn. Everything else is botbuilder's: the send hooks, ``expectReplies``
buffering, ``responded``.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ConversationReference, DeliveryModes, ResourceResponse


class CityTurnContext(TurnContext):
    _reference: ConversationReference | None = None
    _reference_of: Activity | None = None

    def conversation_reference(self) -> ConversationReference:
        """``TurnContext.get_conversation_reference(self.activity)``, built once for the activity."""
        activity = self.activity
        if self._reference is None or self._reference_of is not activity:
            self._reference = TurnContext.get_conversation_reference(activity)
            self._reference_of = activity
        return self._reference

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        reference = self.conversation_reference()
        output = [TurnContext.apply_conversation_reference(copy(activity), reference) for activity in activities]
        sent_non_trace_activity = False
        for activity in output:  # botbuilder's activity_validator
            if not activity.type:
                activity.type = ActivityTypes.message
            if activity.type != ActivityTypes.trace:
                sent_non_trace_activity = True
            if not activity.input_hint:
                activity.input_hint = "acceptingInput"
            activity.id = None

        async def logic() -> list[ResourceResponse]:
            if self.activity.delivery_mode == DeliveryModes.expect_replies:
                responses = []
                for activity in output:
                    self.buffered_reply_activities.append(activity)
                    if activity.type == ActivityTypes.invoke_response:
                        self.turn_state[TurnContext._INVOKE_RESPONSE_KEY] = activity
                    responses.append(ResourceResponse())
            else:
                responses = await self.adapter.send_activities(self, output)
            if sent_non_trace_activity:
                self.responded = True
            return responses

        return await self._emit(self._on_send_activities, output, logic())

    async def update_activity(self, activity: Activity) -> ResourceResponse | None:
        return await self._emit(
            self._on_update_activity,
            TurnContext.apply_conversation_reference(activity, self.conversation_reference()),
            self.adapter.update_activity(self, activity),
        )


class CityAdapter(CloudAdapter):
    """``CloudAdapter`` whose turns (incoming and proactive) run on ``CityTurnContext``."""

    def _create_turn_context(self, activity: Activity, *args: Any, **kwargs: Any) -> TurnContext:
        # The SDK's own context carries the turn state its adapter expects; only the class changes.
        sdk_context = super()._create_turn_context(activity, *args, **kwargs)
        context = CityTurnContext(self, activity)
        context.turn_state.update(sdk_context.turn_state)
        return context


"""The turn context the bot's adapter gives every turn (bot/adapter.py): it sends, addresses and
updates exactly what botbuilder's ``TurnContext`` does, and leaves the caller's activity as it was."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference, DeliveryModes, ResourceResponse

from bot import wire
from bot.adapter import CityAdapter, CityTurnContext
from bot.connector import _dumps
from tests.bot.test_wire import SERVICE_URL, SHAPES, msrest_json
from tests.support.teams import YAMADA, message

ACTIVITIES = {name: shape for name, shape in SHAPES.items() if isinstance(shape, Activity)}


class Conversations:
    """What the adapter hands the connector client: the operation and the bytes it would send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str | None, bytes]] = []

    async def reply_to_activity(self, conversation_id: str, activity_id: str, activity: Activity) -> ResourceResponse:
        self.sent.append(("reply", conversation_id, activity_id, _dumps(activity)))
        return ResourceResponse(id=f"sent-{len(self.sent)}")

    async def send_to_conversation(self, conversation_id: str, activity: Activity) -> ResourceResponse:
        self.sent.append(("send", conversation_id, None, _dumps(activity)))
        return ResourceResponse(id=f"sent-{len(self.sent)}")

    async def update_activity(self, conversation_id: str, activity_id: str, activity: Activity) -> ResourceResponse:
        self.sent.append(("update", conversation_id, activity_id, _dumps(activity)))
        return ResourceResponse(id=activity_id)


ADAPTER = CityAdapter(SimpleNamespace())


def turn(cls: type[TurnContext], body: dict[str, Any]) -> tuple[TurnContext, Conversations]:
    context = cls(ADAPTER, wire.deserialize(Activity, body))
    conversations = Conversations()
    context.turn_state[ADAPTER.BOT_CONNECTOR_CLIENT_KEY] = SimpleNamespace(conversations=conversations)
    return context, conversations


def both(kind: str) -> tuple[tuple[TurnContext, Conversations], tuple[TurnContext, Conversations]]:
    """botbuilder's context and the bot's, on the same incoming message."""
    body = message(YAMADA, SERVICE_URL, "質問です", kind=kind)
    return turn(TurnContext, body), turn(CityTurnContext, body)


@pytest.mark.parametrize("kind", ["personal", "groupChat", "channel"])
async def test_every_activity_goes_out_as_botbuilder_sends_it_and_the_callers_copy_is_untouched(kind: str) -> None:
    (sdk, sdk_sent), (ours, our_sent) = both(kind)
    for name, shape in ACTIVITIES.items():
        activity = copy.deepcopy(shape)
        before = msrest_json(activity)

        expected = await sdk.send_activity(copy.deepcopy(shape))
        response = await ours.send_activity(activity)

        assert response.id == expected.id, name
        assert our_sent.sent[-1] == sdk_sent.sent[-1], name
        assert msrest_json(activity) == before, name
    assert ours.responded and sdk.responded


async def test_a_card_update_is_addressed_as_botbuilder_addresses_it() -> None:
    (sdk, sdk_sent), (ours, our_sent) = both("personal")
    update = SHAPES[next(name for name in SHAPES if name.endswith(" update"))]

    await sdk.update_activity(copy.deepcopy(update))
    await ours.update_activity(copy.deepcopy(update))

    assert our_sent.sent == sdk_sent.sent and our_sent.sent[0][0] == "update"


async def test_send_hooks_and_expect_replies_work_as_in_botbuilder() -> None:
    ours, sent = turn(CityTurnContext, {**message(YAMADA, SERVICE_URL, "質問です"), "deliveryMode": DeliveryModes.expect_replies})
    seen: list[str] = []

    async def hook(context: TurnContext, activities: list[Activity], next_send: Any) -> None:
        seen.extend(a.conversation.id for a in activities)  # already addressed to the conversation
        await next_send()

    ours.on_send_activities(hook)
    await ours.send_activities([Activity(type="message", text="一"), Activity(type="typing")])

    assert sent.sent == []  # buffered for the invoke response instead of sent
    assert [a.text for a in ours.buffered_reply_activities] == ["一", None]
    assert seen == [f"a:personal-{YAMADA.channel_id}"] * 2
    assert ours.responded


async def test_the_reference_follows_the_turns_activity() -> None:
    ours, _ = turn(CityTurnContext, message(YAMADA, SERVICE_URL, "質問です"))
    first = ours.conversation_reference()
    assert first is ours.conversation_reference()
    assert isinstance(first, ConversationReference) and first.activity_id == ours.activity.id

    ours.activity = wire.deserialize(Activity, message(YAMADA, SERVICE_URL, "次です", kind="groupChat"))

    assert ours.conversation_reference().conversation.id == ours.activity.conversation.id != first.conversation.id

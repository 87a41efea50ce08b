"""What the bot puts on the wire to the Bot Connector (bot/wire.py): byte for byte the JSON msrest's
``Model.serialize`` makes, for every shape of activity the bot sends, addressed the way the adapter
addresses them (the conversation reference of a Teams message in each kind of conversation)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    CardAction,
    ChannelAccount,
    ConversationParameters,
    ConversationResourceResponse,
    Mention,
    ResourceResponse,
    SuggestedActions,
)
from botbuilder.schema.teams import TeamsChannelData, TenantInfo

from bot import wire
from bot.connector import _dumps
from bot.streaming import AIGeneratedMessage, AnswerStream, StreamInfo
from bot.turn import card_attachment
from cards.samples import build_all
from tests.support.teams import BOT_ID, BOT_NAME, TENANT_ID, YAMADA, card_action, message

SERVICE_URL = "https://smba.trafficmanager.net/jp/"
CARDS = build_all()
TEXT = "個人情報保護の観点から、氏名や住所は入力しないでください。\n\n**太字** と \"引用\" と \\ と \u2028 と 😀"


def msrest_json(model: Any) -> bytes:
    """The reference: what the SDK's client sent (Model.serialize), in the connector's encoding."""
    return json.dumps(model.serialize(), ensure_ascii=False, separators=(",", ":")).encode()


def addressed(activity: Activity, kind: str) -> Activity:
    """As TurnContext.send_activity sends it: the incoming message's conversation reference applied."""
    incoming = Activity().deserialize(message(YAMADA, SERVICE_URL, "質問です", kind=kind, mention=kind != "personal"))
    reference = TurnContext.get_conversation_reference(incoming)
    return TurnContext.apply_conversation_reference(activity, reference)


def stream() -> AnswerStream:
    return AnswerStream(None, personal=True, interval_s=1.0)  # type: ignore[arg-type]


def outgoing() -> dict[str, Activity | ConversationParameters]:
    shapes: dict[str, Activity | ConversationParameters] = {
        "text": MessageFactory.text(TEXT),
        "empty text": MessageFactory.text(""),
        "typing": Activity(type=ActivityTypes.typing),
        "informative update": stream()._typing("回答を準備しています…", StreamInfo(stream_type="informative")),
        "streaming update": stream()._typing(
            TEXT, StreamInfo(stream_type="streaming", stream_id="stream-1", stream_sequence=3)),
        "final with AI label": AnswerStream._with(
            Activity(type=ActivityTypes.message, text=TEXT),
            [StreamInfo(stream_type="final", stream_id="stream-1"), AIGeneratedMessage()],
            StreamInfo(stream_type="final", stream_id="stream-1")),
        "final card with AI label": AnswerStream._with(
            Activity(type=ActivityTypes.message, text=None, attachments=[card_attachment(CARDS[next(iter(CARDS))])]),
            [StreamInfo(stream_type="final", stream_id="stream-1"), AIGeneratedMessage()],
            StreamInfo(stream_type="final", stream_id="stream-1")),
        "message with AI label, no stream": Activity(type=ActivityTypes.message, text=TEXT, entities=[AIGeneratedMessage()]),
        "mention and suggested actions": Activity(
            type="message", text=f"<at>{YAMADA.name}</at> さん", entities=[Mention(
                mentioned=ChannelAccount(id=YAMADA.channel_id, name=YAMADA.name), text=f"<at>{YAMADA.name}</at>", type="mention")],
            suggested_actions=SuggestedActions(to=[YAMADA.channel_id], actions=[
                CardAction(type="imBack", title="はい", value="はい"), CardAction(type="imBack", title="いいえ", value=None)])),
        "timestamps": Activity(
            type=ActivityTypes.message, text="時刻", timestamp=datetime(2026, 11, 26, 5, 0, 0, 123456, tzinfo=UTC),
            local_timestamp=datetime(2026, 11, 26, 14, 0, tzinfo=timezone(timedelta(hours=9))),
            channel_data={"notification": {"alert": True}, "count": 2, "ratio": 0.5, "none": None, 3: "int key",
                          "nested": [[1, None, "二"], {"at": datetime(2026, 1, 1, tzinfo=UTC)}]}),
        "conversation parameters": ConversationParameters(
            is_group=False, bot=ChannelAccount(id=BOT_ID, name=BOT_NAME),
            members=[ChannelAccount(id=YAMADA.aad_object_id)], tenant_id=TENANT_ID,
            channel_data=TeamsChannelData(tenant=TenantInfo(id=TENANT_ID))),
        "conversation parameters, no bot": ConversationParameters(
            is_group=False, bot=None, members=[ChannelAccount(id=YAMADA.aad_object_id)], tenant_id=None,
            channel_data=TeamsChannelData(tenant=TenantInfo(id=None))),
    }
    for name, card in CARDS.items():
        shapes[f"card {name}"] = MessageFactory.attachment(card_attachment(card))
        shapes[f"card {name} with text"] = MessageFactory.attachment(card_attachment(card), text=TEXT)
        update = MessageFactory.attachment(card_attachment(card))
        update.id = "activity-7"
        shapes[f"card {name} update"] = update
    return shapes


SHAPES = outgoing()


@pytest.mark.parametrize("kind", ["personal", "groupChat", "channel"])
@pytest.mark.parametrize("name", list(SHAPES))
def test_the_bot_sends_what_msrest_would(name: str, kind: str) -> None:
    model = copy.deepcopy(SHAPES[name])
    if isinstance(model, Activity):
        model = addressed(model, kind)
    expected = msrest_json(model)

    assert _dumps(model) == expected
    assert msrest_json(model) == expected  # and the activity itself was left as it was


@pytest.mark.parametrize("kind", ["personal", "groupChat", "channel"])
def test_the_conversation_reference_kept_for_every_message_is_what_msrest_makes(kind: str) -> None:
    incoming = Activity().deserialize(message(YAMADA, SERVICE_URL, "質問です", kind=kind))
    reference = TurnContext.get_conversation_reference(incoming)

    assert wire.serialize(reference) == reference.serialize()
    assert json.dumps(wire.serialize(reference), ensure_ascii=False) == json.dumps(reference.serialize(), ensure_ascii=False)


def incoming() -> dict[str, dict[str, Any]]:
    """What Teams POSTs (tests/support/teams.py), in every kind of conversation, and the odd cases."""
    shapes: dict[str, dict[str, Any]] = {}
    for kind in ("personal", "groupChat", "channel"):
        shapes[f"message {kind}"] = message(YAMADA, SERVICE_URL, TEXT, kind=kind)
        shapes[f"mention {kind}"] = message(YAMADA, SERVICE_URL, "/guide 機密性2", kind=kind, mention=True)
        shapes[f"card action {kind}"] = card_action(
            YAMADA, SERVICE_URL, "report.submit", {"exchange": "e1"}, kind=kind, inputs={"note": "誤り", "n": 2})
    base = message(YAMADA, SERVICE_URL, "添付")
    shapes["attachments and Action.Submit value"] = {
        **base, "attachments": [{"contentType": "text/html", "content": "<p>表</p>"},
                                {"contentType": "application/vnd.microsoft.teams.file.download.info", "name": "a.pdf",
                                 "content": {"downloadUrl": "https://example.invalid/a", "fileType": "pdf"}}],
        "value": {"verb": "chat.retry", "prompt": "p1", "flags": [True, None, 1.5]}}
    shapes["conversation update"] = {
        **base, "type": "conversationUpdate", "text": None,
        "membersAdded": [{"id": BOT_ID, "name": BOT_NAME}, {"id": YAMADA.channel_id, "aadObjectId": YAMADA.aad_object_id}]}
    shapes["installation update"] = {**base, "type": "installationUpdate", "action": "add", "text": None}
    shapes["odd values"] = {
        **base, "text": 12, "localTimestamp": "2026-11-26T14:00:00.000+09:00", "timestamp": "2026-11-26T05:00:00Z",
        "listenFor": ["はい", None], "unknownField": {"x": [1, {"y": None}]}, "replyToId": None,
        "from": {"id": YAMADA.channel_id, "role": "user", "properties": {"a": 1}}, "textHighlights": [{"text": "a", "occurrence": 1}]}
    for stamp, local in (("2026-11-26T05:00:00.1234567Z", "2026-11-26T14:00:00.1234567+09:00"),  # as Teams sends them
                         ("2026-11-26t05:00:00.5z", "2026-11-25T19:30:00.000001-09:30"),
                         ("2026-11-26T05:00:00+00:00", "0001-01-01T09:00:00+09:00"),
                         ("9999-12-31T23:59:59.999999Z", "2026-11-26T05:00:00.1234567")):
        shapes[f"timestamps {stamp} {local}"] = {**base, "timestamp": stamp, "localTimestamp": local}
    return shapes


INCOMING = incoming()


@pytest.mark.parametrize("name", list(INCOMING))
def test_an_incoming_activity_reads_as_msrest_reads_it(name: str) -> None:
    body = INCOMING[name]
    original = copy.deepcopy(body)
    expected = Activity().deserialize(copy.deepcopy(body))

    read = wire.deserialize(Activity, body)

    assert type(read) is Activity
    assert read == expected  # msrest's Model.__eq__: every attribute, nested models included
    assert read.additional_properties == expected.additional_properties
    assert [vars(e) for e in read.entities or []] == [vars(e) for e in expected.entities or []]
    assert vars(read.from_property) == vars(expected.from_property)
    for moment, msrest_moment in ((read.timestamp, expected.timestamp), (read.local_timestamp, expected.local_timestamp)):
        if msrest_moment is not None:  # the same tzinfo as isodate's, not only the same instant
            assert (type(moment.tzinfo), moment.tzname(), moment.utcoffset(), moment.isoformat()) == \
                (type(msrest_moment.tzinfo), msrest_moment.tzname(), msrest_moment.utcoffset(), msrest_moment.isoformat())
    assert body == original  # the request body is left as it came


@pytest.mark.parametrize("body", [
    {"type": "message", "entities": "not a list"}, {"type": "message", "from": "someone"},
    {"type": "message", "timestamp": "yesterday"}, {"type": "message", "membersAdded": [3]},
    {"type": "message", "timestamp": "2026-13-01T00:00:00Z"}, {"type": "message", "timestamp": "0001-01-01T00:00:00+09:00"},
    {"type": "message", "timestamp": "２０２６-11-26T05:00:00Z"},
])
def test_a_malformed_activity_fails_as_with_msrest(body: dict[str, Any]) -> None:
    with pytest.raises(Exception) as expected:
        Activity().deserialize(copy.deepcopy(body))
    with pytest.raises(type(expected.value)):
        wire.deserialize(Activity, body)


def test_the_connector_answers_read_as_msrest_reads_them() -> None:
    for cls, body in ((ResourceResponse, {"id": "1:abc"}), (ResourceResponse, {}),
                      (ConversationResourceResponse, {"id": "a:1", "activityId": "x", "serviceUrl": SERVICE_URL})):
        assert wire.deserialize(cls, body) == cls.deserialize(body)


def test_every_card_the_bot_has_is_covered() -> None:
    assert len(CARDS) > 20
    assert {f"card {name}" for name in CARDS} <= set(SHAPES)

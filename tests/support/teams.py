"""Teams as seen by the bot: activities shaped like the ones Teams POSTs to /api/messages."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp

TENANT_ID = "11111111-1111-1111-1111-111111111111"
BOT_ID = "28:22222222-2222-2222-2222-222222222222"
BOT_NAME = "生成AIアシスタント"


@dataclass(frozen=True)
class User:
    channel_id: str  # Teams MRI of the user (29:…)
    aad_object_id: str
    name: str


# The same people as ../shared/tools/examples/playground-config.ja.yml and data/org.csv.
YAMADA = User("user-yamada", "33333333-3333-3333-3333-333333333333", "山田 太郎")
SATO = User("user-sato", "44444444-4444-4444-4444-444444444444", "佐藤 花子")

_ids = itertools.count(1)


def conversation(user: User, kind: str = "personal") -> dict[str, Any]:
    if kind == "personal":
        return {"conversationType": "personal", "id": f"a:personal-{user.channel_id}", "tenantId": TENANT_ID}
    if kind == "groupChat":
        return {"conversationType": "groupChat", "id": "19:group-chat-1@thread.v2", "isGroup": True,
                "tenantId": TENANT_ID}
    return {"conversationType": "channel", "id": "19:channel-2@thread.tacv2;messageid=1", "isGroup": True,
            "tenantId": TENANT_ID}


def activity(
    user: User, service_url: str, *, kind: str = "personal", **fields: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": f"in-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2026-11-26T05:00:00.000Z",
        "from": {"id": user.channel_id, "name": user.name, "aadObjectId": user.aad_object_id},
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": conversation(user, kind),
        "channelData": {"tenant": {"id": TENANT_ID}},
        "locale": "ja-JP",
        "entities": [{"type": "clientInfo", "locale": "ja-JP", "platform": "Windows", "timezone": "Asia/Tokyo"}],
    }
    if kind == "channel":
        base["channelData"].update({"team": {"id": "19:team-1@thread.tacv2"}, "channel": {"id": "19:channel-2@thread.tacv2"}})
    base.update(fields)
    return base


def message(user: User, service_url: str, text: str, *, kind: str = "personal", mention: bool = False) -> dict[str, Any]:
    entities = []
    if mention:
        tag = f"<at>{BOT_NAME}</at>"
        text = f"{tag} {text}"
        entities.append({"type": "mention", "text": tag, "mentioned": {"id": BOT_ID, "name": BOT_NAME}})
    act = activity(user, service_url, kind=kind, type="message", text=text, textFormat="plain")
    act["entities"] = act["entities"] + entities
    return act


def card_action(user: User, service_url: str, verb: str, data: dict[str, Any], *, kind: str = "personal",
                inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ``adaptiveCard/action`` invoke, as Teams sends for an Action.Execute click."""
    return activity(
        user, service_url, kind=kind, type="invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": {**data, **(inputs or {})}}},
        replyToId=str(uuid.uuid4()),
    )


class BotClient:
    """Posts activities to the bot's /api/messages over HTTP."""

    def __init__(self, bot_url: str, service_url: str, session: aiohttp.ClientSession):
        self.bot_url = bot_url
        self.service_url = service_url
        self.session = session

    async def post(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, Any]:
        async with self.session.post(f"{self.bot_url}/api/messages", json=body, headers=headers or {}) as resp:
            payload = await resp.json(content_type=None) if resp.content_length != 0 else None
            return resp.status, payload

    async def say(self, user: User, text: str, **kw: Any) -> tuple[int, Any]:
        return await self.post(message(user, self.service_url, text, **kw))

    async def click(self, user: User, verb: str, data: dict[str, Any], **kw: Any) -> tuple[int, Any]:
        return await self.post(card_action(user, self.service_url, verb, data, **kw))

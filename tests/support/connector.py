"""A Bot Connector service on loopback: what Teams' connector does with the bot's replies.

It accepts the Bot Framework REST calls a bot makes (send, reply, update, delete, create
conversation), keeps every activity it receives with its arrival time, and lets a test wait
for the ones it expects.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.loopback import serve


@dataclass
class Received:
    operation: str  # send | reply | update | delete | create
    conversation_id: str
    activity: dict[str, Any]
    activity_id: str
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"] for a in self.activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]


class Connector:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.conversations: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_delete("/v3/conversations/{cid}/activities/{aid}", self._delete)
        self._runner, base = await serve(app)
        self.url = f"{base}/"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _record(self, operation: str, request: web.Request, activity_id: str | None = None) -> Received:
        body = await request.json() if request.can_read_body else {}
        item = Received(
            operation, request.match_info.get("cid", ""), body, activity_id or f"act-{next(self._ids)}"
        )
        async with self._changed:
            self.received.append(item)
            self._changed.notify_all()
        return item

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        conversation_id = f"a:proactive-{next(self._ids)}"
        self.conversations.append({"id": conversation_id, **body})
        activity = body.get("activity")
        if activity:
            item = Received("create", conversation_id, activity, f"act-{next(self._ids)}")
            async with self._changed:
                self.received.append(item)
                self._changed.notify_all()
        return web.json_response({"id": conversation_id, "activityId": "", "serviceUrl": self.url})

    async def _send(self, request: web.Request) -> web.Response:
        item = await self._record("send", request)
        return web.json_response({"id": item.activity_id})

    async def _reply(self, request: web.Request) -> web.Response:
        item = await self._record("reply", request)
        return web.json_response({"id": item.activity_id})

    async def _update(self, request: web.Request) -> web.Response:
        item = await self._record("update", request, request.match_info["aid"])
        return web.json_response({"id": item.activity_id})

    async def _delete(self, request: web.Request) -> web.Response:
        await self._record("delete", request, request.match_info["aid"])
        return web.Response(status=200)

    def in_conversation(self, conversation_id: str) -> list[Received]:
        return [r for r in self.received if r.conversation_id == conversation_id]

    async def wait_for(self, predicate, timeout: float = 10.0) -> Received:
        """The first received activity (old or new) for which ``predicate`` is true."""
        async def found() -> Received:
            async with self._changed:
                while True:
                    for item in self.received:
                        if predicate(item):
                            return item
                    await self._changed.wait()

        return await asyncio.wait_for(found(), timeout)

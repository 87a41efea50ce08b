"""The processes around the bot in ``bench/load.py``, one role per process, loopback only.

    .venv/bin/python bench/load_servers.py connector
    .venv/bin/python bench/load_servers.py model --delay 0 --token-rate 0 --answer-chars 240
    .venv/bin/python bench/load_servers.py floor

Each prints one JSON line ``{"url": …, "control": …}`` and serves until stopped. ``control`` is a
second HTTP port of the same process: ``GET /events`` returns what the role saw, with
``time.monotonic()`` times (one clock for every process on the machine), ``POST /reset`` forgets it.

* ``connector``: the tests' Bot Connector (``tests/support/connector.py``); events are the
  activities the bot posted, with their arrival time.
* ``model``: Anthropic Messages and OpenAI Chat Completions (streaming), from the tests' model
  servers' wire formats. Each answer carries a tag (letters only, so answer screening leaves it
  alone) that the final Teams reply repeats: the driver matches a reply to its model request by it.
  Events: request arrival and the time the last token was written.
* ``floor``: a plain aiohttp handler on ``/api/messages`` that posts one reply to the connector,
  with no screening, storage or model call: the floor the bot's added latency is compared to.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import string
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.connector import Connector
from tests.support.model_servers import AnthropicServer, ModelRequest, ModelServer, OpenAIServer

ANSWER = "窓口は平日8時30分から17時までです。土日祝日と年末年始は休みです。混雑する月曜の午前を避けると待ち時間が短くなります。"
TAG_PREFIX = "整理記号"


def new_tag() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=10))


async def _site(app: web.Application) -> str:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return f"http://127.0.0.1:{port}"


def _control(events: Any, reset: Any) -> web.Application:
    app = web.Application()

    async def get_events(_: web.Request) -> web.Response:
        return web.json_response(events())

    async def post_reset(_: web.Request) -> web.Response:
        reset()
        return web.json_response({})

    app.router.add_get("/events", get_events)
    app.router.add_post("/reset", post_reset)
    return app


# --- connector ---------------------------------------------------------------------------------
def _stream_type(activity: dict[str, Any]) -> str | None:
    for entity in activity.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "streaminfo":
            return entity.get("streamType")
    return None


async def connector_role() -> tuple[str, str]:
    connector = Connector()
    await connector.start()

    def events() -> list[dict[str, Any]]:
        return [
            {"conversation": r.conversation_id, "operation": r.operation, "type": r.activity.get("type"),
             "stream": _stream_type(r.activity), "text": r.text[:2000], "cards": len(r.cards),
             "card_text": json.dumps(r.cards, ensure_ascii=False)[:4000] if r.cards else "", "at": r.at}
            for r in connector.received
        ]

    def reset() -> None:
        connector.received.clear()
        connector.conversations.clear()

    return connector.url.rstrip("/"), await _site(_control(events, reset))


# --- model -------------------------------------------------------------------------------------
class TimedModel:
    """Both APIs; answers after ``delay`` seconds, ``token_rate`` pieces a second (0: all at once)."""

    def __init__(self, delay: float, token_rate: float, answer_chars: int, chunk_chars: int):
        self.delay = delay
        self.token_rate = token_rate
        self.answer = (ANSWER * (answer_chars // len(ANSWER) + 1))[:answer_chars]
        self.chunk_chars = chunk_chars
        self.arrived: dict[str, float] = {}
        self.last_token: dict[str, float] = {}

    def handler(self, wire: ModelServer) -> Any:
        async def handle(request: web.Request) -> web.StreamResponse:
            arrived = time.monotonic()
            body = await request.json()
            tag = new_tag()
            self.arrived[tag] = arrived
            recorded = ModelRequest(request.method, request.path, {}, body)
            if self.delay:
                await asyncio.sleep(self.delay)
            text = f"{self.answer}{TAG_PREFIX} {tag} です。"
            pieces = [text[i : i + self.chunk_chars] for i in range(0, len(text), self.chunk_chars)]
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
            await response.prepare(request)
            for event in wire.stream_start(recorded, tag):
                await response.write(event)
            for piece in pieces:
                if self.token_rate:
                    await asyncio.sleep(1 / self.token_rate)
                await response.write(wire.stream_delta(recorded, tag, piece))
            self.last_token[tag] = time.monotonic()
            for event in wire.stream_end(recorded, tag, len(text)):
                await response.write(event)
            await response.write_eof()
            return response

        return handle


async def model_role(options: argparse.Namespace) -> tuple[str, str]:
    model = TimedModel(options.delay, options.token_rate, options.answer_chars, options.chunk_chars)
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post(AnthropicServer.path, model.handler(AnthropicServer()))
    app.router.add_post(OpenAIServer.path, model.handler(OpenAIServer()))

    def events() -> dict[str, Any]:
        return {"arrived": model.arrived, "last_token": model.last_token}

    def reset() -> None:
        model.arrived.clear()
        model.last_token.clear()

    return await _site(app), await _site(_control(events, reset))


# --- floor -------------------------------------------------------------------------------------
async def floor_role() -> tuple[str, str]:
    """The least a bot can do over the same HTTP: read the activity, post one reply, answer 201."""
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def messages(request: web.Request) -> web.Response:
        activity = await request.json()
        conversation = activity["conversation"]["id"]
        reply = {"type": "message", "text": "受け付けました。", "replyToId": activity.get("id"),
                 "conversation": activity["conversation"], "from": activity.get("recipient"),
                 "recipient": activity.get("from")}
        url = f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/{conversation}/activities/{activity.get('id')}"
        async with session.post(url, json=reply) as response:
            await response.read()
        return web.Response(status=201)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return await _site(app), await _site(_control(list, lambda: None))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=("connector", "model", "floor"))
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before the model's first token")
    parser.add_argument("--token-rate", type=float, default=0.0, help="streamed pieces per second (0: at once)")
    parser.add_argument("--answer-chars", type=int, default=240)
    parser.add_argument("--chunk-chars", type=int, default=4)
    options = parser.parse_args()
    if options.role == "connector":
        url, control = await connector_role()
    elif options.role == "model":
        url, control = await model_role(options)
    else:
        url, control = await floor_role()
    print(json.dumps({"url": url, "control": control}), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())

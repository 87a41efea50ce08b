"""The bot's access log (app.AccessLog, as ``python app.py`` serves with it): no line for each activity
Teams delivers, a line for a refused one and for every other route."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web

from app import MESSAGES_PATH, AccessLog


async def test_accepted_activities_leave_no_access_line_and_everything_else_does(caplog: pytest.LogCaptureFixture) -> None:
    async def messages(request: web.Request) -> web.Response:
        return web.Response(status=401 if "Authorization" not in request.headers else 201)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post(MESSAGES_PATH, messages)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log_class=AccessLog)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    try:
        async with aiohttp.ClientSession() as session:
            for headers in ({"Authorization": "Bearer t"}, {}):
                async with session.post(url + MESSAGES_PATH, json={"type": "message"}, headers=headers):
                    pass
            async with session.get(url + "/healthz"):
                pass
    finally:
        await runner.cleanup()

    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == 2
    assert f"POST {MESSAGES_PATH} HTTP/1.1\" 401" in lines[0]
    assert "GET /healthz HTTP/1.1\" 200" in lines[1]

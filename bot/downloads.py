"""``GET /exports/<token>``: the one-time download links DX推進課 gets from ``/export``.

The link is opened in a browser, outside Teams, so the token is the only credential: it is
random, works once and expires (see ``workflows.exports``). Every answer is ``no-store``.
A sweeper deletes expired links and their files every ``EXPORT_LINK_TTL_S`` seconds, and at
start-up whatever a crash left behind. Files live in this instance's ``DATA_DIR``: with several
instances, route ``/exports/`` to the one that made the link or share the folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import quote

from aiohttp import web

from bot.services import Services
from workflows import exports

log = logging.getLogger(__name__)

_GONE = (
    "<!doctype html><meta charset=utf-8><title>リンクが無効です</title>"
    "<p>このダウンロード用リンクは無効です（一度使われたか、有効期限が切れています）。"
    "Teams で「/export」からもう一度出力してください。</p>"
)
_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def setup_routes(app: web.Application, services_key: web.AppKey[Services]) -> None:
    async def download(request: web.Request) -> web.Response:
        services = request.app[services_key]
        found = await exports.take(services.store, services.settings["DATA_DIR"], request.match_info["token"])
        if found is None:
            return web.Response(status=404, text=_GONE, content_type="text/html", charset="utf-8", headers=_NO_STORE)
        # RFC 6266/5987: a Japanese file name, with an ASCII fallback for old clients.
        disposition = f"attachment; filename=\"export{found.filename[found.filename.rfind('.'):]}\"; " \
                      f"filename*=UTF-8''{quote(found.filename)}"
        return web.Response(
            body=found.content,
            headers={**_NO_STORE, "Content-Type": found.content_type, "Content-Disposition": disposition},
        )

    async def sweeper(app: web.Application) -> AsyncIterator[None]:
        services = app[services_key]
        interval = max(services.settings.float("EXPORT_LINK_TTL_S"), 1.0)
        stop = asyncio.Event()

        async def run() -> None:
            while not stop.is_set():
                try:
                    await exports.sweep(services.store, services.settings["DATA_DIR"], datetime.now(UTC))
                except Exception as error:  # the next round tries again; downloads still check expiry
                    log.warning("export sweep failed: %s", type(error).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)

        task = asyncio.create_task(run())
        yield
        stop.set()
        await task

    app.router.add_get("/exports/{token}", download)
    # After the app's own lifecycle (which creates the services), since this is appended later.
    app.cleanup_ctx.append(sweeper)

"""``GET /exports/<token>``: the one-time download links DX推進課 gets from ``/export``.

The link is opened in a browser, outside Teams, so the token is the only credential: it is
random, works once and expires (see ``workflows.exports``). Every answer is ``no-store``.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from bot.services import Services
from workflows import exports

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

    app.router.add_get("/exports/{token}", download)

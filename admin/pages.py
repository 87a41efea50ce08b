"""HTML pages of the admin site (Jinja2, autoescaped: masked texts are shown, never interpreted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jinja2
from aiohttp import web

from admin.context import ADMIN, CONTEXT, Admin
from workflows.monitoring import (
    FINDINGS,
    JST,
    SERVICES,
    STATUSES,
    VERDICTS,
    category_name,
    category_verdict,
    week_label,
)

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("admin", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def jst(moment: datetime) -> str:
    return f"{moment.astimezone(JST):%Y/%m/%d %H:%M}"


def service_label(key: str) -> str:
    return SERVICES.get(key, key)


_ENV.globals.update(
    findings=FINDINGS, verdicts=VERDICTS, services=SERVICES, statuses=STATUSES, jst=jst,
    category_name=category_name, category_verdict=category_verdict, week_label=week_label, service_label=service_label, plain=str,
)


def csrf_token(request: web.Request) -> str:
    admin: Admin | None = request.get(ADMIN)
    return request.app[CONTEXT].sessions.token("csrf", admin.sid) if admin else ""


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    html = _ENV.get_template(template).render(admin=request.get(ADMIN), csrf=csrf_token(request), **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str, status: int = 303) -> web.Response:
    """A redirect as a response (returning HTTPException instances is deprecated in aiohttp)."""
    return web.Response(status=status, headers={"Location": location})


def message(
    request: web.Request, status: int, heading: str, text: str, link: tuple[str, str] | None = None
) -> web.Response:
    """A short Japanese page for refusals and mistakes, with a way on."""
    target = {"href": link[0], "text": link[1]} if link else None
    return render(request, "message.html", status=status, heading=heading, message=text, link=target)

"""The DX推進課 web view (``/admin``): statistics, charts, sample checks and reviews (3章1-1)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin import auth, views
from admin.context import CONTEXT, AdminContext
from admin.pages import redirect
from settings import Settings


async def _to_index(_: web.Request) -> web.Response:
    return redirect("/admin/", 301)


def setup_routes(app: web.Application, settings: Settings, services_key: web.AppKey[Any]) -> None:
    """Mount ``/admin``; handlers reach the bot's services through ``services_key`` on ``app``."""
    site = web.Application(middlewares=[auth.guard])
    site[CONTEXT] = AdminContext.build(settings, services_key)
    site.router.add_get("/", views.dashboard, name="dashboard")
    site.router.add_get("/charts/{name}.png", views.chart, name="chart")
    site.router.add_get("/sample", views.sample, name="sample")
    site.router.add_get("/flagged", views.flagged, name="flagged")
    site.router.add_post("/reviews", views.review, name="review")
    site.router.add_get("/login", auth.login_page, name="login")
    site.router.add_post("/login", auth.login_submit, name="login_submit")
    site.router.add_get("/signin", auth.signin, name="signin")
    site.router.add_get("/callback", auth.callback, name="callback")
    site.router.add_post("/callback", auth.callback, name="callback_post")  # response_mode=form_post
    site.router.add_get("/once/{code}", auth.once, name="once")
    site.router.add_post("/logout", auth.logout, name="logout")
    app.router.add_get("/admin", _to_index)
    app.add_subapp("/admin", site)

"""Who may see ``/admin``, and how they sign in; every request is an ``audit`` record.

Three ways in, all ending in the same signed session cookie:

* Entra ID (msal authorization-code flow) — the object id must have role ``dx_admin`` in the
  org directory;
* a one-time link from ``/admin`` in Teams (admin/links.py) — same role check;
* the local admin token (``ADMIN_TOKEN``) for the embedded default without Entra ID.

The role is checked again on every request, so removing ``dx_admin`` from the org table
ends access at once. Secrets (the token, codes in links) are never logged or audited.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from admin import links
from admin.context import ACTOR, ADMIN, CONTEXT, Admin, AdminContext
from admin.pages import csrf_token, message, redirect, render
from admin.signin import SignInError
from workflows.monitoring import audit_access

log = logging.getLogger(__name__)

SESSION_COOKIE = "admin_session"
FLOW_COOKIE = "admin_signin"
TOKEN_ACTOR = "admin-token"
FLOW_MINUTES = 10
LOGIN_ATTEMPTS = 10  # token attempts per address in LOGIN_WINDOW_S
LOGIN_WINDOW_S = 600.0
PUBLIC_ROUTES = frozenset({"login", "login_submit", "signin", "callback", "callback_post", "once"})

_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # A one-time link must not travel on in a Referer.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _denied(request: web.Request) -> web.Response:
    return message(request, 403, "アクセスできません",
                   "この画面は DX推進課の管理者（組織表で dx_admin の役割を持つ方）だけが利用できます。"
                   "必要な場合は DX推進課（047-366-7399）にお問い合わせください。",
                   ("/admin/login", "別のアカウントでサインイン"))


async def _current(ctx: AdminContext, request: web.Request) -> tuple[Admin | None, bool]:
    """(the admin, whether someone is signed in at all)."""
    session = ctx.sessions.loads(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None, False
    request[ACTOR] = (str(session.get("sub", "")), str(session.get("name", "")))
    via, sid = str(session.get("via", "")), str(session.get("sid", ""))
    if via == "token":
        # A session from a token that has since been changed or removed ends with it.
        current = ctx.sessions.token("admin-token", ctx.token) if ctx.token else ""
        valid = bool(current) and hmac.compare_digest(str(session.get("tf", "")), current)
        return (Admin(TOKEN_ACTOR, str(session.get("name", "")), via, sid) if valid else None), True
    person = await ctx.services(request).org.person(str(session.get("sub", "")))
    if person is None or not person.is_dx_admin:
        return None, True
    return Admin(person.aad_object_id, person.name, via, sid), True


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    admin, signed_in = await _current(ctx, request)
    request[ADMIN] = admin
    route = request.match_info.route.name
    status = 500
    try:
        if route in PUBLIC_ROUTES or (admin is not None):
            response = await handler(request)
        elif signed_in:
            response = _denied(request)
        elif request.method == "GET":
            response = redirect("/admin/login", 302)
        else:
            response = message(request, 401, "サインインしてください", "サインインの有効期限が切れました。",
                               ("/admin/login", "サインイン"))
        status = response.status
        response.headers.update(_HEADERS)
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        actor, name = request.get(ACTOR) or ("", "")
        resource = request.match_info.route.resource
        # The route's pattern, not the path: a one-time code must not land in the audit log.
        path = resource.canonical if resource is not None else request.path
        await audit_access(ctx.services(request).store, actor=actor, name=name, via="web",
                           target=f"{request.method} {path}",
                           allowed=admin is not None or (route in PUBLIC_ROUTES and status < 400), status=status)


def _start_session(
    ctx: AdminContext, response: web.StreamResponse, actor: str, name: str, via: str, **extra: str
) -> None:
    hours = ctx.settings.float("ADMIN_SESSION_HOURS")
    value = ctx.sessions.dumps({"sub": actor, "name": name, "via": via, "sid": secrets.token_urlsafe(16), **extra},
                               hours * 3600)
    response.set_cookie(SESSION_COOKIE, value, max_age=int(hours * 3600), path="/admin", httponly=True,
                        samesite="Lax", secure=ctx.secure_cookies)


async def _enter_as(request: web.Request, actor: str, name: str, via: str) -> web.StreamResponse:
    """Sign in an Entra identity if it is DX推進課's; others are refused without a session."""
    ctx = request.app[CONTEXT]
    request[ACTOR] = (actor, name)
    person = await ctx.services(request).org.person(actor)
    if person is None or not person.is_dx_admin:
        return _denied(request)
    response = redirect("/admin/")
    _start_session(ctx, response, person.aad_object_id, person.name, via)
    return response


async def login_page(request: web.Request) -> web.StreamResponse:
    if request[ADMIN] is not None:
        return redirect("/admin/")
    return _login(request)


def _login(request: web.Request, *, status: int = 200, error: str = "") -> web.Response:
    ctx = request.app[CONTEXT]
    return render(request, "login.html", status=status, entra=ctx.entra is not None, token=bool(ctx.token),
                  error=error)


async def login_submit(request: web.Request) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    if not ctx.token:
        return _login(request, status=404, error="管理者トークンでのサインインは設定されていません。")
    attempts = await ctx.services(request).store.hit(f"admin-login:{request.remote}", LOGIN_WINDOW_S)
    if attempts > LOGIN_ATTEMPTS:
        return _login(request, status=429, error="サインインの試行が多すぎます。10 分ほど待ってからお試しください。")
    form = await request.post()
    given = str(form.get("token") or "")
    request[ACTOR] = (TOKEN_ACTOR, "")
    if not hmac.compare_digest(given.encode("utf-8"), ctx.token.encode("utf-8")):
        return _login(request, status=401, error="管理者トークンが正しくありません。")
    response = redirect("/admin/")
    _start_session(ctx, response, TOKEN_ACTOR, "管理者（トークン）", "token",
                   tf=ctx.sessions.token("admin-token", ctx.token))
    return response


async def signin(request: web.Request) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    if ctx.entra is None:
        return _login(request, status=404, error="Entra ID でのサインインは設定されていません。")
    try:
        flow = await ctx.entra.start()
    except SignInError as error:
        return _login(request, status=503, error=str(error))
    response = redirect(flow["auth_uri"], 302)
    # The flow (state, nonce, PKCE verifier) stays with this browser; the URI is not needed again.
    kept = {k: v for k, v in flow.items() if k != "auth_uri"}
    form_post = ctx.entra.response_mode == "form_post"
    response.set_cookie(FLOW_COOKIE, ctx.flows.dumps({"flow": kept}, FLOW_MINUTES * 60), max_age=FLOW_MINUTES * 60,
                        path="/admin", httponly=True, samesite="None" if form_post else "Lax", secure=form_post)
    return response


async def callback(request: web.Request) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    saved = ctx.flows.loads(request.cookies.get(FLOW_COOKIE))
    if ctx.entra is None or saved is None:
        return _login(request, status=400, error="サインインの有効期限が切れました。もう一度サインインしてください。")
    try:
        answer = {k: str(v) for k, v in (await request.post()).items()} if request.method == "POST" else request.query
        identity = await ctx.entra.finish(saved["flow"], dict(answer))
    except SignInError as error:
        return _login(request, status=401, error=str(error))
    response = await _enter_as(request, identity.aad_object_id, identity.name, "entra")
    response.del_cookie(FLOW_COOKIE, path="/admin")
    return response


async def once(request: web.Request) -> web.StreamResponse:
    redeemed = await links.redeem(request.app[CONTEXT].services(request).store, request.match_info["code"])
    if redeemed is None:
        return message(request, 403, "リンクが無効です",
                       "このリンクは使用済みか期限切れです。Teams で「/admin」と送り、新しいリンクを開いてください。",
                       ("/admin/login", "サインイン画面へ"))
    return await _enter_as(request, *redeemed, "teams")


def check_csrf(request: web.Request, form: Any) -> web.Response | None:
    """A refusal page when the form did not come from our own page (SameSite is not enough alone)."""
    given = str(form.get("csrf") or "")
    if not given or not hmac.compare_digest(given, csrf_token(request)):
        return message(request, 403, "操作できませんでした",
                       "画面の有効期限が切れました。ページを開き直してからもう一度操作してください。",
                       ("/admin/", "統計に戻る"))
    return None


async def logout(request: web.Request) -> web.StreamResponse:
    refused = check_csrf(request, await request.post())
    if refused:
        return refused
    response = redirect("/admin/login")
    response.del_cookie(SESSION_COOKIE, path="/admin")
    return response

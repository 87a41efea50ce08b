"""Entra ID sign-in to /admin with msal's authorization-code flow, against a loopback HTTPS authority."""

from __future__ import annotations

from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from tests.admin.entra import CLIENT_ID, CLIENT_SECRET, EntraServer
from tests.admin.seed import ADMIN
from tests.admin.web import get, session_cookie
from tests.support.teams import YAMADA

REDIRECT = "https://bot.example.jp/admin/callback"


@pytest.fixture
async def entra() -> AsyncIterator[EntraServer]:
    server = EntraServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def site(start_bot, entra: EntraServer, tmp_path: Path):
    bot = await start_bot(
        ADMIN_AUTHORITY=entra.authority, ADMIN_CLIENT_ID=CLIENT_ID, ADMIN_CLIENT_SECRET=CLIENT_SECRET,
        ADMIN_REDIRECT_URL=REDIRECT, ADMIN_CA_FILE=entra.write_ca(str(tmp_path / "entra-ca.pem")),
    )
    async with aiohttp.ClientSession() as session:
        bot.http = session
        yield bot


def _cookie(response: aiohttp.ClientResponse, name: str) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        jar.load(header)
    assert name in jar, f"no {name} cookie set"
    return jar


async def _sign_in(site, entra: EntraServer) -> aiohttp.ClientResponse:
    """Browser steps: /admin/signin -> authority -> back to /admin/callback; returns the callback response."""
    async with site.http.get(f"{site.url}/admin/signin", allow_redirects=False) as start:
        assert start.status == 302
        authorize = start.headers["Location"]
        flow = _cookie(start, "admin_signin")["admin_signin"].value
    assert authorize.startswith(f"{entra.authority}/oauth2/v2.0/authorize?")
    async with site.http.get(authorize, ssl=entra.client_ssl(), allow_redirects=False) as back:
        assert back.status == 302
        returned = urlsplit(back.headers["Location"])
    assert f"{returned.scheme}://{returned.netloc}{returned.path}" == REDIRECT
    async with site.http.get(f"{site.url}/admin/callback?{returned.query}", headers={"Cookie": f"admin_signin={flow}"},
                             allow_redirects=False) as done:
        await done.read()
        return done


async def test_login_page_offers_entra(site):
    status, html, _ = await get(site.http, f"{site.url}/admin/login")
    assert status == 200 and "Microsoft アカウント（Entra ID）でサインイン" in html
    assert "管理者トークン" not in html  # no ADMIN_TOKEN configured


async def test_a_dx_admin_signs_in_with_entra(site, entra: EntraServer):
    entra.user = ADMIN
    done = await _sign_in(site, entra)
    assert done.status == 303 and done.headers["Location"] == "/admin/"
    session = _cookie(done, "admin_session")["admin_session"]
    # Published on https: the cookie is Secure, HttpOnly, and scoped to /admin.
    assert session["secure"] and session["httponly"] and session["path"] == "/admin"
    assert session["samesite"] == "Lax"
    (token_request,) = entra.token_requests
    assert token_request["code_verifier"] and token_request["redirect_uri"] == REDIRECT

    status, html, _ = await get(site.http, f"{site.url}/admin/", session.value)
    assert status == 200 and "ユーザー5 さん" in html and "所属別" in html
    audit = await site.services.store.records("audit", where={"event": "admin.access", "actor": ADMIN.aad_object_id})
    assert {r["target"] for r in audit} == {"GET /admin/callback", "GET /admin/"}


async def test_staff_signed_in_with_entra_get_403(site, entra: EntraServer):
    entra.user = YAMADA
    done = await _sign_in(site, entra)
    assert done.status == 403 and not session_cookie(done)
    assert "DX推進課の管理者" in await done.text()
    (record,) = await site.services.store.records("audit", where={"actor": YAMADA.aad_object_id})
    assert (record["target"], record["allowed"], record["status"]) == ("GET /admin/callback", False, 403)


async def test_a_callback_from_another_browser_is_refused(site, entra: EntraServer):
    entra.user = ADMIN
    async with site.http.get(f"{site.url}/admin/signin", allow_redirects=False) as start:
        authorize = start.headers["Location"]
    async with site.http.get(authorize, ssl=entra.client_ssl(), allow_redirects=False) as back:
        query = urlsplit(back.headers["Location"]).query
    # Without the browser's flow cookie (login CSRF, a stolen code) nothing is redeemed.
    status, html, resp = await get(site.http, f"{site.url}/admin/callback?{query}")
    assert status == 400 and "もう一度サインイン" in html and not session_cookie(resp)
    assert entra.token_requests == []
    assert parse_qs(query)["code"]

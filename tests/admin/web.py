"""Driving the /admin web page over HTTP as a browser would, cookies handled by hand.

aiohttp's cookie jar will not send a ``Secure`` cookie to http://127.0.0.1, and the tests
want to see the cookie attributes anyway, so the session cookie is read and sent explicitly.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import aiohttp

TOKEN = "test-admin-token-5f0c9a"


def session_cookie(response: aiohttp.ClientResponse) -> str:
    """The ``admin_session`` value the response sets (empty when none)."""
    for header in response.headers.getall("Set-Cookie", []):
        cookie = SimpleCookie()
        cookie.load(header)
        if "admin_session" in cookie:
            return cookie["admin_session"].value
    return ""


async def token_login(session: aiohttp.ClientSession, url: str, token: str = TOKEN) -> tuple[int, str]:
    async with session.post(f"{url}/admin/login", data={"token": token}, allow_redirects=False) as resp:
        return resp.status, session_cookie(resp)


async def get(session: aiohttp.ClientSession, url: str, cookie: str = "") -> tuple[int, str, aiohttp.ClientResponse]:
    headers = {"Cookie": f"admin_session={cookie}"} if cookie else {}
    async with session.get(url, headers=headers, allow_redirects=False) as resp:
        body = await resp.text() if resp.content_type.startswith("text/") else ""
        return resp.status, body, resp


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)

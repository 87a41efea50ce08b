"""A loopback Entra ID for the /admin sign-in: OpenID configuration, authorize and token endpoints.

HTTPS with a trustme CA (msal accepts https authorities only). It checks what Entra checks
for the authorization-code flow (client secret, redirect URI, PKCE S256, single-use codes)
and signs the ID token it returns; the code comes back by form post or in the query, as asked; ``user`` is whoever "signs in" at the authorize step.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import trustme
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.loopback import serve
from tests.support.teams import User

TENANT = "11111111-1111-1111-1111-111111111111"
CLIENT_ID = "66666666-6666-6666-6666-666666666666"
CLIENT_SECRET = "admin-web-client-secret"


@dataclass
class _Grant:
    user: User
    redirect_uri: str
    nonce: str
    challenge: str


class EntraServer:
    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.user: User | None = None
        self.token_requests: list[dict[str, str]] = []
        self._grants: dict[str, _Grant] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def authority(self) -> str:
        return f"{self.url}/{TENANT}"

    def write_ca(self, path: str) -> str:
        self.ca.cert_pem.write_to_path(path)
        return path

    def client_ssl(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(f"/{TENANT}/v2.0/.well-known/openid-configuration", self._configuration)
        app.router.add_get(f"/{TENANT}/oauth2/v2.0/authorize", self._authorize)
        app.router.add_post(f"/{TENANT}/oauth2/v2.0/token", self._token)
        self._runner, self.url = await serve(app, self.ca)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _configuration(self, _: web.Request) -> web.Response:
        base = f"{self.url}/{TENANT}"
        return web.json_response({
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    async def _authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return web.json_response({"error": "unauthorized_client"}, status=400)
        if query.get("code_challenge_method") != "S256" or "openid" not in query.get("scope", "").split():
            return web.json_response({"error": "invalid_request"}, status=400)
        assert self.user is not None, "the test must say who signs in"
        code = secrets.token_urlsafe(24)
        self._grants[code] = _Grant(self.user, query["redirect_uri"], query.get("nonce", ""), query["code_challenge"])
        answer = {"code": code, "state": query.get("state", "")}
        if query.get("response_mode") == "form_post":
            # As Entra does: a page whose form the browser posts to the redirect URI at once.
            fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in answer.items())
            page = (f'<html><body onload="document.forms[0].submit()"><form method="post" '
                    f'action="{html.escape(query["redirect_uri"])}">{fields}</form></body></html>')
            return web.Response(text=page, content_type="text/html")
        return web.Response(status=302, headers={"Location": f"{query['redirect_uri']}?{urlencode(answer)}"})

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append(form)
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code":
            return web.json_response({"error": "invalid_grant"}, status=400)
        verifier = form.get("code_verifier", "").encode("ascii")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode("ascii")
        if challenge != grant.challenge or form.get("redirect_uri") != grant.redirect_uri:
            return web.json_response({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": f"{self.url}/{TENANT}/v2.0", "aud": CLIENT_ID, "tid": TENANT, "iat": now, "nbf": now,
            "exp": now + 3600, "oid": grant.user.aad_object_id, "sub": f"sub-{grant.user.aad_object_id}",
            "name": grant.user.name, "preferred_username": f"{grant.user.channel_id}@example.com",
            "nonce": grant.nonce,
        }
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test"})
        return web.json_response({
            "token_type": "Bearer", "scope": "openid profile", "expires_in": 3600,
            "access_token": secrets.token_urlsafe(16), "id_token": id_token,
        })

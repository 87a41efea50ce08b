"""Entra ID sign-in for the admin web page: msal's authorization-code flow (with PKCE and nonce).

msal is synchronous (requests), so its calls run in a worker thread. The authority is the
city's choice (``ADMIN_AUTHORITY``, e.g. ``https://login.microsoftonline.com/<tenant id>``);
msal accepts https authorities only.
"""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass
from typing import Any

import msal
import requests


class SignInError(Exception):
    """Sign-in did not produce a usable identity; the message (Japanese) is shown."""


@dataclass(frozen=True)
class Identity:
    aad_object_id: str
    name: str


class EntraSignIn:
    def __init__(self, *, authority: str, client_id: str, client_secret: str, redirect_url: str, ca_file: str = ""):
        if not authority.startswith("https://"):
            raise ValueError("ADMIN_AUTHORITY must be an https URL (msal accepts no other)")
        self._authority = authority.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self.redirect_url = redirect_url
        self._verify: str | bool = ca_file or True
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = asyncio.Lock()

    def _http_client(self) -> requests.Session:
        session = requests.Session()
        # Given per request: requests lets REQUESTS_CA_BUNDLE override a session-wide verify.
        session.request = functools.partial(  # type: ignore[method-assign]
            session.request, timeout=10, verify=self._verify
        )
        return session

    def _build(self) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            self._client_id,
            client_credential=self._client_secret,
            authority=self._authority,
            # Discovery at login.microsoftonline.com is unreachable from closed networks (LGWAN)
            # and pointless for the city's own authority.
            instance_discovery=False,
            http_client=self._http_client(),
            # No token is kept: the page needs only who signed in.
            token_cache=msal.TokenCache(),
        )

    async def _client(self) -> msal.ConfidentialClientApplication:
        async with self._lock:
            if self._app is None:
                # The constructor fetches the authority's OpenID configuration.
                try:
                    self._app = await asyncio.to_thread(self._build)
                except (ValueError, OSError) as error:
                    raise SignInError("サインインのサーバーに接続できませんでした。時間をおいてお試しください。") from error
            return self._app

    @property
    def response_mode(self) -> str:
        """``form_post`` keeps the code out of URLs (history, logs; RFC 9700 4.3.1). It needs a
        cookie sent on a cross-site POST, i.e. SameSite=None, which browsers accept on https only."""
        return "form_post" if self.redirect_url.startswith("https://") else "query"

    async def start(self) -> dict[str, Any]:
        """A new flow: send the browser to ``flow["auth_uri"]``; keep the rest for :meth:`finish`."""
        app = await self._client()
        return await asyncio.to_thread(
            app.initiate_auth_code_flow, [], redirect_uri=self.redirect_url, prompt="select_account",
            response_mode=self.response_mode,
        )

    async def finish(self, flow: dict[str, Any], response: dict[str, str]) -> Identity:
        """Redeem the code the authority sent back; checks state, nonce and PKCE (msal) and the audience."""
        app = await self._client()
        try:
            result = await asyncio.to_thread(app.acquire_token_by_auth_code_flow, flow, response)
        except (ValueError, RuntimeError, OSError) as error:  # state or nonce mismatch, network
            raise SignInError("サインインを確認できませんでした。もう一度サインインしてください。") from error
        if "error" in result:
            raise SignInError("サインインできませんでした。もう一度お試しください。")
        # The ID token came straight from the token endpoint over verified TLS, which OpenID
        # Connect Core 3.1.3.7 accepts in place of its signature; audience and expiry are ours to check.
        claims = result.get("id_token_claims") or {}
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self._client_id not in audiences or int(claims.get("exp") or 0) < time.time():
            raise SignInError("サインインの情報が正しくありません。もう一度サインインしてください。")
        object_id = str(claims.get("oid") or "").lower()
        if not object_id:
            raise SignInError("Entra ID のオブジェクト ID を受け取れませんでした。")
        return Identity(object_id, str(claims.get("name") or claims.get("preferred_username") or ""))

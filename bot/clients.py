"""Bot Framework clients built once and reused by every turn.

botbuilder's ``CloudAdapter`` asks the authentication for a new ``ConnectorClient`` and a new
user-token client on every incoming activity and proactive message. Each one builds an msrest
configuration (whose retry policy alone is ~500,000 list comparisons) and a new ``requests``
session, so every reply opened a new TCP connection: under load this was a quarter of the bot's
CPU (bench/load.py, py-spy). Clients depend only on the bot's app id, the service URL and the
audience, and their credentials fetch and refresh tokens per request, so one client per such key
serves every conversation. The clients' conversation operations (send, reply, update, delete,
create) go out on one aiohttp session with keep-alive for the whole app, not through msrest and
``requests`` on worker threads (``bot/connector.py``); ``ReusedClients.close`` closes it.
"""

from __future__ import annotations

from typing import Any

from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenValidation,
    UserTokenClient,
)

from bot.connector import ConnectorClientOverHttp, ConnectorHttp


def _app_id(claims_identity: ClaimsIdentity | None) -> str:
    return (JwtTokenValidation.get_app_id_from_claims(claims_identity.claims) or "") if claims_identity else ""


class _ReusingFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, app_id: str,
                 clients: dict[tuple[str, str, str], ConnectorClientOverHttp], http: ConnectorHttp):
        self._inner = inner
        self._app_id = app_id
        self._clients = clients
        self._http = http

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClientOverHttp:
        key = (self._app_id, service_url, audience or "")
        client = self._clients.get(key)
        if client is None:
            # The SDK's client brings the credentials and configuration the factory chose.
            sdk_client = await self._inner.create(service_url, audience)
            client = self._clients.setdefault(key, await ConnectorClientOverHttp.wrap(sdk_client, self._http))
        return client


class ReusedClients(BotFrameworkAuthentication):
    """``BotFrameworkAuthentication`` that hands out one connector client per (app id, service URL,
    audience), sending over one shared aiohttp session, and one user-token client per app id;
    everything else is the wrapped one's. ``close`` at shutdown."""

    def __init__(self, inner: BotFrameworkAuthentication):
        self._inner = inner
        self._http = ConnectorHttp()
        self._connectors: dict[tuple[str, str, str], ConnectorClientOverHttp] = {}
        self._user_tokens: dict[str, UserTokenClient] = {}

    async def close(self) -> None:
        await self._http.close()

    def _reusing(self, factory: ConnectorFactory | None, claims_identity: ClaimsIdentity | None) -> Any:
        return _ReusingFactory(factory, _app_id(claims_identity), self._connectors, self._http) if factory else factory

    async def authenticate_request(self, activity: Any, auth_header: str) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        result.connector_factory = self._reusing(result.connector_factory, result.claims_identity)
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._reusing(self._inner.create_connector_factory(claims_identity), claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = _app_id(claims_identity)
        client = self._user_tokens.get(key)
        if client is None:
            client = self._user_tokens[key] = await self._inner.create_user_token_client(claims_identity)
        return client

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

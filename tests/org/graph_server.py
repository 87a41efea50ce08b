"""Microsoft Entra ID (token endpoint) and Microsoft Graph on loopback HTTPS.

msal accepts only https authorities, so the server presents a certificate from a test CA
(trustme); the bot trusts that CA through ``GRAPH_CA_FILE``. Tokens are issued for the
client-credentials grant only, and Graph answers only requests carrying an issued token.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiohttp import web

from tests.support.loopback import serve

TENANT = "11111111-1111-1111-1111-111111111111"
CLIENT_ID = "66666666-6666-6666-6666-666666666666"
CLIENT_SECRET = "graph-test-secret"


@dataclass
class GraphUserRecord:
    id: str
    displayName: str
    mail: str
    department: str
    manager: str | None = None


@dataclass
class GraphServer:
    ca_file: Path
    users: dict[str, GraphUserRecord] = field(default_factory=dict)
    tokens_issued: int = 0
    requests: list[str] = field(default_factory=list)
    fail_graph: bool = False
    url: str = ""
    _tokens: set[str] = field(default_factory=set)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None

    @property
    def authority(self) -> str:
        return self.url

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v1.0"

    def settings(self) -> dict[str, str]:
        return {
            "GRAPH_CLIENT_ID": CLIENT_ID, "GRAPH_CLIENT_SECRET": CLIENT_SECRET, "GRAPH_TENANT_ID": TENANT,
            "GRAPH_AUTHORITY": self.authority, "GRAPH_BASE_URL": self.graph_url, "GRAPH_CA_FILE": str(self.ca_file),
        }

    def add(self, aad_id: str, name: str, department: str, manager: str | None = None) -> None:
        self.users[aad_id] = GraphUserRecord(aad_id, name, f"{aad_id[:4]}@example.com", department, manager)

    async def start(self, ca: trustme.CA) -> None:
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/v1.0/users/{id}", self._user)
        app.router.add_get("/v1.0/users/{id}/manager", self._manager)
        self._runner, self.url = await serve(app, ca)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _openid(self, request: web.Request) -> web.Response:
        base = f"{self.url}/{request.match_info['tenant']}"
        return web.json_response({
            "issuer": f"{base}/v2.0", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
        })

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.match_info["tenant"] != TENANT or form.get("grant_type") != "client_credentials" \
                or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("scope") != f"{self.url}/.default":
            return web.json_response({"error": "invalid_scope"}, status=400)
        token = f"token-{next(self._ids)}"
        self._tokens.add(token)
        self.tokens_issued += 1
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _check(self, request: web.Request) -> None:
        self.requests.append(request.path)
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self._tokens:
            raise web.HTTPUnauthorized()
        if self.fail_graph:
            raise web.HTTPServiceUnavailable()

    def _payload(self, user: GraphUserRecord) -> dict[str, Any]:
        return {"id": user.id, "displayName": user.displayName, "mail": user.mail, "department": user.department}

    async def _user(self, request: web.Request) -> web.Response:
        self._check(request)
        user = self.users.get(request.match_info["id"])
        if user is None:
            return web.json_response({"error": {"code": "Request_ResourceNotFound"}}, status=404)
        return web.json_response(self._payload(user))

    async def _manager(self, request: web.Request) -> web.Response:
        self._check(request)
        user = self.users.get(request.match_info["id"])
        if user is None or user.manager is None or user.manager not in self.users:
            return web.json_response({"error": {"code": "Request_ResourceNotFound"}}, status=404)
        return web.json_response(self._payload(self.users[user.manager]))


@asynccontextmanager
async def running_graph(directory: Path) -> AsyncIterator[GraphServer]:
    """A started server whose test CA is written to ``directory/test-ca.pem``."""
    ca = trustme.CA()
    ca_file = directory / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = GraphServer(ca_file)
    await server.start(ca)
    try:
        yield server
    finally:
        await server.stop()

"""Department and manager from Microsoft Graph, with a client-credentials token from msal.

Only ``department`` and ``manager`` are read (``User.Read.All`` application permission); roles
and the security chain stay in the org table. Answers are cached for ``GRAPH_CACHE_SECONDS``
so that a busy hour does not become a Graph request per message, while a transfer (人事異動)
is picked up within that time.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import msal
import requests

_SELECT = "$select=id,displayName,mail,department"


class GraphError(Exception):
    """Graph could not answer (network, token or server error)."""


@dataclass(frozen=True)
class GraphUser:
    aad_object_id: str
    name: str
    email: str
    department: str


@dataclass(frozen=True)
class GraphProfile:
    user: GraphUser
    manager: GraphUser | None  # None: Entra ID has no manager for this user


def _user(payload: dict[str, Any]) -> GraphUser:
    return GraphUser(
        aad_object_id=str(payload.get("id") or "").lower(),
        name=str(payload.get("displayName") or ""),
        email=str(payload.get("mail") or ""),
        department=str(payload.get("department") or ""),
    )


class GraphSource:
    def __init__(
        self, *, authority: str, tenant_id: str, client_id: str, client_secret: str, base_url: str,
        cache_seconds: float, ca_file: str = "",
    ):
        if not authority.startswith("https://"):
            raise ValueError("GRAPH_AUTHORITY must be an https URL (msal accepts no other)")
        self._authority = f"{authority.rstrip('/')}/{tenant_id}"
        self._client_id = client_id
        self._client_secret = client_secret
        self._base_url = base_url.rstrip("/")
        parts = urlsplit(self._base_url)
        self._scope = f"{parts.scheme}://{parts.netloc}/.default"
        self._cache_seconds = cache_seconds
        self._ca_file = ca_file or None
        self._app: msal.ConfidentialClientApplication | None = None
        self._session: aiohttp.ClientSession | None = None
        self._cache: dict[str, tuple[float, GraphProfile | None]] = {}
        self._lock = asyncio.Lock()

    def _http_client(self) -> requests.Session:
        session = requests.Session()
        # Given per request: requests lets REQUESTS_CA_BUNDLE override a session-wide verify.
        session.request = functools.partial(  # type: ignore[method-assign]
            session.request, timeout=10, verify=self._ca_file or True
        )
        return session

    def _token_sync(self) -> str:
        if self._app is None:
            # Built on first use: the constructor already fetches the tenant's OpenID metadata.
            self._app = msal.ConfidentialClientApplication(
                self._client_id,
                client_credential=self._client_secret,
                authority=self._authority,
                # The authority is the city's own choice (sovereign cloud, a test server);
                # discovery at login.microsoftonline.com would be unreachable on LGWAN.
                instance_discovery=False,
                http_client=self._http_client(),
            )
        # msal keeps the token and renews it shortly before it expires.
        result = self._app.acquire_token_for_client(scopes=[self._scope])
        if "access_token" not in result:
            raise GraphError(f"token: {result.get('error')}")
        return str(result["access_token"])

    async def _get(self, path: str) -> dict[str, Any] | None:
        try:
            token = await asyncio.to_thread(self._token_sync)
        except (ValueError, OSError, requests.RequestException) as error:  # msal raises ValueError for an unusable authority
            raise GraphError(f"token: {type(error).__name__}") from error
        if self._session is None:
            ssl_context = ssl.create_default_context(cafile=self._ca_file)
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=ssl_context), timeout=aiohttp.ClientTimeout(total=10)
            )
        try:
            async with self._session.get(
                f"{self._base_url}{path}", headers={"Authorization": f"Bearer {token}"}
            ) as response:
                if response.status == 404:
                    return None
                if response.status != 200:
                    raise GraphError(f"{path.split('?')[0]}: HTTP {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise GraphError(f"{type(error).__name__}") from error

    async def profile(self, aad_object_id: str) -> GraphProfile | None:
        """The user's department and manager; None when Entra ID has no such user."""
        now = time.monotonic()
        cached = self._cache.get(aad_object_id)
        if cached and cached[0] > now:
            return cached[1]
        async with self._lock:
            user_id = quote(aad_object_id)
            user = await self._get(f"/users/{user_id}?{_SELECT}")
            profile = None
            if user is not None:
                manager = await self._get(f"/users/{user_id}/manager?{_SELECT}")
                profile = GraphProfile(_user(user), _user(manager) if manager else None)
            self._cache[aad_object_id] = (time.monotonic() + self._cache_seconds, profile)
            if len(self._cache) > 10_000:  # bounded: drop the expired entries
                self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            return profile

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

"""The Bot Connector calls the bot makes, over one aiohttp session shared by the whole app.

botbuilder's ``ConnectorClient`` sends through msrest: each activity is serialised twice (msrest
checks a body by deserialising it first), runs through a pipeline of policies and goes out with
``requests`` on the default thread pool, one ``requests`` session per worker thread. Under load
that was 23 % of the bot's CPU (bench/README.md, "Load"). Here the operations the adapter uses for
the bot — send, reply, update, delete, create conversation — are sent by ``ConnectorHttp``'s
one ``aiohttp`` session, with keep-alive, on the event loop; the activity is serialised once. The
client's other operations (member lookups, history, attachments, and the Teams client that
``TeamsInfo`` builds from its ``config``) stay the SDK's: the bot does not use them.

What msrest did (msrest 0.7, urllib3 2, requests) and what is kept:

* Token: msrest asked the credentials (``AppCredentials.signed_session``) for a token before
  every request, on the event loop, so msal's token request blocked every conversation when its
  cache was empty. Now the same credentials object's ``get_access_token`` (msal and its cache)
  runs on a worker thread, and its token is reused for ``TOKEN_REUSE_S``: msal hands out a cached
  token only while it has 5 minutes left, so it is still valid then. No app id (local use): no
  ``Authorization`` header, by the credentials' own rule, as before.
* Retries: msrest configured urllib3's ``Retry`` (3 retries, backoff 0.8 s: 0, 1.6, 3.2 s) on
  every status but 1xx-4xx (408 excepted), 501 and 505, plus 413/429/503 with ``Retry-After``; it
  names the methods in ``method_whitelist``, which urllib3 2 no longer reads, so in fact PUT and
  DELETE (update, delete) were retried and POST (send, reply, create conversation) never;
  failed connects were retried for every method. Now: at most ``RETRIES`` retries; 429 and 503
  (the connector did not take the request) for every method, after ``Retry-After`` (at most
  ``MAX_RETRY_AFTER_S``) or ``BACKOFF_S``; 408, 500, 502 and 504 for PUT and DELETE only (a POST
  that failed so may have been delivered, and a retry would show the message twice); a
  connection that could not be opened, for every method; other network errors and timeouts,
  PUT and DELETE only.
* Timeout: requests waited up to 100 s to connect and 100 s for each read; now ``TIMEOUT_S``
  a try (``CONNECT_TIMEOUT_S`` to connect).
* Errors: a refused call raises ``ErrorResponseException`` (an msrest ``HttpOperationError``
  whose ``response.status_code`` is the HTTP status), a network failure ``ClientRequestError``,
  the types the SDK's client raised; accepted statuses per operation are the SDK's.
* TLS and proxy: requests trusted certifi's bundle, or ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``,
  and the proxy of the environment (``HTTPS_PROXY``, ``NO_PROXY``); the same here. aiohttp's own
  ``trust_env`` is not used: it looks both up on a thread for every request.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import ssl
import time
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import aiohttp
import requests.certs
from aiohttp.helpers import get_env_proxy_for_url
from botbuilder.schema import Activity, ConversationParameters, ConversationResourceResponse, ResourceResponse
from botframework.connector import ConnectorClient, models
from botframework.connector.auth import AppCredentials
from msrest import Deserializer
from msrest.exceptions import ClientRequestError
from msrest.universal_http import HTTPClientResponse
from multidict import CIMultiDictProxy
from yarl import URL

from bot import wire

TOKEN_REUSE_S = 240.0
RETRIES = 3
BACKOFF_S = (0.5, 1.0, 2.0)
MAX_RETRY_AFTER_S = 10.0
TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 10.0
RETRY_ALWAYS = frozenset({429, 503})
RETRY_IDEMPOTENT = frozenset({408, 500, 502, 504})
IDEMPOTENT = frozenset({"PUT", "DELETE"})
SENT = frozenset({200, 201, 202})  # the SDK's accepted statuses for send, reply, update, create
DELETED = frozenset({200, 202})

# The same models the SDK's client deserialises ErrorResponse with.
_DESERIALIZE = Deserializer({k: v for k, v in models.__dict__.items() if isinstance(v, type)})


class ConnectorHttp:
    """The one ``aiohttp`` session every connector client of the app sends with.

    Opened on the first call (a session belongs to the running event loop); ``close`` at shutdown.
    """

    def __init__(self) -> None:
        # Built here, outside the event loop: reading the CA bundle is file I/O.
        cafile = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or requests.certs.where()
        self._ssl = ssl.create_default_context(cafile=cafile)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl),
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class _Token:
    """The outgoing ``Authorization`` header from the SDK's credentials for this client."""

    def __init__(self, credentials: AppCredentials):
        self._credentials = credentials
        # The credentials' own rule (no app id, or the anonymous skill id: no token).
        self._needed = bool(credentials._should_set_token(None))
        self._header: str | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def header(self) -> str | None:
        if not self._needed:
            return None
        if self._header is None or time.monotonic() - self._fetched_at >= TOKEN_REUSE_S:
            async with self._lock:  # one fetch at a time; the others wait for its token
                if self._header is None or time.monotonic() - self._fetched_at >= TOKEN_REUSE_S:
                    # msal answers from its cache, or asks the token endpoint with blocking I/O.
                    token = await asyncio.to_thread(self._credentials.get_access_token)
                    self._header, self._fetched_at = f"Bearer {token}", time.monotonic()
        return self._header


class _Response(HTTPClientResponse):
    """A finished response in the shape msrest's ``HttpOperationError`` reads."""

    def __init__(self, status: int, reason: str | None, headers: CIMultiDictProxy[str], body: bytes):
        super().__init__(None, None)
        self.internal_response = self  # the error's ``response``: status_code, headers, text()
        self.status_code = status
        self.reason = reason
        self.headers = headers
        self._body = body

    def body(self) -> bytes:
        return self._body

    def text(self, encoding: str | None = None) -> str:
        # An error page from a proxy need not be UTF-8; the message is only for the log.
        return self._body.decode(encoding or "utf-8-sig", errors="replace")


def _retry_after(headers: CIMultiDictProxy[str]) -> float | None:
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _unsent(error: BaseException) -> bool:
    """The request never left: no connection could be opened (a TLS failure would only repeat)."""
    return isinstance(error, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)) \
        and not isinstance(error, aiohttp.ClientSSLError)


@lru_cache(maxsize=8192)
def _quoted_conversation(conversation_id: str) -> str:
    # Every reply quotes its conversation's id, ~130 characters that all need escaping in a 1:1
    # chat (28 us a call); the city's conversations are a few thousand.
    return quote(conversation_id, safe="")


def _dumps(model: Any) -> bytes:
    # wire.serialize: what model.serialize() returns, without msrest's per-call cost.
    return json.dumps(wire.serialize(model), ensure_ascii=False, separators=(",", ":")).encode()


class ConnectorConversations:
    """``connector_client.conversations`` for the operations the adapter uses; the others are the
    SDK client's (``__getattr__``)."""

    def __init__(self, sdk_client: ConnectorClient, http: ConnectorHttp, proxy: tuple[URL, aiohttp.BasicAuth | None] | None):
        self._sdk = sdk_client.conversations
        self._http = http
        self._base = sdk_client.config.base_url.rstrip("/")  # as msrest's format_url joins it
        self._token = _Token(sdk_client.config.credentials)
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": sdk_client.config.user_agent,
        }
        self._proxy, self._proxy_auth = proxy or (None, None)

    def __getattr__(self, name: str) -> Any:
        # Operations the bot does not use (member lookups, history, uploads) stay the SDK's.
        return getattr(self._sdk, name)

    async def send_to_conversation(self, conversation_id: str, activity: Activity) -> ResourceResponse | None:
        return await self._call("POST", f"/v3/conversations/{_quoted_conversation(conversation_id)}/activities",
                                _dumps(activity), SENT, ResourceResponse)

    async def reply_to_activity(self, conversation_id: str, activity_id: str, activity: Activity) -> ResourceResponse | None:
        return await self._call("POST", self._activity_path(conversation_id, activity_id),
                                _dumps(activity), SENT, ResourceResponse)

    async def update_activity(self, conversation_id: str, activity_id: str, activity: Activity) -> ResourceResponse | None:
        return await self._call("PUT", self._activity_path(conversation_id, activity_id),
                                _dumps(activity), SENT, ResourceResponse)

    async def delete_activity(self, conversation_id: str, activity_id: str) -> None:
        await self._call("DELETE", self._activity_path(conversation_id, activity_id), None, DELETED, None)

    async def create_conversation(self, parameters: ConversationParameters) -> ConversationResourceResponse | None:
        return await self._call("POST", "/v3/conversations", _dumps(parameters), SENT, ConversationResourceResponse)

    @staticmethod
    def _activity_path(conversation_id: str, activity_id: str) -> str:
        return f"/v3/conversations/{_quoted_conversation(conversation_id)}/activities/{quote(activity_id, safe='')}"

    async def _call(self, method: str, path: str, body: bytes | None, accepted: frozenset[int],
                    result: type[ResourceResponse | ConversationResourceResponse] | None) -> Any:
        url = URL(self._base + path, encoded=True)  # already quoted as msrest did; not again
        headers = self._headers
        authorization = await self._token.header()
        if authorization:
            headers = {**headers, "Authorization": authorization}
        attempt = 0
        while True:
            try:
                async with self._http.session().request(
                    method, url, data=body, headers=headers, proxy=self._proxy, proxy_auth=self._proxy_auth,
                ) as response:
                    payload = await response.read()
            except (aiohttp.ClientError, TimeoutError) as error:
                if attempt == RETRIES or not (_unsent(error) or method in IDEMPOTENT):
                    raise ClientRequestError(f"Bot Connector request failed: {error!r}", error) from error
                delay = BACKOFF_S[attempt]
            else:
                status = response.status
                if status in accepted:
                    return wire.deserialize(result, json.loads(payload)) if result and payload else None
                if attempt == RETRIES or not (
                        status in RETRY_ALWAYS or (status in RETRY_IDEMPOTENT and method in IDEMPOTENT)):
                    raise models.ErrorResponseException(
                        _DESERIALIZE, _Response(status, response.reason, response.headers, payload))
                delay = _retry_after(response.headers) if status in RETRY_ALWAYS else None
                if delay is None:
                    delay = BACKOFF_S[attempt]
            await asyncio.sleep(delay)
            attempt += 1


class ConnectorClientOverHttp:
    """What botbuilder uses of a ``ConnectorClient`` (the adapter, ``TurnContext``, ``TeamsInfo``):
    ``conversations`` over ``ConnectorHttp``; ``config`` (credentials, service URL) and
    ``attachments`` are the SDK client's."""

    def __init__(self, sdk_client: ConnectorClient, http: ConnectorHttp,
                 proxy: tuple[URL, aiohttp.BasicAuth | None] | None):
        self.config = sdk_client.config
        self.attachments = sdk_client.attachments
        self.conversations = ConnectorConversations(sdk_client, http, proxy)

    @classmethod
    async def wrap(cls, sdk_client: ConnectorClient, http: ConnectorHttp) -> ConnectorClientOverHttp:
        # The proxy is looked up once per client; aiohttp reads the environment (and ~/.netrc).
        try:
            proxy = await asyncio.to_thread(get_env_proxy_for_url, URL(sdk_client.config.base_url))
        except LookupError:
            proxy = None
        return cls(sdk_client, http, proxy)

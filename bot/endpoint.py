"""``POST /api/messages``: authenticate, then hand the activity to the bot.

Authentication is done here rather than inside ``CloudAdapter.process`` so that every failure
is a 401 (fail closed), including when the Bot Framework signing keys cannot be fetched, and a
malformed body is a 400 instead of the adapter's 500.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication
from msrest.serialization import Model

from bot import wire
from bot.teams_bot import CityBot

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
AUTH_TIMEOUT_S = 20.0
# How long a verified token is trusted for the same channel and service URL without verifying it
# again (never past its own ``exp``), and how many such tokens are kept.
VERIFIED_FOR_S = 300.0
VERIFIED_MAX = 1024

VerifiedKey = tuple[str, str | None, str | None]  # Authorization header, channel id, service URL


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _tenant_of(body: dict[str, Any]) -> str | None:
    channel_data = body.get("channelData")
    if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
        tenant = channel_data["tenant"].get("id")
        return str(tenant) if tenant else None
    conversation = body.get("conversation")
    if isinstance(conversation, dict) and conversation.get("tenantId"):
        return str(conversation["tenantId"])
    return None


def _run_until_stopped(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_forever()
    loop.close()


class MessagesEndpoint:
    def __init__(
        self, adapter: CloudAdapter, auth: BotFrameworkAuthentication, bot: CityBot, tenant_id: str
    ):
        self._adapter = adapter
        self._auth = auth
        self._bot = bot
        self._tenant_id = tenant_id
        self._verifier: asyncio.AbstractEventLoop | None = None
        self._verified: dict[VerifiedKey, tuple[AuthenticateRequestResult, float]] = {}

    def _verifier_loop(self) -> asyncio.AbstractEventLoop:
        if self._verifier is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=_run_until_stopped, args=(loop,), name="token-verifier", daemon=True).start()
            self._verifier = loop
        return self._verifier

    async def _authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        if not header:
            # Nothing to verify: the SDK refuses it, or (no app id, local use) accepts it, without I/O.
            return await self._auth.authenticate_request(activity, header)
        # The SDK fetches Bot Framework's signing keys with blocking `requests` calls inside its
        # coroutine; on the event loop that would stall every conversation (and deadlock against a
        # key server in the same process), so verification runs on an event loop of its own, on a
        # thread of its own, kept for every request (a new loop a request, asyncio.run on a worker
        # thread, was ~130 us of CPU a message).
        #
        # Teams signs many activities with one token. The SDK's verification of it (four JWT
        # decodes, one RSA signature check: ~450 us of CPU a message) depends only on the token, the
        # activity's channel and its service URL, so its result is kept for those, until the token's
        # own expiry and at most VERIFIED_FOR_S; a refused token is never kept.
        key = (header, activity.channel_id, activity.service_url)
        now = time.time()
        verified = self._verified.get(key)
        if verified is not None and now < verified[1]:
            return verified[0]
        result = await self._verify(activity, header)
        expires = result.claims_identity.claims.get("exp") if result.claims_identity else None
        if isinstance(expires, (int, float)) and result.claims_identity.is_authenticated:
            if len(self._verified) >= VERIFIED_MAX:
                self._verified.clear()
            self._verified[key] = (result, min(float(expires), now + VERIFIED_FOR_S))
        return result

    async def _verify(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        loop = self._verifier_loop()
        verified = asyncio.run_coroutine_threadsafe(self._auth.authenticate_request(activity, header), loop)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(verified), AUTH_TIMEOUT_S)
        except TimeoutError:
            # The keys' fetch hangs (`requests` without a timeout) and holds the loop: the requests
            # after this one get a new loop, and this one stops once the fetch returns.
            if self._verifier is loop:
                self._verifier = None
                loop.call_soon_threadsafe(loop.stop)
            raise

    def close(self) -> None:
        """Stop the verifier's loop (at shutdown)."""
        if self._verifier is not None:
            self._verifier.call_soon_threadsafe(self._verifier.stop)
            self._verifier = None

    async def __call__(self, request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _problem(413, "リクエストが大きすぎます。")
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _problem(415, "Content-Type は application/json にしてください。")
        try:
            body = await request.json()
        except ValueError:
            return _problem(400, "リクエストの JSON を読み取れませんでした。")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return _problem(400, "Bot Framework のアクティビティではありません。")
        try:
            activity = wire.deserialize(Activity, body)  # Activity().deserialize(body), faster
        except Exception:  # msrest raises several unrelated types on malformed fields
            return _problem(400, "アクティビティの形式が正しくありません。")

        try:
            auth_result = await self._authenticate(activity, request.headers.get("Authorization", ""))
        except Exception as error:
            log.warning("refused an activity: %s", type(error).__name__)
            return _problem(401, "認証に失敗しました。")
        if self._tenant_id and _tenant_of(body) != self._tenant_id:
            log.warning("refused an activity from another tenant")
            return _problem(401, "このテナントからの利用は許可されていません。")

        invoke_response = await self._adapter.process_activity(auth_result, activity, self._bot.on_turn)
        if invoke_response:
            payload = invoke_response.body
            if isinstance(payload, Model):
                payload = serializer_helper(payload)
            return web.json_response(payload, status=invoke_response.status)
        return web.Response(status=201)

"""The bot's calls to the Bot Connector (bot/connector.py): one kept-alive connection, the bot's
own token, retries of throttled calls, and Teams' refusals reaching the code that handles them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ErrorResponseException
from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

from bot import messages
from bot.clients import ReusedClients
from tests.approvals.conftest import TANAKA, actions, body_text, card_for, invoke_card
from tests.support.connector import Connector
from tests.support.identity import APP_ID, BotFrameworkIdentity
from tests.support.loopback import serve
from tests.support.teams import SATO, TENANT_ID, YAMADA, message

APP_PASSWORD = "connector-test-secret"
WORK = {"work": "窓口で配る案内文の下書き作成", "purpose": "3"}


@dataclass
class Call:
    operation: str
    authorization: str | None
    peer: tuple[str, int]


class ScriptedConnector(Connector):
    """The loopback Bot Connector, noting who called over which connection, and answering the
    first calls of an operation with the failures a test queues (``fail``)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, dict[str, str]]]] = {}

    def fail(self, operation: str, status: int, headers: dict[str, str] | None = None) -> None:
        self._failures.setdefault(operation, []).append((status, headers or {}))

    async def _answer(self, operation: str, request: web.Request, handler: Any) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else ("", 0)
        self.calls.append(Call(operation, request.headers.get("Authorization"), tuple(peer[:2])))
        queued = self._failures.get(operation)
        if queued:
            status, headers = queued.pop(0)
            error = {"error": {"code": "ServiceError", "message": f"scripted {status}"}}
            return web.json_response(error, status=status, headers=headers)
        return await handler(request)

    async def _send(self, request: web.Request) -> web.Response:
        return await self._answer("send", request, super()._send)

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._answer("reply", request, super()._reply)

    async def _update(self, request: web.Request) -> web.Response:
        return await self._answer("update", request, super()._update)

    async def _delete(self, request: web.Request) -> web.Response:
        return await self._answer("delete", request, super()._delete)

    async def _create(self, request: web.Request) -> web.Response:
        return await self._answer("create", request, super()._create)


@pytest.fixture
async def connector() -> AsyncIterator[ScriptedConnector]:
    server = ScriptedConnector()
    await server.start()
    yield server
    await server.stop()


class TokenServer:
    """The bot's login authority on loopback HTTPS: a client-credentials token endpoint.

    Served as an AD FS authority (path ``/adfs``) so that msal asks this server, and not
    login.microsoftonline.com, where its token endpoint is. ``delay_s`` holds each answer.
    """

    def __init__(self, identity: BotFrameworkIdentity):
        self._identity = identity
        self.issued: list[str] = []
        self.asked = asyncio.Event()
        self.delay_s = 0.0
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def authority(self) -> str:
        return f"{self.url}/adfs"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/adfs/.well-known/openid-configuration", self._openid)
        app.router.add_post("/adfs/oauth2/token", self._token)
        self._runner, self.url = await serve(app, self._identity.ca)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _openid(self, _: web.Request) -> web.Response:
        return web.json_response({
            "issuer": self.authority, "authorization_endpoint": f"{self.authority}/oauth2/authorize",
            "token_endpoint": f"{self.authority}/oauth2/token",
        })

    async def _token(self, request: web.Request) -> web.Response:
        self.asked.set()
        form = await request.post()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != \
                ("client_credentials", APP_ID, APP_PASSWORD):
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("scope") != f"{AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE}/.default":
            return web.json_response({"error": "invalid_scope"}, status=400)
        await asyncio.sleep(self.delay_s)
        token = f"bot-token-{len(self.issued) + 1}"
        self.issued.append(token)
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": 3600})


@pytest.fixture
async def token_server(identity: BotFrameworkIdentity) -> AsyncIterator[TokenServer]:
    server = TokenServer(identity)
    await server.start()
    yield server
    await server.stop()


async def _say_signed(bot: Any, identity: BotFrameworkIdentity, connector: Connector, text: str) -> int:
    token = identity.token(app_id=APP_ID, service_url=connector.url)
    status, _ = await bot.client.post(message(YAMADA, connector.url, text), headers={"Authorization": f"Bearer {token}"})
    return status


async def test_replies_share_one_kept_alive_connection_without_a_token_when_unauthenticated(
        start_bot, connector: ScriptedConnector) -> None:
    bot = await start_bot()
    for user in (YAMADA, SATO, YAMADA, SATO, YAMADA):  # two conversations
        status, _ = await bot.client.say(user, "/help")
        assert status < 300
    assert len(connector.calls) >= 5
    assert len({call.peer for call in connector.calls}) == 1
    assert {call.authorization for call in connector.calls} == {None}  # no app id (ALLOW_UNAUTHENTICATED)


async def test_replies_carry_the_bots_token_fetched_once_without_stalling_the_bot(
        start_bot, connector: ScriptedConnector, identity: BotFrameworkIdentity, token_server: TokenServer) -> None:
    bot = await start_bot(
        MicrosoftAppId=APP_ID, MicrosoftAppPassword=APP_PASSWORD, MicrosoftAppTenantId=TENANT_ID,
        MicrosoftAppType="SingleTenant", ALLOW_UNAUTHENTICATED="0",
        BOT_OPENID_METADATA_URL=identity.metadata_url, BOT_LOGIN_URL=token_server.authority,
    )
    token_server.delay_s = 2.0
    first = asyncio.create_task(_say_signed(bot, identity, connector, "/help"))
    await asyncio.wait_for(token_server.asked.wait(), 10)
    # While the token is being fetched the bot still answers other requests at once.
    started = time.monotonic()
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/healthz") as health:
        assert health.status == 200
    assert time.monotonic() - started < 1.0  # not after the token's 2 s
    assert await first < 300
    token_server.delay_s = 0.0
    for _ in range(3):
        assert await _say_signed(bot, identity, connector, "/help") < 300
    assert len(connector.calls) >= 4
    assert {call.authorization for call in connector.calls} == {"Bearer bot-token-1"}
    assert token_server.issued == ["bot-token-1"]  # kept, not fetched per reply


async def test_throttled_and_unavailable_sends_are_retried_and_arrive_once(
        start_bot, connector: ScriptedConnector) -> None:
    bot = await start_bot()
    connector.fail("reply", 503)
    connector.fail("reply", 429, {"Retry-After": "1"})
    started = time.monotonic()
    status, _ = await bot.client.say(YAMADA, "/help")
    assert status < 300
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    replies = [call for call in connector.calls if call.operation == "reply"]
    assert len(replies) >= 3
    delivered = [r for r in connector.received if r.operation == "reply"]
    assert len(delivered) == len(replies) - 2  # each activity once: the refused tries left no copy


async def test_a_send_that_failed_with_500_is_not_repeated(start_bot, connector: ScriptedConnector) -> None:
    # It may have been delivered; sending it again would show the message twice.
    bot = await start_bot()
    connector.fail("reply", 500)
    await bot.client.say(YAMADA, "/help")
    assert [call.operation for call in connector.calls] == ["reply", "reply"]  # the refused answer, the apology
    assert [r.text for r in connector.received] == [messages.INTERNAL_ERROR]


async def _client(connector: Connector) -> Any:
    auth = ReusedClients(ConfigurationBotFrameworkAuthentication(
        SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TENANTID="", APP_TYPE="MultiTenant")))
    claims = ClaimsIdentity({AuthenticationConstants.APP_ID_CLAIM: ""}, True)
    return auth, await auth.create_connector_factory(claims).create(connector.url)


async def test_updates_and_deletes_are_retried_after_a_server_error(connector: ScriptedConnector) -> None:
    auth, client = await _client(connector)
    try:
        connector.fail("update", 502)
        connector.fail("delete", 504)
        activity = Activity(type="message", id="act-7", text="更新後")
        response = await client.conversations.update_activity("a:personal-1", "act-7", activity)
        assert response.id == "act-7"
        await client.conversations.delete_activity("a:personal-1", "act-7")
        assert [c.operation for c in connector.calls] == ["update", "update", "delete", "delete"]
        assert [(r.operation, r.activity_id, r.text) for r in connector.received] == \
            [("update", "act-7", "更新後"), ("delete", "act-7", "")]
    finally:
        await auth.close()


async def test_a_refusal_raises_the_sdks_error_with_its_status(connector: ScriptedConnector) -> None:
    auth, client = await _client(connector)
    try:
        connector.fail("send", 403)
        with pytest.raises(ErrorResponseException) as refused:
            await client.conversations.send_to_conversation("a:personal-1", Activity(type="message", text="x"))
        assert refused.value.response.status_code == 403
        assert "scripted 403" in str(refused.value)
    finally:
        await auth.close()


async def test_teams_refusing_the_approvers_chat_cancels_the_request(start_bot, connector: ScriptedConnector) -> None:
    # As when the app is not installed for the 所属長: Teams answers 403 to the new 1:1 chat.
    bot = await start_bot()
    connector.fail("create", 403)
    await bot.client.say(TANAKA, "市民課の窓口時間を案内する文章を作ってください。")
    form = await card_for(connector, TANAKA, "permission.request")
    status, body = await bot.client.click(TANAKA, "permission.request", actions(form)["permission.request"],
                                          inputs=WORK)
    assert status == 200
    assert "申請を取り消しました" in body_text(invoke_card(body))
    assert [c.operation for c in connector.calls].count("create") == 1
    assert not connector.conversations  # no chat was opened, nothing reached the 所属長
    requests = await bot.services.store.find("approvals")
    assert [r["state"] for r in requests] == ["cancelled"]
    assert not [r for r in connector.received if SATO.aad_object_id in r.conversation_id]

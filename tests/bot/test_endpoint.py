"""``POST /api/messages`` with Bot Framework tokens (bot/endpoint.py): a token verified once is
trusted again only for the same channel and service URL, and never past its expiry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app import ENDPOINT
from tests.support.identity import BotFrameworkIdentity
from tests.support.teams import TENANT_ID, YAMADA, message

APP_ID = "9e6c3f7a-1b2c-4d5e-8f90-123456789abc"


@pytest.fixture
async def identity(tmp_path, monkeypatch) -> AsyncIterator[BotFrameworkIdentity]:
    server = BotFrameworkIdentity()
    await server.start()
    # The SDK fetches the signing keys with `requests`, which reads its CA bundle from here.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.write_ca(str(tmp_path / "test-ca.pem")))
    yield server
    await server.stop()


@pytest.fixture
async def secured_bot(start_bot, identity):
    return await start_bot(
        MicrosoftAppId=APP_ID, MicrosoftAppPassword="test-secret-not-used", MicrosoftAppTenantId=TENANT_ID,
        MicrosoftAppType="SingleTenant", ALLOW_UNAUTHENTICATED="0", BOT_OPENID_METADATA_URL=identity.metadata_url,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def count_verifications(bot: Any) -> list[str]:
    """The tokens the SDK is asked to verify, in order."""
    auth = bot.app[ENDPOINT]._auth
    asked: list[str] = []
    verify = auth.authenticate_request

    async def counted(activity: Any, header: str) -> Any:
        asked.append(header)
        return await verify(activity, header)

    auth.authenticate_request = counted
    return asked


async def test_a_verified_token_is_refused_for_another_service_url(secured_bot, identity, connector) -> None:
    token = identity.token(app_id=APP_ID, service_url=connector.url)
    accepted, _ = await secured_bot.client.post(message(YAMADA, connector.url, "/help"), headers=bearer(token))
    sent = len(connector.received)

    elsewhere = message(YAMADA, "https://smba.trafficmanager.net/other/", "/help")
    refused, _ = await secured_bot.client.post(elsewhere, headers=bearer(token))

    assert (accepted, refused) == (201, 401)
    assert len(connector.received) == sent


async def test_a_token_signed_by_a_stranger_is_refused_after_the_real_one_was_accepted(
        secured_bot, identity, connector) -> None:
    token = identity.token(app_id=APP_ID, service_url=connector.url)
    forged = identity.token(app_id=APP_ID, service_url=connector.url, key=identity.stranger_key)

    statuses = [(await secured_bot.client.post(message(YAMADA, connector.url, "/help"), headers=bearer(t)))[0]
                for t in (token, forged, token)]

    assert statuses == [201, 401, 201]


async def test_a_token_is_verified_once_until_it_expires_and_again_after(secured_bot, identity, connector) -> None:
    asked = count_verifications(secured_bot)
    token = identity.token(app_id=APP_ID, service_url=connector.url, lifetime_s=2)
    expires = time.time() + 2

    first = await secured_bot.client.post(message(YAMADA, connector.url, "/help"), headers=bearer(token))
    second = await secured_bot.client.post(message(YAMADA, connector.url, "/help"), headers=bearer(token))
    assert len(asked) == 1
    await asyncio.sleep(max(0.0, expires - time.time()) + 1.1)
    third = await secured_bot.client.post(message(YAMADA, connector.url, "/help"), headers=bearer(token))

    assert [first[0], second[0], third[0]] == [201, 201, 201]  # the SDK allows 5 minutes of clock skew
    assert len(asked) == 2

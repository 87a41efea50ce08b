"""``POST /api/messages`` with Bot Framework tokens (bot/endpoint.py): a token verified once is
trusted again only for the same channel and service URL, and never past its expiry."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from app import ENDPOINT
from tests.support.identity import APP_ID
from tests.support.teams import YAMADA, message


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

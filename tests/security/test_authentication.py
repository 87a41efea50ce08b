"""Only Teams, signing for this bot in the city's tenant, gets in (issue 10, issue 2)."""

from __future__ import annotations

import socket

import pytest

from tests.support.identity import APP_ID
from tests.support.teams import TENANT_ID, YAMADA, message


async def _refs(bot) -> list:
    return await bot.services.store.find("conversation_refs")


async def test_valid_token_is_served(secured_bot, identity, connector):
    token = identity.token(app_id=APP_ID, service_url=connector.url)
    status, _ = await secured_bot.client.post(
        message(YAMADA, connector.url, "/help"), headers={"Authorization": f"Bearer {token}"}
    )
    assert status in (200, 201)
    assert [r["user_id"] for r in await _refs(secured_bot)] == [YAMADA.channel_id]


@pytest.mark.parametrize(
    "case",
    ["no token", "expired", "wrong audience", "wrong issuer", "wrong key", "not a jwt"],
)
async def test_invalid_tokens_are_refused_and_nothing_is_processed(case, secured_bot, identity, connector):
    url = connector.url
    tokens = {
        "no token": None,
        "expired": identity.token(app_id=APP_ID, service_url=url, lifetime_s=-3600),
        "wrong audience": identity.token(app_id="00000000-0000-0000-0000-000000000000", service_url=url),
        "wrong issuer": identity.token(app_id=APP_ID, service_url=url, issuer="https://evil.example.com"),
        "wrong key": identity.token(app_id=APP_ID, service_url=url, key=identity.stranger_key),
        "not a jwt": "abc.def.ghi",
    }
    token = tokens[case]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    status, body = await secured_bot.client.post(message(YAMADA, url, "/help"), headers=headers)
    assert status == 401
    assert body == {"error": "認証に失敗しました。"}
    assert connector.received == []
    assert await _refs(secured_bot) == []


async def test_other_tenant_is_refused(secured_bot, identity, connector):
    token = identity.token(app_id=APP_ID, service_url=connector.url)
    activity = message(YAMADA, connector.url, "/help")
    activity["channelData"]["tenant"]["id"] = "99999999-9999-9999-9999-999999999999"
    activity["conversation"]["tenantId"] = "99999999-9999-9999-9999-999999999999"
    status, _ = await secured_bot.client.post(activity, headers={"Authorization": f"Bearer {token}"})
    assert status == 401
    assert connector.received == []
    assert await _refs(secured_bot) == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_unreachable_signing_keys_fail_closed_with_401(start_bot, identity, connector):
    # As on a machine without internet: the keys cannot be fetched, the request is refused.
    bot = await start_bot(
        MicrosoftAppId=APP_ID, MicrosoftAppPassword="x", MicrosoftAppTenantId=TENANT_ID,
        MicrosoftAppType="SingleTenant", ALLOW_UNAUTHENTICATED="0",
        BOT_OPENID_METADATA_URL=f"https://127.0.0.1:{_closed_port()}/v1/.well-known/openidconfiguration",
    )
    token = identity.token(app_id=APP_ID, service_url=connector.url)
    status, _ = await bot.client.post(message(YAMADA, connector.url, "/help"), headers={"Authorization": f"Bearer {token}"})
    assert status == 401
    assert connector.received == []


async def test_without_app_id_the_bot_refuses_to_start(start_bot):
    from app import StartupError

    with pytest.raises(StartupError, match="ALLOW_UNAUTHENTICATED=1"):
        await start_bot(ALLOW_UNAUTHENTICATED="0")


async def test_unauthenticated_start_is_announced_in_the_log(start_bot, caplog):
    caplog.set_level("WARNING")
    await start_bot()
    assert "accepting UNAUTHENTICATED requests" in caplog.text

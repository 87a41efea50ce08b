"""Fixtures that run the bot as Teams meets it: a real HTTP server, a loopback connector."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from hypothesis import settings

from app import SERVICES, create_app
from bot.services import Services
from settings import Settings
from tests.support.connector import Connector
from tests.support.identity import APP_ID, BotFrameworkIdentity
from tests.support.loopback import serve
from tests.support.model_servers import AnthropicServer, OpenAIServer, model_settings
from tests.support.teams import TENANT_ID, BotClient

# CI runs the same examples every time (a failure there is reproducible, never a flake); a
# developer's run explores new ones and keeps what fails in .hypothesis, to become an @example.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent


class RunningBot:
    def __init__(self, app: web.Application, runner: web.AppRunner, url: str, client: BotClient):
        self.app = app
        self.runner = runner
        self.url = url
        self.client = client

    @property
    def services(self) -> Services:
        return self.app[SERVICES]


BotFactory = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    server = Connector()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def openai_server() -> AsyncIterator[OpenAIServer]:
    async with OpenAIServer() as server:
        yield server


@pytest.fixture
async def anthropic_server() -> AsyncIterator[AnthropicServer]:
    async with AnthropicServer() as server:
        yield server


@pytest.fixture
def models(openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> dict[str, str]:
    """Settings that point both services at the loopback model servers."""
    return model_settings(openai_server, anthropic_server)


@pytest.fixture
def base_settings(tmp_path: Path) -> dict[str, str]:
    """Settings of a local bot with its own empty database under ``tmp_path``."""
    return {
        "ALLOW_UNAUTHENTICATED": "1",
        "DATA_DIR": str(tmp_path / "data"),
        "STORAGE_URL": f"tinydb:///{tmp_path / 'data' / 'store'}",
        "ORG_TABLE": str(REPO / "data" / "org.csv"),
        # Required: the periods the city sets (3章1-3(3)); tests keep everything a year.
        "RETENTION_EXCHANGES_DAYS": "365",
        "RETENTION_APPROVALS_DAYS": "365",
        "RETENTION_REPORTS_DAYS": "365",
    }


@pytest.fixture
async def start_bot(connector: Connector, base_settings: dict[str, str]) -> AsyncIterator[BotFactory]:
    """Start bots (several, for restarts) with settings overrides; all are stopped at the end."""
    runners: list[web.AppRunner] = []
    session = aiohttp.ClientSession()

    async def start(**overrides: str) -> RunningBot:
        values = {**base_settings, **overrides}
        settings = Settings(values)
        app = create_app(settings)
        runner, url = await serve(app)
        runners.append(runner)
        return RunningBot(app, runner, url, BotClient(url, connector.url, session))

    yield start
    for runner in reversed(runners):
        await runner.cleanup()
    await session.close()


@pytest.fixture
async def identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotFrameworkIdentity]:
    """Bot Framework's token service on loopback HTTPS (tests/support/identity.py)."""
    server = BotFrameworkIdentity()
    await server.start()
    # The SDK (signing keys) and msal (tokens) fetch with `requests`, which reads the CA from here.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.write_ca(str(tmp_path / "test-ca.pem")))
    yield server
    await server.stop()


@pytest.fixture
async def secured_bot(start_bot: BotFactory, identity: BotFrameworkIdentity) -> RunningBot:
    """A bot that verifies Bot Framework tokens for APP_ID in the city's tenant."""
    return await start_bot(
        MicrosoftAppId=APP_ID, MicrosoftAppPassword="test-secret-not-used", MicrosoftAppTenantId=TENANT_ID,
        MicrosoftAppType="SingleTenant", ALLOW_UNAUTHENTICATED="0", BOT_OPENID_METADATA_URL=identity.metadata_url,
    )

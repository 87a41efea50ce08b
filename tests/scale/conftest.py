"""Two bot instances as separate processes (``app.py`` with ``PORT``, as scripts/start runs it),
sharing one PostgreSQL schema, with one loopback Bot Connector and one model server.

Started once for the module (start-up is the slow part); every test uses its own people so
the tests do not see each other's messages, approvals or rate-limit counts.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from tests.storage.conftest import _drop_schema, _server_url
from tests.support.connector import Connector
from tests.support.loopback import free_port, wait_healthy
from tests.support.model_servers import AnthropicServer
from tests.support.teams import BotClient

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
START_TIMEOUT_S = 150.0  # two interpreters importing the SDKs on a busy 2-core machine
RATE_LIMIT = 4


@dataclass
class Instance:
    name: str
    process: asyncio.subprocess.Process
    url: str
    client: BotClient
    log: Path


@dataclass
class Cluster:
    a: Instance
    b: Instance
    connector: Connector
    model: AnthropicServer


@pytest.fixture(scope="module")
def shared_postgres() -> Iterator[str]:
    """A schema of its own on TEST_POSTGRES_URL for both instances, dropped afterwards."""
    server = _server_url()
    schema = f"test_scale_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}schema={schema}"
    _drop_schema(server, schema)


def bot_env(storage_url: str, data_dir: Path, model: AnthropicServer, **overrides: str) -> dict[str, str]:
    """The environment of an app.py process on ``storage_url``, answering with ``model``."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_"))},
        "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING", "ALLOW_UNAUTHENTICATED": "1",
        "STORAGE_URL": storage_url, "DATA_DIR": str(data_dir), "ORG_TABLE": str(REPO / "data" / "org.csv"),
        "RETENTION_EXCHANGES_DAYS": "30", "RETENTION_APPROVALS_DAYS": "30", "RETENTION_REPORTS_DAYS": "30",
        "ANTHROPIC_BASE_URL": model.base_url, "ANTHROPIC_API_KEY": "test-anthropic-key",
        "LLM_MAX_RETRIES": "0", "LLM_TIMEOUT_S": "10",
        **overrides,
    }


async def _start(name: str, env: dict[str, str], log: Path) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    out = log.open("wb")
    process = await asyncio.create_subprocess_exec(
        str(PYTHON if PYTHON.exists() else Path(sys.executable)), "app.py",
        cwd=REPO, env={**env, "PORT": str(port)}, stdout=out, stderr=out,
    )
    out.close()
    return process, f"http://127.0.0.1:{port}"


async def healthy(process: asyncio.subprocess.Process, url: str, log: Path) -> None:
    await wait_healthy(url, lambda: process.returncode, log, START_TIMEOUT_S)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(shared_postgres: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    tmp = tmp_path_factory.mktemp("scale")
    connector = Connector()
    await connector.start()
    model = AnthropicServer()
    await model.start()
    env = bot_env(shared_postgres, tmp, model, RATE_LIMIT_PER_MINUTE=str(RATE_LIMIT), STREAM_INTERVAL_S="0.05")
    session = aiohttp.ClientSession()
    # Both start together (storage migrations take an advisory lock, one instance applies them).
    started: list[Instance] = []
    try:
        for name in ("a", "b"):
            log = tmp / f"bot-{name}.log"
            process, url = await _start(name, env, log)
            started.append(Instance(name, process, url, BotClient(url, connector.url, session), log))
        await asyncio.gather(*(healthy(i.process, i.url, i.log) for i in started))
        yield Cluster(started[0], started[1], connector, model)
    finally:
        for instance in started:
            if instance.process.returncode is None:
                instance.process.terminate()
                try:
                    await asyncio.wait_for(instance.process.wait(), 20)
                except TimeoutError:
                    instance.process.kill()
                    await instance.process.wait()
        await session.close()
        await model.stop()
        await connector.stop()

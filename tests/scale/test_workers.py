"""``WORKERS=2``: one port served by two processes forked from one start-up (app.py, issue 9)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from app import StartupError, create_app
from settings import Settings
from tests.scale.conftest import REPO, _start, bot_env, healthy
from tests.support.connector import Connector
from tests.support.loopback import child_pids
from tests.support.model_servers import AnthropicServer, Reply
from tests.support.teams import SATO, YAMADA, BotClient, User

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module")]

U5 = User("user-5", "44444444-4444-4444-4444-444444444445", "ユーザー5")
STOP_TIMEOUT_S = 30.0


@dataclass
class Servers:
    connector: Connector
    model: AnthropicServer
    env: dict[str, str]
    tmp: Path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def servers(shared_postgres: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Servers]:
    tmp = tmp_path_factory.mktemp("workers")
    connector = Connector()
    await connector.start()
    model = AnthropicServer()
    await model.start()
    env = bot_env(shared_postgres, tmp, model, WORKERS="2", RATE_LIMIT_PER_MINUTE="0")
    yield Servers(connector, model, env, tmp)
    await model.stop()
    await connector.stop()


async def start(servers: Servers, name: str) -> tuple[asyncio.subprocess.Process, str, list[int]]:
    log = servers.tmp / f"bot-{name}.log"
    process, url = await _start(name, servers.env, log)
    await healthy(process, url, log)
    workers = child_pids(process.pid)
    assert len(workers) == 2, log.read_text(errors="replace")
    return process, url, workers


async def ended(process: asyncio.subprocess.Process, workers: list[int]) -> int:
    code = await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
    for _ in range(100):  # the workers are gone too (reaped by the process that forked them)
        if not any(os.path.exists(f"/proc/{pid}") for pid in workers):
            return code
        await asyncio.sleep(0.1)
    raise AssertionError(f"workers still running: {workers}")


async def test_two_workers_answer_everyone_and_stop_together(servers: Servers) -> None:
    process, url, workers = await start(servers, "answer")
    try:
        people = (YAMADA, SATO, U5)
        async with aiohttp.ClientSession() as session:
            client = BotClient(url, servers.connector.url, session)
            sent = await asyncio.gather(*(client.say(p, f"窓口の案内文を作ってください（{i}）。") for p in people for i in (1, 2)))
        assert all(status < 300 for status, _ in sent)
        answers = [r for r in servers.connector.received if "生成AI" in r.text]  # the 6-5 notice ends each answer
        assert len(answers) == 6 and len(servers.model.requests) == 6  # each message answered once
    finally:
        process.send_signal(signal.SIGTERM)
    assert await ended(process, workers) == 0


async def test_when_a_worker_dies_the_bot_stops_for_its_service_manager_to_restart(servers: Servers) -> None:
    process, _, workers = await start(servers, "dies")
    os.kill(workers[0], signal.SIGKILL)
    assert await ended(process, workers) == 1


async def test_a_stop_signal_to_every_process_lets_the_answer_being_written_finish(servers: Servers) -> None:
    """systemd's stop (KillMode=control-group) and Ctrl+C signal the parent and every worker at once,
    and the parent passes its signal on: a worker is told twice, and the second must not cut short
    the graceful stop that the first began."""
    process, url, workers = await start(servers, "group-stop")
    for _ in range(int(STOP_TIMEOUT_S * 10)):  # both workers past their start-up (each logs this once)
        if (servers.tmp / "bot-group-stop.log").read_text(errors="replace").count("UNAUTHENTICATED") == 2:
            break
        await asyncio.sleep(0.1)
    answer = "職員向けの案内文の下書きです。"
    servers.model.queue(Reply(answer, chunk_size=2, chunk_delay=0.25))  # ~2 s of streaming
    asked = len(servers.model.requests)
    async with aiohttp.ClientSession() as session:
        reply = asyncio.create_task(
            BotClient(url, servers.connector.url, session).say(YAMADA, "窓口の案内文を作ってください（停止）。"))
        for _ in range(200):
            if len(servers.model.requests) > asked:
                break
            await asyncio.sleep(0.05)
        for pid in (process.pid, *workers):
            os.kill(pid, signal.SIGTERM)
        status, _ = await asyncio.wait_for(reply, STOP_TIMEOUT_S)

    assert status < 300
    assert any(answer in r.text for r in servers.connector.received)
    assert await ended(process, workers) == 0


def running(pid: int) -> bool:
    try:  # a worker whose parent is gone is reaped by init; until then it shows as a zombie
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def test_when_the_parent_is_killed_outright_its_workers_stop_too(servers: Servers) -> None:
    process, _, workers = await start(servers, "orphans")
    process.kill()
    await process.wait()
    for _ in range(int(STOP_TIMEOUT_S * 10)):  # none left serving the port on its own
        if not any(running(pid) for pid in workers):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"workers still running: {workers}")


@pytest.mark.filterwarnings("ignore:The test <Function:pytest.PytestWarning")  # sync, in an async module
def test_more_than_one_worker_needs_postgresql(tmp_path: Path) -> None:
    settings = Settings({
        "ALLOW_UNAUTHENTICATED": "1", "WORKERS": "2", "STORAGE_URL": f"tinydb:///{tmp_path / 'store'}",
        "ORG_TABLE": str(REPO / "data" / "org.csv"), "RETENTION_EXCHANGES_DAYS": "30",
        "RETENTION_APPROVALS_DAYS": "30", "RETENTION_REPORTS_DAYS": "30",
    })
    with pytest.raises(StartupError, match="PostgreSQL"):
        create_app(settings)

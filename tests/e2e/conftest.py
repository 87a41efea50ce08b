"""The bot as a separate process, driven through the Microsoft 365 Agents Playground.

The bot runs ``app.py`` as it would in production, except that it accepts unauthenticated
requests (the Playground sends no tokens) and its two model services point at loopback
servers (``tests/support/model_servers.py``) running in a thread of the test process.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.loopback import free_port
from tests.support.model_servers import AnthropicServer, ModelRequest, ModelServer, OpenAIServer
from tests.support.shared_tools import PLAYGROUND_CONFIG_JA, REPO_ROOT, playground_drive, require_tools


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.tools)

# Importing the bot (model SDKs, screening dictionaries) takes about 15 s of CPU; on a busy CI
# machine that is a minute or more of wall time.
STARTUP_TIMEOUT_S = 240


def _die_with_parent() -> None:
    """Runs in the bot's process before app.py: a killed test run must not leave the bot behind."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class ModelServers:
    """OpenAI- and Anthropic-compatible servers on an event loop of their own thread, so they
    keep answering while the test blocks on playground-drive."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.openai = OpenAIServer()
        self.anthropic = AnthropicServer()

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    def start(self) -> None:
        self.thread.start()
        self._call(self.openai.start())
        self._call(self.anthropic.start())

    def stop(self) -> None:
        self._call(self.openai.stop())
        self._call(self.anthropic.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    @property
    def servers(self) -> tuple[ModelServer, ModelServer]:
        return self.openai, self.anthropic

    def requests(self) -> list[ModelRequest]:
        """Every request either server received, oldest first."""
        return sorted((r for server in self.servers for r in server.requests), key=lambda r: r.at)

    def request_count(self) -> int:
        return sum(len(server.requests) for server in self.servers)


@dataclass
class Bot:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    models: ModelServers
    playground_port: int

    def drive(
        self, *steps: str, chat: str = "personal", as_user: str | None = None, other_users_unreachable: bool = False
    ) -> dict[str, Any]:
        """Run playground-drive STEPS against this bot and return the transcript.

        Every run uses the same Playground port and the Playground's fixed conversation ids, so a
        conversation the bot remembers from an earlier run (for proactive messages) still leads to
        the Playground of a later one. The Playground has one personal chat, the current user's:
        the bot's messages to other people's personal chats fail there, which
        ``other_users_unreachable`` accepts (and no other failure).
        """
        args = ["--bot", f"{self.url}/api/messages", "--config", str(PLAYGROUND_CONFIG_JA),
                "--port", str(self.playground_port), "--chat", chat, "--timeout-ms", "60000", *steps]
        if as_user:
            args += ["--as", as_user]
        run, transcript = playground_drive(args)
        steps = transcript.get("steps", [])
        problems = [
            call for step in steps for call in failed_calls(step)
            if not (other_users_unreachable and _other_users_chat(call))
        ]
        broken = [step["step"] for step in steps if step.get("error") or not _ok(step.get("http", {}).get("status"))
                  or not all(_ok(call.get("status")) for call in step.get("toBot", []))]
        ok = bool(steps) and not problems and not broken and (run.returncode == 0 or other_users_unreachable)
        summary = [
            {"operation": c.get("operation"), "status": c.get("status"), "body": c.get("body"),
             "conversation": (c.get("activity") or {}).get("conversation", {}).get("id")}
            for c in problems
        ]
        assert ok, (
            f"playground-drive failed ({run.returncode}); broken steps {broken}; failed bot calls "
            f"{json.dumps(summary, ensure_ascii=False)}\n"
            f"{json.dumps([{k: v for k, v in s.items() if k not in ('toBot', 'fromBot')} for s in steps], ensure_ascii=False)[:3000]}"
            f"\n{run.stderr[-2000:]}\nbot log:\n{self.log.read_text(encoding='utf-8', errors='replace')[-3000:]}"
        )
        return transcript


# The conversations every Playground has (ids from the config); others are ones the bot opened.
PLAYGROUND_CONVERSATIONS = ("personal-chat-1", "group-chat-1", "team-1", "channel-2")


def _ok(status: Any) -> bool:
    return status is None or 200 <= int(status) < 300


def failed_calls(step: dict[str, Any]) -> list[dict[str, Any]]:
    return [call for call in step.get("fromBot", []) if not _ok(call.get("status"))]


def _other_users_chat(call: dict[str, Any]) -> bool:
    conversation = (call.get("activity") or {}).get("conversation", {}).get("id", "")
    error = (call.get("body") or {}).get("error", {}) if isinstance(call.get("body"), dict) else {}
    # UserNotFound: a chat the bot opened for someone else; ConversationNotFound: one it opened in
    # an earlier run's Playground (a new Playground knows only its own).
    return not conversation.startswith(PLAYGROUND_CONVERSATIONS) and error.get("code") in {
        "UserNotFound", "ConversationNotFound",
    }


def bot_activities(transcript: dict[str, Any], step: int | None = None) -> list[dict[str, Any]]:
    """Activities the bot sent (to any conversation), in order; of one step when given.

    Opening a conversation (``createConversation``) is not an activity and is left out.
    """
    steps = transcript["steps"] if step is None else [transcript["steps"][step]]
    return [
        call["activity"] for s in steps for call in s["fromBot"]
        if call.get("activity") and call.get("operation") != "createConversation"
    ]


def cards(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        attachment["content"] for activity in activities for attachment in activity.get("attachments") or []
        if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def card_text(card: dict[str, Any]) -> str:
    """Every TextBlock and fact of a card, one a line, for assertions on what a person reads."""
    lines: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                lines.append(str(node.get("text", "")))
            if node.get("type") == "FactSet":
                lines.extend(f"{f.get('title')} {f.get('value')}" for f in node.get("facts", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(lines)


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action."):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


@pytest.fixture(scope="session")
def models() -> Iterator[ModelServers]:
    servers = ModelServers()
    servers.start()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def bot(models: ModelServers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    require_tools()
    work = tmp_path_factory.mktemp("e2e-bot")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")},
        "NO_PROXY": "127.0.0.1,localhost",
        "ALLOW_UNAUTHENTICATED": "1",
        "MicrosoftAppId": "",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATA_DIR": str(work / "data"),
        "STORAGE_URL": f"tinydb:///{work / 'data' / 'store'}",
        "ORG_TABLE": str(REPO_ROOT / "data" / "org.csv"),
        "GRAPH_CLIENT_ID": "",
        "OPENAI_BASE_URL": models.openai.base_url,
        "OPENAI_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": models.anthropic.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "STREAM_INTERVAL_S": "0.2",
        "RETENTION_EXCHANGES_DAYS": "365",
        "RETENTION_APPROVALS_DAYS": "365",
        "RETENTION_REPORTS_DAYS": "365",
    }
    log = work / "bot.log"
    with log.open("wb") as out:
        # cwd outside the checkout: a developer's .env must not change the bot under test.
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "app.py")], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"the bot exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the bot did not answer /healthz in {STARTUP_TIMEOUT_S} s:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)
    yield Bot(url, process, log, models, free_port())
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()

"""Whatever arrives at /api/messages, the bot answers with a reply or a 4xx, never a 500 (issue 10).

Hypothesis generates activities of every type with random fields, card action payloads and
plain garbage; each goes over HTTP to a bot that runs on its own thread and event loop, as in
production. FUZZ_EXAMPLES sets the number of examples (10,000 in CI).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from settings import Settings
from tests.support.connector import Connector
from tests.support.loopback import serve
from tests.support.teams import SATO, YAMADA, activity

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
ALLOWED = {200, 201, 400, 401, 413, 415}

REPO = Path(__file__).resolve().parents[2]


class LiveBot:
    """The bot and a connector on a background event loop, reachable over HTTP."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self.connector_url = ""
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self._ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        self.connector = Connector()
        await self.connector.start()
        self.connector_url = self.connector.url
        app = create_app(Settings({
            "ALLOW_UNAUTHENTICATED": "1",
            "DATA_DIR": str(self.data_dir),
            "STORAGE_URL": f"tinydb:///{self.data_dir / 'store'}",
            "ORG_TABLE": str(REPO / "data" / "org.csv"),
            "RATE_LIMIT_PER_MINUTE": "0",
            "RETENTION_EXCHANGES_DAYS": "365", "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "365",
        }))
        self.runner, base = await serve(app)
        self.url = f"{base}/api/messages"

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(60)

    def stop(self) -> None:
        async def shutdown() -> None:
            await self.runner.cleanup()
            await self.connector.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def live_bot(tmp_path_factory) -> Iterator[LiveBot]:
    bot = LiveBot(tmp_path_factory.mktemp("fuzz"))
    bot.start()
    yield bot
    bot.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
activity_types = st.sampled_from(
    ["message", "invoke", "conversationUpdate", "installationUpdate", "messageReaction", "typing", "event",
     "endOfConversation", "messageUpdate", "unknownType", ""]
)
invoke_names = st.sampled_from(["adaptiveCard/action", "message/submitAction", "task/fetch", "composeExtension/query", ""])
verbs = st.sampled_from([
    "chat.resend_masked", "chat.retry", "approval.approve", "approval.reject", "approval.refresh",
    "permission.request", "application.submit", "application.decide", "report.submit", "report.status",
    "usecase.submit", "usecase.publish", "guide.open", "admin.review", "no.such_verb", "",
]) | st.text(max_size=20)
texts = st.text(max_size=300) | st.sampled_from([
    "/help", "/guide マイナンバー", "/service chatgpt", "/report", "/usecase", "/cases", "/admin", "/reset",
    "／ＧＵＩＤＥ", "guide", "<at>生成AIアシスタント</at> help",
])


@st.composite
def activities(draw) -> dict:
    user = draw(st.sampled_from([YAMADA, SATO]))
    kind = draw(st.sampled_from(["personal", "groupChat", "channel"]))
    body = activity(user, "set-by-the-test", kind=kind, type=draw(activity_types))
    if body["type"] == "invoke":
        body["name"] = draw(invoke_names)
        action = {"type": draw(st.sampled_from(["Action.Execute", "Action.Submit", "x"])), "verb": draw(verbs),
                  "data": draw(st.dictionaries(st.text(max_size=12), json_values, max_size=6))}
        body["value"] = draw(st.sampled_from([{"action": action}, action, None])) or draw(json_values)
    else:
        body["text"] = draw(texts)
        if draw(st.booleans()):
            body["value"] = draw(json_values)
        if draw(st.booleans()):
            body["attachments"] = draw(st.lists(st.dictionaries(st.text(max_size=12), json_values, max_size=3),
                                                 max_size=2))
    for field in draw(st.lists(st.sampled_from(["from", "conversation", "recipient", "channelData", "entities",
                                                  "membersAdded", "locale", "id"]), max_size=3)):
        body[field] = draw(json_values)
    return body


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(body=activities() | json_values)
def test_no_payload_makes_the_bot_fail(live_bot, http, body):
    if isinstance(body, dict) and "serviceUrl" in body:
        body["serviceUrl"] = live_bot.connector_url  # replies go to the loopback connector
    response = http.post(live_bot.url, data=json.dumps(body), headers={"Content-Type": "application/json"},
                         timeout=30)
    assert response.status_code in ALLOWED, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("payload", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[]", "application/json", 400),
        (b'{"type": 5}', "application/json", 400),
        (b'{"type": "message", "text": "x"}', "text/plain", 415),
        (b"x" * (3 * 1024 * 1024), "application/json", 413),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_japanese_reason(live_bot, http, payload, content_type, status):
    response = http.post(live_bot.url, data=payload, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == status
    assert "Traceback" not in response.text

"""Keys, tokens and prohibited values never reach a log line or a stored file (issue 10).

The bot runs as its own process, as `scripts/start` runs it, with real-looking secrets in its
environment; every line it prints and every byte it stores is searched afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from stdnum.jp import in_ as my_number

from tests.support.connector import Connector
from tests.support.loopback import free_port, wait_healthy
from tests.support.model_servers import AnthropicServer, OpenAIServer, Reply
from tests.support.teams import YAMADA, BotClient

REPO = Path(__file__).resolve().parents[2]
OPENAI_KEY = "sk-proj-LEAKCHECKopenai0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-LEAKCHECKanthropic0123456789"
APP_PASSWORD = "LEAKCHECK~bot~client~secret~value"
MY_NUMBER = "12345678901" + my_number.calc_check_digit("12345678901")
PHONE = "090-4821-7730"


@pytest.fixture
async def model_servers():
    async with OpenAIServer() as openai_server, AnthropicServer() as anthropic_server:
        yield openai_server, anthropic_server


async def test_secrets_and_prohibited_values_stay_out_of_logs_and_files(tmp_path, connector: Connector, model_servers):
    openai_server, anthropic_server = model_servers
    # The model "answers" with a phone number of a private person: it must be masked in the record too.
    anthropic_server.queue(Reply(f"担当者の携帯は {PHONE} です。"))
    port = free_port()
    data_dir = tmp_path / "data"
    env = {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")},
        "PORT": str(port), "HOST": "127.0.0.1", "ALLOW_UNAUTHENTICATED": "1", "DATA_DIR": str(data_dir),
        "ORG_TABLE": str(REPO / "data" / "org.csv"),
        "OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": openai_server.base_url,
        "ANTHROPIC_API_KEY": ANTHROPIC_KEY, "ANTHROPIC_BASE_URL": anthropic_server.base_url,
        "MicrosoftAppPassword": APP_PASSWORD,
        "RETENTION_EXCHANGES_DAYS": "365", "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "365",
        "LOG_LEVEL": "DEBUG",
    }
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            await wait_healthy(url, process.poll)
            async with aiohttp.ClientSession() as session:
                client = BotClient(url, connector.url, session)
                status, _ = await client.say(YAMADA, "市民向けのお知らせ文を丁寧に書き直してください。")
                assert status in (200, 201)
                status, _ = await client.say(YAMADA, f"マイナンバー {MY_NUMBER} の方の手続きを教えて")
                assert status in (200, 201)
        finally:
            process.terminate()
            process.wait(30)

    # The prohibited message never reached a model; the clean one did, with the key as credential.
    prompts = [r.text for r in openai_server.requests + anthropic_server.requests]
    assert len(prompts) == 1 and MY_NUMBER not in prompts[0]
    masked_answer = [r for r in connector.received if r.operation in ("send", "reply") and "携帯" in r.text]
    assert masked_answer and all(PHONE not in r.text for r in masked_answer)

    printed = log_path.read_text(encoding="utf-8", errors="replace")
    assert "accepting UNAUTHENTICATED requests" in printed
    stored = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    for secret in (OPENAI_KEY, ANTHROPIC_KEY, APP_PASSWORD):
        assert secret not in printed
        assert secret.encode() not in stored
    for value in (MY_NUMBER, PHONE, PHONE.replace("-", "")):
        assert value not in printed
        assert value.encode() not in stored

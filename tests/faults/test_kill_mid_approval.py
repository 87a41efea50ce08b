"""The bot process is killed (SIGKILL) while a message waits for the 所属長 (issue 10, faults).

``python app.py`` runs as its own process on a TinyDB store. 山田's message is held for
佐藤 (所属長確認); the process is killed with no chance to clean up and started again on the
same data; 佐藤's 承認 on the card from before the crash then sends the original once, and the
answer reaches 山田 exactly once, even when 佐藤 clicks again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from tests.approvals.conftest import actions, card_for, invoke_card, text_for
from tests.faults.process import REPO, BotProcess
from tests.support.connector import Connector
from tests.support.model_servers import AnthropicServer, Reply
from tests.support.teams import SATO, YAMADA, BotClient

HELD = "職員の山田さんの評価について文章を作って"
ANSWER = "評価文書の構成案です。"


async def test_a_held_message_survives_sigkill_and_is_answered_once(private_dir: Path, connector: Connector,
                                                                     models: dict[str, str],
                                                                     anthropic_server: AnthropicServer) -> None:
    env = {
        **models, "ALLOW_UNAUTHENTICATED": "1", "DATA_DIR": str(private_dir / "data"),
        "STORAGE_URL": f"tinydb:///{private_dir / 'data' / 'store'}", "ORG_TABLE": str(REPO / "data" / "org.csv"),
        "RETENTION_EXCHANGES_DAYS": "365", "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "365",
        "APPROVAL_SWEEP_SECONDS": "0.5",
    }
    first = BotProcess(env, private_dir / "bot.log")
    second = BotProcess(env, private_dir / "bot.log")
    try:
        await first.start()
        async with aiohttp.ClientSession() as session:
            client = BotClient(first.url, connector.url, session)
            await client.say(YAMADA, HELD)
            await text_for(connector, YAMADA, "所属長（佐藤 花子 さん）に確認を依頼しました", 60)
            card = await card_for(connector, SATO, "approval.approve", 60)
        first.kill()
        assert not anthropic_server.requests

        await second.start()
        anthropic_server.queue(Reply(ANSWER))
        async with aiohttp.ClientSession() as session:
            client = BotClient(second.url, connector.url, session)
            _, body = await client.click(SATO, "approval.approve", actions(card)["approval.approve"])
            assert "承認済み" in str(invoke_card(body))
            await text_for(connector, YAMADA, ANSWER, 60)
            # A second click on the old card, and a sweep or two, send nothing more.
            await client.click(SATO, "approval.approve", actions(card)["approval.approve"])
            await asyncio.sleep(1.5)
    finally:
        first.stop()
        second.stop()

    assert [r.last_user_text for r in anthropic_server.requests] == [HELD]
    answers = [r for r in connector.received if r.operation != "update" and ANSWER in r.text]
    assert len(answers) == 1
    assert HELD not in (private_dir / "bot.log").read_text(encoding="utf-8", errors="replace")

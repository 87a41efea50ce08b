"""The cards the chat path really sends pass the Adaptive Card 1.5 schema and the renderer."""

from __future__ import annotations

import json

import pytest

from tests.support.model_servers import Fail
from tests.support.shared_tools import check_schema, render_card
from tests.support.teams import YAMADA

pytestmark = pytest.mark.tools


async def test_block_retry_and_service_cards_validate_and_render(start_bot, models, connector, anthropic_server,
                                                                 tmp_path):
    bot = await start_bot(**{**models, "LLM_MAX_RETRIES": "0"})
    await bot.client.say(YAMADA, "住民のマイナンバーは 1234 5678 9018、電話は 090-1234-5678 です。案内文を作ってください。")
    await bot.client.say(YAMADA, "住民の口座のパスワードは hunter2 です。部外秘の予定価格 1,200万円 も入れてください。")
    anthropic_server.queue(Fail(503))
    await bot.client.say(YAMADA, "市民課の窓口時間の案内文を作ってください。")
    await bot.client.say(YAMADA, "/service")
    activities = [r.activity for r in connector.received if r.activity.get("attachments")]
    assert len(activities) == 4
    paths = []
    for number, activity in enumerate(activities):
        path = tmp_path / f"sent-{number}.json"
        path.write_text(json.dumps(activity, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    check_schema("card", paths).assert_clean()
    render_card(paths, out_dir=tmp_path / "png").assert_clean()

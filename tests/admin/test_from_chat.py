"""End to end: real chat exchanges (through /api/messages, screening and a loopback model) appear in
/admin's statistics and samples with masked text only."""

from __future__ import annotations

import aiohttp

from admin import links
from tests.admin.seed import ADMIN
from tests.admin.web import get, session_cookie
from tests.support.model_servers import AnthropicServer, OpenAIServer, Reply, model_settings
from tests.support.teams import YAMADA

CLEAN = "市民課の窓口時間を案内する文章を作ってください。"
MY_NUMBER = "住民のマイナンバーは 1234 5678 9018 です。手続きの案内文を作ってください。"


async def test_chat_exchanges_reach_the_admin_page_masked(start_bot):
    async with OpenAIServer() as openai_server, AnthropicServer() as anthropic_server:
        bot = await start_bot(**model_settings(openai_server, anthropic_server))
        anthropic_server.queue(Reply("窓口は平日8時30分から17時までです。"))
        assert (await bot.client.say(YAMADA, CLEAN))[0] < 300
        assert (await bot.client.say(YAMADA, MY_NUMBER))[0] < 300
        assert len(await bot.services.store.records("exchanges")) == 2

        code = await links.mint(bot.services.store, ADMIN.aad_object_id, ADMIN.name)
        async with aiohttp.ClientSession() as http:
            _, _, resp = await get(http, f"{bot.url}/admin/once/{code}")
            cookie = session_cookie(resp)
            _, dashboard, _ = await get(http, f"{bot.url}/admin/", cookie)
            _, _, drawn = await get(http, f"{bot.url}/admin/sample?n=5", cookie)
            _, sample, _ = await get(http, f"{bot.url}{drawn.headers['Location']}", cookie)

    assert '<td class="label">市民課</td><td>2</td><td>1</td>' in dashboard
    assert "個人番号（マイナンバー）" in dashboard
    assert sample.count("<article") == 2
    assert CLEAN in sample and "窓口は平日8時30分から17時までです。" in sample
    assert "1234 5678 9018" not in sample and "9018" not in sample
    assert "マイナンバーは" in sample  # the masked form of the blocked prompt is what the reviewer sees

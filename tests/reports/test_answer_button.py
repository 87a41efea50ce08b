"""「この回答を報告」: an answer from the model carries the button, and it opens 様式3 for that answer."""

from __future__ import annotations

from tests.conftest import BotFactory
from tests.reports.helpers import actions, delivered, inputs, report_inputs, texts
from tests.support.connector import Connector
from tests.support.model_servers import AnthropicServer, Reply
from tests.support.teams import SATO, YAMADA


async def test_an_answer_can_be_reported_from_its_button(
    start_bot: BotFactory, models: dict[str, str], connector: Connector, anthropic_server: AnthropicServer
) -> None:
    bot = await start_bot(**models)
    anthropic_server.queue(Reply("児童手当の申請は、出生日の翌日から15日以内に市民課で行います。"))
    await bot.client.say(YAMADA, "児童手当の申請期限を教えてください。")
    final = next(r for r in reversed(connector.received) if r.activity.get("type") == "message" and r.cards)
    assert final.text.startswith("児童手当の申請は")  # the answer stays the message's text
    button = actions(final.cards[0])["report.open"]
    exchange_id = button["data"]["exchange_id"]

    form = await bot.client.click(YAMADA, "report.open", button["data"])
    card = form[1]["value"]
    assert "児童手当の申請は、出生日の翌日から15日以内" in texts(card)
    assert inputs(card)["service"]["value"] == "chatbot"
    status, body = await bot.client.click(YAMADA, "report.submit", {"exchange_id": exchange_id},
                                          inputs=report_inputs())
    assert status == 200 and f"記録ID {exchange_id}" in texts(body["value"])
    assert f"記録ID {exchange_id}" in texts(delivered(connector)[SATO.aad_object_id][0])

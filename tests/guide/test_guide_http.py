"""/guide and /help as Teams drives them: over HTTP, through the loopback Bot Connector.

Each test starts the real bot (aiohttp, TinyDB file, the shipped guideline indexed at start-up);
cards that come back are checked with ../shared/tools (schema, Teams light and dark rendering).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from app import StartupError
from bot.handlers.chat import screen
from policy.guide.summary import summary_prompt
from policy.model import Verdict
from tests.conftest import RunningBot
from tests.support.connector import Connector
from tests.support.model_servers import Reply
from tests.support.shared_tools import HOSTS, check_schema, render_card
from tests.support.teams import SATO, YAMADA, User, conversation

TANAKA = User("user-tanaka", "55555555-5555-5555-5555-555555555555", "田中 次郎")

CARD_LIMIT = 28 * 1024  # Teams refuses bot messages larger than about 28 KB


@pytest.fixture
async def bot(start_bot) -> RunningBot:
    return await start_bot()


def _cards(connector: Connector, user: User, kind: str = "personal") -> list[dict[str, Any]]:
    return [c for item in connector.in_conversation(conversation(user, kind)["id"]) for c in item.cards]


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _texts(card: dict[str, Any]) -> str:
    return "\n".join(n["text"] for n in _walk(card) if n.get("type") == "TextBlock")


def _opens(card: dict[str, Any]) -> list[str]:
    return [n["data"]["section"] for n in _walk(card) if n.get("verb") == "guide.open"]


def _invoke_card(status: int, body: dict[str, Any]) -> dict[str, Any]:
    assert status == 200 and body["statusCode"] == 200, body
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    return body["value"]


async def test_guide_without_words_shows_the_contents(bot, connector):
    status, _ = await bot.client.say(YAMADA, "/guide")
    assert status in (200, 201)
    (card,) = _cards(connector, YAMADA)
    assert "目次" in _texts(card)
    assert {"2章5", "2章7", "4章", "様式1"} <= set(_opens(card))


async def test_guide_question_answers_with_the_section_and_its_words(bot, connector):
    await bot.client.say(YAMADA, "/guide マイナンバーは入力していい?")
    (card,) = _cards(connector, YAMADA)
    texts = _texts(card)
    assert "第2章 5-1(1)" in texts
    assert "松戸市情報セキュリティポリシーに定める機密性3及び機密性2(※11)の情報の入力" in texts
    assert "特定個人情報(マイナンバーと紐付けられる情報)" in texts
    assert _opens(card)[0] == "2章5-1(1)"
    assert any(n.get("type") == "Action.ToggleVisibility" and n["title"] == "全文" for n in _walk(card))


async def test_full_width_command_in_a_group_chat_with_a_mention(bot, connector):
    await bot.client.say(SATO, "／ｇｕｉｄｅ チャットGPTのアカウントを申し込みたい", kind="groupChat", mention=True)
    (card,) = _cards(connector, SATO, "groupChat")
    assert _opens(card)[0] == "2章7-1(2)"
    assert "【様式1】 ChatGPT アカウント及び利用申請書に記入の上、申請を行うこと。" in _texts(card).replace("**", "")


async def test_english_question(bot, connector):
    await bot.client.say(YAMADA, "/guide Who do I contact about these rules?")
    (card,) = _cards(connector, YAMADA)
    assert _opens(card)[0] == "4章" and "047-366-7399" in _texts(card)


async def test_nothing_found_says_so(bot, connector):
    await bot.client.say(YAMADA, "/guide 今日の天気")
    (card,) = _cards(connector, YAMADA)
    assert "見つかりませんでした" in _texts(card)


async def test_a_pasted_document_is_not_a_question(bot, connector):
    await bot.client.say(YAMADA, "/guide " + "議事録" * 100)
    item = await connector.wait_for(lambda r: "文字以内" in r.text)
    assert not item.cards


async def test_buttons_open_sections_and_the_contents(bot):
    card = _invoke_card(*await bot.client.click(YAMADA, "guide.open", {"section": "2章6-5"}))
    texts = _texts(card)
    assert "本コンテンツは ChatGPT によって生成されております。" in texts
    assert _opens(card)[:3] == ["2章6-4", "2章6-6", "2章6"]  # 前の項目, 次の項目, 上の階層

    parent = _invoke_card(*await bot.client.click(YAMADA, "guide.open", {"section": "2章5-1"}))
    assert [s for s in _opens(parent) if s.startswith("2章5-1(")] == ["2章5-1(1)", "2章5-1(2)", "2章5-1(3)"]

    contents = _invoke_card(*await bot.client.click(YAMADA, "guide.contents", {}))
    assert "目次" in _texts(contents)


@pytest.mark.parametrize("data", [{"section": "9章1"}, {"section": 3}, {}])
async def test_unknown_sections_are_refused_in_japanese(bot, data):
    card = _invoke_card(*await bot.client.click(YAMADA, "guide.open", data))
    assert "見つかりませんでした" in _texts(card)


async def test_a_block_card_links_to_its_section(bot, connector):
    """The chat path's block reply names the rule; its button opens the same section card."""
    await bot.client.say(YAMADA, "個人番号 123456789018 の住民の税額を計算して")
    (block,) = _cards(connector, YAMADA)
    button = next(n for n in _walk(block) if n.get("verb") == "guide.open")
    card = _invoke_card(*await bot.client.click(YAMADA, "guide.open", button["data"]))
    assert button["data"] == {"section": "2章5-1(1)"}
    assert "機密性3情報とは、行政事務で取り扱う情報のうち、秘密文書に相当する機密性を要する情報となります。" in _texts(card)


async def test_chat_path_links_reach_their_section(bot):
    """Block and notice cards carry guide.open with the finding's section (policy/data/categories.yaml)."""
    for section in ("2章5-1(1)", "2章5-1(2)", "2章5-1(3)", "2章4", "2章5-2(1)", "2章6-4"):
        card = _invoke_card(*await bot.client.click(YAMADA, "guide.open", {"section": section}))
        assert section.split("章")[1] in _texts(card)


async def test_help_lists_commands_and_whom_to_ask(bot, connector):
    await bot.client.say(YAMADA, "/help")
    (card,) = _cards(connector, YAMADA)
    texts = json.dumps(card, ensure_ascii=False)
    assert "/guide" in texts and "/report" in texts
    assert "DX推進課" in texts and "047-366-7399" in texts
    assert {"section": "4章"} in [n["data"] for n in _walk(card) if n.get("verb") == "guide.open"]


async def test_a_broken_guideline_stops_start_up(start_bot, tmp_path):
    broken = tmp_path / "rules.md"
    broken.write_text("# 目次だけの文書\n", encoding="utf-8")
    with pytest.raises(StartupError, match="第N章"):
        await start_bot(GUIDELINE_PATH=str(broken))


@pytest.mark.tools
async def test_cards_sent_over_http_validate_and_render(bot, connector, tmp_path: Path):
    await bot.client.say(YAMADA, "/guide")
    await bot.client.say(YAMADA, "/guide 機密性1の情報ならChatGPTに入力できる?")
    await bot.client.say(YAMADA, "/help")
    cards = _cards(connector, YAMADA)
    cards.append(_invoke_card(*await bot.client.click(YAMADA, "guide.open", {"section": "様式1"})))
    files = []
    for number, card in enumerate(cards):
        raw = json.dumps(card, ensure_ascii=False)
        assert len(raw.encode("utf-8")) < CARD_LIMIT
        path = tmp_path / f"guide-{number}.json"
        path.write_text(raw, encoding="utf-8")
        files.append(path)
    check_schema("card", files).assert_clean()
    for host in HOSTS:
        render_card(files, host=host, out_dir=tmp_path / host).assert_clean()


SUMMARY = "・個人番号や税・住民基本台帳の情報は入力しないでください。\n・機密性2以上の情報は入力禁止です。"
AI_LABEL_TYPE = "AIGeneratedContent"


async def test_ai_summary_quotes_only_the_rules_and_is_labelled(start_bot, models, model_servers, connector):
    anthropic_server, openai_server = model_servers
    bot = await start_bot(**models)
    anthropic_server.queue(Reply(SUMMARY))
    await bot.client.say(YAMADA, "/guide マイナンバーは入力していい?")
    (answer,) = _cards(connector, YAMADA)
    button = next(n for n in _walk(answer) if n.get("verb") == "guide.summarize")
    assert button["title"] == "AIで要約" and button["data"]["sections"][0] == "2章5-1(1)"

    pending = _invoke_card(*await bot.client.click(YAMADA, "guide.summarize", button["data"]))
    assert "AIで要約しています" in _texts(pending)
    assert _opens(pending) == button["data"]["sections"]

    final = await connector.wait_for(lambda r: r.activity.get("type") == "message" and SUMMARY in r.text)
    assert any(AI_LABEL_TYPE in (e.get("additionalType") or []) for e in final.activity["entities"])
    assert "本コンテンツは生成AI（" in final.text  # the 6-5 notice
    (request,) = anthropic_server.requests
    # The model saw the rules' words and the instruction, never the question typed.
    assert "住基情報や税情報などの特定個人情報" in request.last_user_text
    assert "マイナンバーは入力していい" not in request.last_user_text
    assert openai_server.requests == []
    (record,) = await _records_soon(bot, "exchanges")  # written just after the final message
    assert record["status"] == "answered" and record["service"] == "chatbot"


async def _records_soon(bot: RunningBot, kind: str) -> list[dict[str, Any]]:
    for _ in range(100):
        if found := await bot.services.store.records(kind):
            return found
        await asyncio.sleep(0.05)
    return []


async def test_a_section_whose_words_trip_screening_is_left_out(start_bot, models, model_servers):
    """Which sections trip screening depends on the screening rules of the day; ask them."""
    anthropic_server, _ = model_servers
    bot = await start_bot(**models)
    tree = bot.services.guide.tree
    tripping = [s.id for s in tree.leaves() if screen(summary_prompt(tree, [s.id])).verdict >= Verdict.CONFIRM]
    if not tripping:
        pytest.skip("no section of the rules trips screening with today's rules")
    anthropic_server.queue(Reply(SUMMARY))
    pending = _invoke_card(*await bot.client.click(YAMADA, "guide.summarize", {"sections": [tripping[0], "2章6-5"]}))
    assert _opens(pending) == ["2章6-5", tripping[0]] and "要約に含めていません" in _texts(pending)
    refused = _invoke_card(*await bot.client.click(YAMADA, "guide.summarize", {"sections": [tripping[0]]}))
    assert "AIには送れません" in _texts(refused)


async def test_no_summary_button_without_a_configured_service(bot, connector):
    await bot.client.say(YAMADA, "/guide マイナンバーは入力していい?")
    (answer,) = _cards(connector, YAMADA)
    assert not [n for n in _walk(answer) if n.get("verb") == "guide.summarize"]


@pytest.mark.parametrize("data", [{"sections": []}, {"sections": ["2章5"]}, {"sections": "2章6-5"},
                                  {"sections": ["2章6-1", "2章6-2(1)", "2章6-3", "2章6-4"]}])
async def test_summary_refuses_what_is_not_up_to_three_sections(bot, data):
    card = _invoke_card(*await bot.client.click(YAMADA, "guide.summarize", data))
    assert "見つかりませんでした" in _texts(card)


async def test_summary_needs_permission(start_bot, models, model_servers, connector):
    """田中 has no permission for any service (data/org.csv): no model is asked, he is told why."""
    anthropic_server, openai_server = model_servers
    bot = await start_bot(**models)
    card = _invoke_card(*await bot.client.click(TANAKA, "guide.summarize", {"sections": ["2章6-5"]}))
    assert "利用許可が必要です" in _texts(card)
    assert anthropic_server.requests == [] and openai_server.requests == []

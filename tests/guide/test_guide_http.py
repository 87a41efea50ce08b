"""/guide and /help as Teams drives them: over HTTP, through the loopback Bot Connector.

Each test starts the real bot (aiohttp, TinyDB file, the shipped guideline indexed at start-up);
cards that come back are checked with ../shared/tools (schema, Teams light and dark rendering).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app import StartupError
from tests.conftest import RunningBot
from tests.support.connector import Connector
from tests.support.shared_tools import HOSTS, check_schema, render_card
from tests.support.teams import SATO, YAMADA, User, conversation

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

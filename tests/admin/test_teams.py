"""``/admin`` in Teams: DX推進課 gets statistics with a chart and review cards; everyone else a refusal."""

from __future__ import annotations

import base64
import io
import json

import aiohttp
import pytest
from PIL import Image

from tests.admin.seed import ADMIN, RAW_MY_NUMBER, seed
from tests.admin.web import get, session_cookie
from tests.support.shared_tools import check_schema, render_card
from tests.support.teams import YAMADA, conversation

PUBLIC = "https://bot.example.jp"
CARD_LIMIT = 28 * 1024  # Teams refuses bot messages larger than about 28 KB


@pytest.fixture
async def bot(start_bot):
    running = await start_bot(ADMIN_PUBLIC_URL=PUBLIC, ADMIN_SAMPLE_SIZE="3")
    running.ids = await seed(running.services.store)
    return running


def _cards_to(connector, user) -> list[dict]:
    conversation_id = conversation(user)["id"]
    return [card for item in connector.in_conversation(conversation_id) for card in item.cards]


def _texts_to(connector, user) -> list[str]:
    return [item.text for item in connector.in_conversation(conversation(user)["id"]) if item.text]


async def test_staff_are_refused_and_the_attempt_is_audited(bot, connector):
    status, _ = await bot.client.say(YAMADA, "/admin")
    assert status in (200, 201)
    assert any("DX推進課の管理者だけ" in t for t in _texts_to(connector, YAMADA))
    assert not _cards_to(connector, YAMADA)
    status, body = await bot.client.click(YAMADA, "admin.review", {"exchange_id": bot.ids["confirmed"]},
                                          inputs={"findings": "ok"})
    assert "DX推進課の管理者だけ" in json.dumps(body, ensure_ascii=False)
    assert await bot.services.store.records("reviews") == []
    audit = await bot.services.store.records("audit", where={"event": "admin.access", "actor": YAMADA.aad_object_id})
    assert {(r["target"], r["allowed"]) for r in audit} == {("/admin", False), ("admin.review", False)}


async def test_not_in_a_group_chat(bot, connector):
    await bot.client.say(ADMIN, "/admin", kind="groupChat", mention=True)
    item = await connector.wait_for(lambda r: "個人チャット" in r.text)
    assert not item.cards


async def test_statistics_card_with_chart_and_a_web_link(bot, connector, tmp_path):
    await bot.client.say(ADMIN, "/admin")
    (card,) = _cards_to(connector, ADMIN)
    raw = json.dumps(card, ensure_ascii=False)
    assert len(raw.encode("utf-8")) < CARD_LIMIT
    assert "利用件数" in raw and "10 件（利用者 3 人）" in raw and "市民課" in raw
    image = next(e for e in card["body"] if e["type"] == "Image")
    png = base64.b64decode(image["url"].removeprefix("data:image/png;base64,"))
    assert Image.open(io.BytesIO(png)).size == (400, 208)
    table = next(e for e in card["body"] if e["type"] == "Table")
    assert [c["items"][0]["text"] for c in table["rows"][1]["cells"]][:3] == ["市民課", "8", "2"]

    # The web link signs the admin in once.
    link = next(a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl")
    assert link.startswith(f"{PUBLIC}/admin/once/")
    async with aiohttp.ClientSession() as http:
        _, _, resp = await get(http, link.replace(PUBLIC, bot.url))
        status, html, _ = await get(http, f"{bot.url}/admin/", session_cookie(resp))
    assert status == 200 and "ユーザー5 さん" in html

    path = tmp_path / "admin_statistics.json"
    path.write_text(raw, encoding="utf-8")
    # The card with its real chart passes the Adaptive Card schema and Teams' renderer.
    check_schema("card", [path]).assert_clean()
    render_card([path], out_dir=tmp_path).assert_clean()


async def test_sample_cards_record_a_review(bot, connector):
    await bot.client.say(ADMIN, "/admin sample 3")
    cards = _cards_to(connector, ADMIN)
    assert len(cards) == 3
    raw = json.dumps(cards, ensure_ascii=False)
    assert RAW_MY_NUMBER not in raw and "入力（マスク済み）" in raw
    action = cards[0]["actions"][0]
    assert action["verb"] == "admin.review" and action["data"]["flagged"] is False

    status, body = await bot.client.click(ADMIN, "admin.review", action["data"], inputs={"findings": ""})
    assert "所見を 1 つ以上選んでください。" in json.dumps(body, ensure_ascii=False)
    status, body = await bot.client.click(ADMIN, "admin.review", action["data"], inputs={"findings": "quality,bias"})
    assert status == 200
    updated = json.dumps(body["value"], ensure_ascii=False)
    assert "記録済みの所見: 品質、バイアス（ユーザー5" in updated
    (review,) = await bot.services.store.records("reviews")
    assert (review["exchange_id"], review["findings"], review["via"]) == (
        action["data"]["exchange_id"], ["quality", "bias"], "teams")

    await bot.client.say(ADMIN, "/admin sample 100")
    assert any("1〜20" in t for t in _texts_to(connector, ADMIN))


async def test_flagged_cards_say_why(bot, connector):
    await bot.client.say(ADMIN, "/admin flagged")
    cards = _cards_to(connector, ADMIN)
    reasons = sorted(e["text"] for c in cards for e in c["body"] if e.get("text", "").startswith("理由: "))
    assert reasons == ["理由: 回答の個人情報をマスク", "理由: 確認のうえ送信", "理由: 長文の貼り付け"]
    long_paste = next(c for c in cards if "長文の貼り付け" in json.dumps(c, ensure_ascii=False))
    assert "続きは Web 画面で" in json.dumps(long_paste, ensure_ascii=False)
    _, body = await bot.client.click(ADMIN, "admin.review", long_paste["actions"][0]["data"],
                                          inputs={"findings": "purpose"})
    assert "長文の貼り付け" in json.dumps(body["value"], ensure_ascii=False)

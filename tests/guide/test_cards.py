"""/guide and /help cards: what a reader sees, and that every button leads somewhere.

Schema and rendering of every sample (Teams light and dark) are checked for all cards in
tests/cards/test_samples.py; these tests check the content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cards import guide as guide_cards
from cards.help import help_card
from policy.guide import DEFAULT_GUIDELINE
from policy.guide.present import answer_view, contents_view, section_view
from tests.guide.sample_views import dump

SAMPLES_FILE = Path(guide_cards.__file__).with_name("data") / "guide-samples.json"


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _actions(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    return [n for n in _walk(card) if n.get("type") == "Action.Execute" and n.get("verb") == verb]


def _texts(card: dict[str, Any]) -> str:
    return "\n".join(n["text"] for n in _walk(card) if n.get("type") == "TextBlock")


def _squash(words: str) -> str:
    return re.sub(r"[\s*]", "", words)


def test_sample_views_are_up_to_date():
    """cards/ may not import policy/, so its samples are saved views; regenerate when this fails:
    .venv/bin/python -m tests.guide.sample_views > cards/data/guide-samples.json"""
    assert SAMPLES_FILE.read_text(encoding="utf-8") == dump()


def test_every_button_opens_an_existing_section(guide):
    for name, build in guide_cards.SAMPLES.items():
        card = build()
        for action in _actions(card, "guide.open"):
            assert action["data"]["section"] in guide.tree, (name, action)
        ids = {n.get("id") for n in _walk(card)}
        for toggle in (n for n in _walk(card) if n.get("type") == "Action.ToggleVisibility"):
            assert set(toggle["targetElements"]) <= ids, name


def test_contents_lists_every_chapter_and_form(guide):
    card = guide_cards.contents_card(contents_view(guide))
    opened = {a["data"]["section"] for a in _actions(card, "guide.open")}
    assert {"1章1", "2章5", "2章7", "3章1-1", "4章", "5章", "別紙機密性", "様式1", "様式4"} <= opened
    assert "第2章　松戸市職員生成 AI の利用について" in _texts(card)


def test_answer_quotes_the_rules_word_for_word_with_section_and_highlight(guide):
    card = guide_cards.answer_card(answer_view(guide, "マイナンバーは入力していい?"))
    texts = _texts(card)
    assert "2章5-1(1)" not in texts and "第2章 5-1(1)" in texts  # the id, as people read it
    assert "松戸市情報セキュリティポリシーに定める機密性3及び機密性2(※11)の情報の入力" in texts
    source = _squash(DEFAULT_GUIDELINE.read_text(encoding="utf-8"))
    quoted = [
        n["text"] for n in _walk(card)
        if n.get("type") == "TextBlock" and "マイナンバー" in n["text"] and "｜" not in n["text"]  # not table rows
        and not n["text"].startswith("「マイナンバーは")  # nor the question itself
    ]
    assert quoted and all(_squash(q) in source for q in quoted)
    assert any(q.startswith("**") for q in quoted)  # highlighted in the full text
    full = [n for n in _walk(card) if str(n.get("id", "")).startswith("full-")]
    assert full and all(n["isVisible"] is False for n in full)
    assert {a["title"] for a in (n for n in _walk(card) if n.get("type") == "Action.ToggleVisibility")} == {"全文"}


def test_no_answer_offers_the_contents_and_contact(guide):
    card = guide_cards.answer_card(answer_view(guide, "今日の天気"))
    assert "見つかりませんでした" in _texts(card)
    assert _actions(card, "guide.contents") and _actions(card, "guide.open")[0]["data"] == {"section": "4章"}


def test_section_card_shows_explanation_apart_and_links_around(guide):
    card = guide_cards.section_card(section_view(guide, "2章5-1(2)"))
    texts = _texts(card)
    assert "【解説】" in texts and "秘密保持契約に反するため、禁止します。" in texts
    around = {a["title"]: a["data"]["section"] for a in _actions(card, "guide.open")}
    assert around == {"前の項目": "2章5-1(1)", "次の項目": "2章5-1(3)", "上の階層": "2章5-1"}


def test_parent_section_lists_its_parts(guide):
    card = guide_cards.section_card(section_view(guide, "2章7-1"))
    opened = [a["data"]["section"] for a in _actions(card, "guide.open")]
    assert [f"2章7-1({k})" for k in range(1, 7)] == [s for s in opened if s.startswith("2章7-1(")]


def test_help_names_commands_and_the_contact_of_chapter_4():
    card = help_card()
    texts = json.dumps(card, ensure_ascii=False)
    assert "DX推進課" in texts and "047-366-7399" in texts and "第4章" in texts
    for command in ("/guide", "/help", "/service", "/report"):
        assert command in texts
    assert {"section": "4章"} in [a["data"] for a in _actions(card, "guide.open")]

"""What reviewers of the rendered samples found hard to read, kept from coming back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import policy
from cards import chat
from cards.application import application_form
from cards.guide import SAMPLES as GUIDE_SAMPLES
from cards.samples import build_all
from workflows.applications import ROWS

ALL = build_all()


def _walk(node: Any, hidden: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every element with whether it starts hidden (itself or inside a hidden container)."""
    if isinstance(node, dict):
        hidden = hidden or node.get("isVisible") is False
        yield node, hidden
        for value in node.values():
            yield from _walk(value, hidden)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, hidden)


def _texts(card: dict[str, Any]) -> Iterator[str]:
    for node, _ in _walk(card):
        if node.get("type") == "TextBlock":
            yield node["text"]
        elif node.get("type", "").startswith("Action.") or node.get("type", "").startswith("Input."):
            yield from (node[k] for k in ("title", "label", "placeholder") if isinstance(node.get(k), str))


def _users_shown(card: dict[str, Any]) -> tuple[list[int], list[int]]:
    ids = [(int(n["id"].split("_")[1]), hidden) for n, hidden in _walk(card) if str(n.get("id", "")).startswith("maccount_")]
    return [i for i, h in ids if not h], [i for i, h in ids if h]


def test_form_1_shows_three_user_lines_and_keeps_all_fifteen() -> None:
    shown, hidden = _users_shown(application_form())
    assert shown == [1, 2, 3] and sorted(shown + hidden) == list(range(1, ROWS + 1))
    buttons = [n["title"] for n, _ in _walk(application_form()) if n.get("type") == "Action.ToggleVisibility"]
    assert buttons == ["利用者の欄を追加（4〜7人目）", "利用者の欄を追加（8〜11人目）", "利用者の欄を追加（12〜15人目）"]


def test_form_1_comes_back_with_every_typed_or_wrong_line_visible() -> None:
    shown, _ = _users_shown(application_form({"maccount_5": "yamada"}, {"kind_9": "9行目の申請区分を選択してください。"}))
    assert shown == list(range(1, 12))
    shown, _ = _users_shown(application_form({"name_15": "山田 太郎"}))
    assert shown == list(range(1, ROWS + 1))


def test_no_yellow_or_green_text() -> None:
    # Teams' warning and good colours are hard to read on the light theme; shade a box instead.
    coloured = [(name, n["text"]) for name, card in ALL.items() for n, _ in _walk(card)
                if n.get("type") == "TextBlock" and n.get("color") in ("Warning", "Good")]
    assert not coloured


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_half_width_space_before_a_particle(name: str) -> None:
    # 「DX推進課 の」「チャットボット を」「（047-366-7399） に」 read as typing mistakes.
    stray = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff）」] (?:を|に|の|は|が|で|と|へ|も|から|まで)")
    found = [t for t in _texts(ALL[name]) if stray.search(t) and "生成 AI" not in t]  # the rules' own spelling
    assert not found


def test_guide_tables_are_tables_and_related_sections_are_not_cut_off() -> None:
    card = GUIDE_SAMPLES["guide_answer_table"]()
    assert any(n.get("type") == "Table" for n, _ in _walk(card))
    assert not [t for t in _texts(card) if "｜" in t]
    # Related sections are wrapping links (selectAction), not buttons whose title Teams cuts off.
    buttons = [a["title"] for n, _ in _walk(card) if n.get("type") == "ActionSet" for a in n["actions"]
               if a.get("verb") == "guide.open"]
    assert set(buttons) == {"この項目を開く"}


def test_resend_sample_is_what_screening_offers() -> None:
    typed = "山田様のマイナンバーは1234 5678 9018、電話は090-1234-5678です。手続きの案内文を作ってください。"
    offered = policy.masked_resend(typed, policy.screen(typed))
    assert offered == chat._SAMPLE_RESEND
    assert not re.search(r"\d", offered)  # no last four digits of the マイナンバー or the phone

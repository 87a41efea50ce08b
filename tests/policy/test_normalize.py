"""Normalisation maps every span back to the original text."""

from __future__ import annotations

from policy.normalize import normalize


def test_full_width_zero_width_and_dashes() -> None:
    n = normalize("０９０\u200bー１２３４−５６７８")
    assert n.text == "090-1234-5678"
    assert n.span(0, len(n.text)) == (0, len("０９０\u200bー１２３４−５６７８"))


def test_kanji_numerals_only_inside_numbers() -> None:
    assert normalize("〇九〇-一二三四-五六七八").text == "090-1234-5678"
    assert normalize("一般の〇〇様").text == "一般の〇〇様"
    assert normalize("第三〇一号").text == "第301号"


def test_composed_half_width_kana_keeps_offsets() -> None:
    original = "ｶﾞｽ 090"
    n = normalize(original)
    assert n.text == "ガス 090"
    start = n.text.index("090")
    assert original[slice(*n.span(start, start + 3))] == "090"


def test_expanding_characters_map_to_their_source() -> None:
    original = "㍻3年"
    n = normalize(original)
    assert n.text == "平成3年"
    assert n.span(0, 2) == (0, 1)

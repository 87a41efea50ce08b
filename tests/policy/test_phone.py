"""Telephone numbers in every Japanese format; the city's published numbers pass."""

from __future__ import annotations

import pytest

from .helpers import rules_fired, screened

# fmt: off
CASES = [
    ("この番号（070-5583-0000）から無言電話", "block", "phone.mobile"),
    ("携帯 09012345678 に折り返し", "block", "phone.mobile"),
    ("連絡先は０９０ー１２３４ー５６７８です", "block", "phone.mobile"),
    ("〇九〇-一二三四-五六七八 に折り返し", "block", "phone.mobile"),
    ("090 1234\n5678 に電話", "block", "phone.mobile"),
    ("+81 90-1234-5678", "block", "phone.mobile"),
    ("IP電話 050-1234-5678", "block", "phone.mobile"),
    ("自宅 047-345-0000 に連絡", "block", "phone.private_landline"),
    ("047-345-0000 からの着信", "confirm", "phone.unexplained_landline"),
    ("山本 花子さん 047-345-0000", "block", "phone.landline_with_person"),
    ("〇〇センター 047-345-0000 までお問い合わせください", "allow", None),
    # the city's published numbers in any format (contract rule 5)
    ("お問い合わせ：DX推進課 047-366-7399", "allow", None),
    ("０４７－３６６－７３９９ と 047(366)7399 を統一したい", "allow", None),
    ("代表 0473661111", "allow", None),
    ("フリーダイヤル 0120-123-456", "allow", None),
    # look-alikes
    ("2026-10-16 に開催", "allow", None),
    ("内線 1234 に回して", "allow", None),
    ("予算 1,234,567,890 円", "allow", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "rule"), CASES)
def test_phone(text: str, verdict: str, rule: str | None) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    if rule:
        assert rule in rules_fired(result)

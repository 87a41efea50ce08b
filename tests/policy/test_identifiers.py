"""Identifiers with their structure: 住民票コード, 基礎年金番号, 運転免許証, 旅券, 在留カード,
被保険者番号, 宛名番号, 職員番号, bank accounts, payment cards (Luhn), unexplained 11 digits."""

from __future__ import annotations

import pytest

from .helpers import rules_fired, screened

# fmt: off
CASES = [
    ("住民票コード 12345678901 の方", "block", "resident_code.keyword"),
    ("住民票コード：一二三四五六七八九〇一", "block", "resident_code.keyword"),
    ("基礎年金番号 1234-567890", "block", "pension.keyword"),
    ("運転免許証（番号 第309012345620号）", "block", "drivers_licence.keyword"),
    ("旅券番号 XY1234567", "block", "passport.keyword"),
    ("型番 XY1234567 のプリンタ", "allow", None),
    ("在留カード AB12345678CD", "block", "residence_card.shape"),
    ("ａｂ１２３４５６７８ｃｄ の方", "block", "residence_card.shape"),
    ("介護保険被保険者番号 0001234567", "block", "insured.keyword"),
    ("宛名番号 0001234567 の世帯", "block", "addressee.keyword"),
    ("職員番号 12345 の職員", "block", "staff_number.keyword"),
    ("〇〇銀行 △△支店 普通 1234567", "block", "bank_account.keyword"),
    ("口座番号：7654321", "block", "bank_account.keyword"),
    ("カード番号 4111 1111 1111 1111、有効期限 08/29", "block", "payment_card.luhn"),
    ("4111-1111-1111-1111", "block", "payment_card.luhn"),
    ("カード番号 4111 1111 1111 1112", "allow", None),
    ("4521 8830 172 という番号", "confirm", "eleven_digits.unexplained"),
    ("ISBN 978-4-06-293500-9", "allow", None),
    ("JAN 4901234567894", "allow", None),
    ("〒271-0077 の地域の人口", "allow", None),
    ("地方自治法施行令第167条の2第1項", "allow", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "rule"), CASES)
def test_identifier(text: str, verdict: str, rule: str | None) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    if rule:
        assert rule in rules_fired(result)

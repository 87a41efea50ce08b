"""個人番号 (contract rule 2), including the evasions of the issue."""

from __future__ import annotations

import pytest

from .helpers import screened

# fmt: off
CASES = [
    # valid check digit, with and without keyword
    ("マイナンバーは123456789018です", "block", "my_number.keyword"),
    ("123456789018", "block", "my_number.check_digit"),
    ("The applicant's My Number is 1111 1111 1118.", "block", "my_number.keyword"),
    # keyword with a bad check digit is still my_number
    ("個人番号 123456789012 の届出", "block", "my_number.keyword"),
    # bad check digit near 番号 asks the 所属長; elsewhere passes
    ("整理番号 123456789012 の件", "confirm", "my_number.numbered_twelve_digits"),
    ("伝票ID 123456789012 の摘要", "allow", None),
    # an order number with a bad check digit explained as an order number passes
    ("注文番号 202610160002 の発送状況", "allow", None),
    # examples are still screened (rule 3)
    ("記入例として 1234-5678-9018（架空の番号）を載せたい", "block", "my_number.check_digit"),
    # evasions
    ("個人番号：１２３４　５６７８　９０１８", "block", "my_number.keyword"),
    ("個人番号 1234-5678-9018", "block", "my_number.keyword"),
    ("個人番号 1234.5678.9018", "block", "my_number.keyword"),
    ("個人番号 一二三四 五六七八 九〇一八", "block", "my_number.keyword"),
    ("マイナン\u200bバー 1234\u200b5678\u200c9018", "block", "my_number.keyword"),
    ("個人番号\n1234 5678\n9018", "block", "my_number.keyword"),
    ("番号,氏名\n123456789018,（略）", "block", "my_number.check_digit"),
    ("1\t受付\t111111111118\n2\t受付\t123456789018", "block", "my_number.check_digit"),
    # 13 digits (法人番号) never yields a 12-digit personal number
    ("法人番号 7123456789012", "allow", None),
    ("マイナンバーの12桁の最後はチェックデジットです", "allow", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "rule"), CASES)
def test_my_number(text: str, verdict: str, rule: str | None) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    if rule:
        assert rule in {f.rule for f in result.findings}


def test_span_points_at_the_original_digits_and_masks_keep_last_four() -> None:
    text = "個人番号は「１２３４ー５６７８ー９０１８」です"
    [finding] = screened(text).findings
    assert text[finding.start : finding.end] == "１２３４ー５６７８ー９０１８"
    assert finding.masked == "****ー****ー９０１８"
    assert finding.section == "2章5-1(1)"

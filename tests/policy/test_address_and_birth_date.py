"""Street addresses (都道府県・市区町村・丁目・番地・号) and dates of birth (西暦・和暦)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy.recognizers import address

from .helpers import rules_fired, screened

# fmt: off
CASES = [
    ("松戸市サンプル町7丁目32番地の15のお宅", "block", "address.street"),
    ("千葉県松戸市松戸1234番地", "block", "address.street"),
    ("住所：松戸市見本台2丁目9番11号 コーポ201", "block", "address.street"),
    ("松戸市見本台三丁目十四番地の二", "block", "address.street"),
    ("I live at 2-8-15 Sample-cho, Matsudo-shi.", "block", "address.street"),
    # public facilities (allow.yaml, contract rule 5)
    ("〒271-8588 千葉県松戸市根本387番地の5 松戸市役所", "allow", None),
    ("松戸市立博物館（松戸市千駄堀671）への行き方", "allow", None),
    ("会場：松戸市見本台2丁目9番11号 市民センター", "allow", None),
    ("松戸市見本台2丁目の地域", "allow", None),
    # dates of birth
    ("平成3年11月22日生まれの山本 花子さん", "block", "birth_date.with_person"),
    ("生年月日：S45.3.2 の方", "confirm", "birth_date.full"),
    ("1970/03/02生まれの方の年金", "confirm", "birth_date.full"),
    ("令和8年7月12日（日）に訓練を行います", "allow", None),
    ("生年月日から年齢を出す関数を教えて", "allow", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "rule"), CASES)
def test_address_and_birth_date(text: str, verdict: str, rule: str | None) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    if rule:
        assert rule in rules_fired(result)


# Pieces of addresses and what stands around them, for the search that looks only near street hints.
ADDRESS_PIECES = [
    "松戸市", "千葉県", "東京都", "見本台", "サンプル町", "本町", "三丁目", "2丁目", "14番地", "の2", "9番11号", "387-5",
    "1-2-3", "〒271-8588", "〒", "号", "番", "丁目", "区", "郡", "村", "ー", "々", "〇", "十", "百", " ", "\t", "\n",
    "、", "。", "A", "-", "1", "23", "市民センター", "のお宅", "山田", "ヶ",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(ADDRESS_PIECES), st.text(max_size=3)), max_size=25).map("".join))
def test_addresses_found_near_street_hints_are_all_there_are(text: str) -> None:
    for pattern in (address._ADDRESS, address._AREA):
        assert [m.span() for m in address._near_street_hints(pattern, text)] == \
            [m.span() for m in pattern.finditer(text)]

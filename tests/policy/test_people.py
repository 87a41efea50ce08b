"""Names of private individuals, told apart from words, places, placeholders and public figures
(contract rules 1 and 6)."""

from __future__ import annotations

import re
import sys

import pytest
import regex

from policy import people

from .helpers import screened

# fmt: off
CASES = [
    # a full name with a personal detail blocks; alone it asks
    ("山本 由香里さん（45歳）から相談がありました", "block", {"personal_info"}),
    ("氏名 佐々木 健太\n住所 千葉県松戸市小金3丁目5番地の2", "block", {"personal_info"}),
    ("name,phone,mail\n田中 美咲,080-1111-0000,m@example.jp", "block", {"personal_info"}),
    ("感謝状の宛名は「中川 由美 様」で合っていますか", "confirm", {"possible_personal"}),
    # surname with 様/さん and a case detail asks (rule 1)
    ("中島様から騒音の苦情が入りました", "confirm", {"possible_personal"}),
    ("Mrs. Johnson asked about garbage collection.", "confirm", {"possible_personal"}),
    ("John Smith called about the garbage schedule again.", "confirm", {"possible_personal"}),
    ("Matsudo City Hall called a meeting for Friday.", "allow", set()),
    ("K・Y様（70代）からご要望がありました", "confirm", {"possible_personal"}),
    ("返信文の最後に\n\n高木", "confirm", {"possible_personal"}),
    # sensitive facts about an identified person (rule 6)
    ("国保年金課：近藤 武さんの保険料が3か月分滞納です", "block", {"personal_info", "sensitive_personal"}),
    ("児童 木村 蓮（平成30年生）に一時保護の措置", "block", {"personal_info", "sensitive_personal"}),
    # staff (rule 6): staff_info stands for the person
    ("総務課 係長 藤井 亮の病気休暇を延長する", "block", {"staff_info"}),
    ("職員の小川 直美（財政課）の賞与額を計算して", "block", {"staff_info"}),
    ("Employee #12345, Ken Mori, was rated poorly.", "block", {"staff_info"}),
    # placeholders, public figures, historical people
    ("〇〇様へのご案内文", "allow", set()),
    ("部下（仮にAさんとします）への声かけ", "allow", set()),
    ("** 様、いつもありがとうございます", "allow", set()),
    ("記入例：氏名 松戸 太郎、電話 047-XXX-XXXX", "allow", set()),
    ("皆様・お客様・ご担当者様あての定型文", "allow", set()),
    ("伊能忠敬の業績を小学生向けにまとめて", "allow", set()),
    # a bare name in prose may be historical; written as a record (spaced, with an attribute) it is not
    ("伊能忠敬の生まれた年と家族構成を教えて", "allow", set()),
    ("鈴木健一（45歳）から相談がありました", "block", {"personal_info"}),
    ("中川 由美、会社員、二人暮らし", "block", {"personal_info"}),
    ("新しく来た田中課長の歓迎会の案内文", "allow", set()),
    ("息子さんの進学祝いの文例", "allow", set()),
    ("株式会社アイネス様への回答期限を延ばす依頼文", "allow", set()),
    ("市長 松戸 一郎 の年頭あいさつ文を作って", "allow", set()),
    ("Please use [Name] as a placeholder for the recipient.", "allow", set()),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "categories"), CASES)
def test_people(text: str, verdict: str, categories: set[str]) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    assert categories <= set(result.categories)


def test_public_figure_for_publicity_is_a_caution_not_personal() -> None:
    result = screened("人気俳優の名前を入れた観光PRのキャッチコピーを考えて")
    assert result.verdict.label == "notice"
    assert result.categories == ("third_party_rights",)


def test_case_insensitive_name_patterns_fold_letters_as_regex_did():
    # people reads _LABEL and _TITLE_BEFORE with re; they were regex patterns. The two engines fold
    # ASCII letters alike except i and I, which these patterns must not hold.
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    letters = {c for p in (people._LABEL, people._TITLE_BEFORE) for c in p.pattern if c.isascii() and c.isalpha()}
    assert letters and not letters & {"i", "I"}
    for c in letters:
        assert set(re.findall(f"(?i:{c})", every)) == set(regex.findall(f"(?i:{c})", every)), c

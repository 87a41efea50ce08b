"""Staff vocabulary (policy/guide/data/synonyms.yaml): loaded, validated, applied."""

from __future__ import annotations

import pytest

from policy.datafile import RuleDataError
from policy.guide.synonyms import load_synonyms


@pytest.fixture(scope="module")
def synonyms():
    return load_synonyms()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("チャットGPTのアカウント", "chatgpt"),
        ("ChatGTPで", "chatgpt"),
        ("マイナの番号", "マイナンバー"),
        ("個人番号を入れたい", "特定個人情報"),
        ("課長に聞く", "所属長"),
        ("申し込みたい", "申請"),
        ("Can I enter my number?", "マイナンバー"),
        ("password reset", "パスワード"),
        ("copyright of outputs", "著作権"),
        ("まだ発表してない予算案", "公開前情報"),
        ("どこまで信じていい", "正確"),
        ("生成AIで作ったロゴ", "生成物"),
    ],
)
def test_staff_words_become_the_guidelines_words(synonyms, question, expected):
    assert expected in synonyms.expand(question).split()


def test_the_longest_word_wins_and_latin_words_match_whole(synonyms):
    assert "マイナンバーンバー" not in synonyms.expand("マイナンバーは?")
    assert "ログ" not in synonyms.expand("プログラムのコード").split()  # katakana words match whole too
    assert "ログ" in synonyms.expand("利用ログの保存").split()
    assert "アカウント" not in synonyms.expand("idea")  # "ID" is a word of its own
    assert "アカウント" in synonyms.expand("my ID")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does the output infringe a trademark?", "権利侵害"),
        ("if AI output infringes someone's trademark", "権利侵害"),
        ("it infringed a copyright", "権利侵害"),
        ("Do I need to fact-check it?", "根拠"),
        ("Who approves accounts?", "承認"),
        ("using AI-generated images", "生成物"),
        ("A resident sent us a complaint", "市民"),
        ("if AI output harms citizens", "住民"),
    ],
)
def test_english_words_match_in_any_regular_inflection(synonyms, question, expected):
    assert expected in synonyms.expand(question).split()


def test_english_glossary_leaves_japanese_questions_alone(synonyms):
    # 責任 is in the English glossary only: a Japanese question naming it is not rewritten.
    assert synonyms.expand("責任は誰にある") == "責任は誰にある"
    assert "責任" in synonyms.expand("who is responsible").split()


def _write(tmp_path, body: str):
    path = tmp_path / "synonyms.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("groups:\n  - guideline: [申請]\n    staff: [申込]\n  - guideline: [登録]\n    staff: [申込]\n", "でも定義"),
        ("groups:\n  - guideline: [申請]\n    staff: [申込]\n    extra: [x]\n", "不明な項目"),
        ("groups:\n  - guideline: [申請]\n    staff: [報告]\n  - guideline: [報告]\n    staff: [連絡]\n", "staff にも"),
        ("groups:\n  - guideline: []\n", "staff"),
        ("groups:\n  - staff: [申込]\n", "guideline"),
        ("groups: [1, 2\n", "YAML"),
    ],
)
def test_bad_data_stops_loading_with_file_and_line(tmp_path, body, message):
    with pytest.raises(RuleDataError, match=message) as error:
        load_synonyms(_write(tmp_path, body))
    assert "synonyms.yaml" in str(error.value)

"""What a model produced is screened before anyone sees it (6-2(3)), while streaming too."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows import notices
from workflows.answer import screen_answer, visible_prefix

PHONE = "090-1234-5678"
MY_NUMBER = "1234 5678 9018"
ANSWERS = [
    f"お問い合わせ先の例です。山田太郎さんの携帯電話は{PHONE}です。以上です。",
    f"確認しました。\nマイナンバーは{MY_NUMBER}と記載されています。\n手続きは窓口でどうぞ。",
    "窓口は平日8時30分から17時までです。土日祝日と年末年始は休みです。混雑する月曜の午前を避けると待ち時間が短くなります。ご来庁をお待ちしております。",
]


def secrets_in(text: str) -> list[str]:
    return [value for value in (PHONE, "1234-5678", "1234 5678", "5678 9018") if value in text]


@pytest.mark.parametrize("answer", ANSWERS[:2])
def test_personal_information_in_an_answer_is_masked_and_flagged(answer):
    screened = screen_answer(answer)
    assert screened.flagged
    assert secrets_in(screened.text) == []
    assert screened.categories


def test_a_clean_answer_is_unchanged():
    screened = screen_answer(ANSWERS[2])
    assert (screened.text, screened.flagged, screened.categories) == (ANSWERS[2], False, ())


@pytest.mark.parametrize("answer", ANSWERS)
def test_no_streamed_prefix_shows_what_the_final_answer_masks(answer):
    final = screen_answer(answer).text
    shown = [visible_prefix(answer[:n]) for n in range(len(answer) + 1)]
    for prefix in shown:
        assert secrets_in(prefix) == []
        # What is shown is what the final answer shows, at the same place.
        assert final.startswith(prefix)
    assert any(shown), "a long answer shows something before it is complete"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["。", "\n", "電話", "は", PHONE[:5], PHONE[5:], "です", "番号", " ", "山田さん"]),
                max_size=30))
def test_prefixes_of_any_answer_are_prefixes_of_its_masked_form(parts):
    answer = "".join(parts)
    final = screen_answer(answer).text
    for n in range(0, len(answer) + 1, 3):
        assert final.startswith(visible_prefix(answer[:n]))


def test_answer_text_carries_the_notice_naming_provider_and_model():
    text = notices.answer_text("回答です。", provider="Anthropic", model="Claude Haiku 4.5（claude-haiku-4-5）",
                               categories=["medical_emergency"], flagged=True)
    assert text.startswith("回答です。")
    assert ("本コンテンツは生成AI（Anthropic Claude Haiku 4.5（claude-haiku-4-5））によって生成されております。"
            "本コンテンツの情報を利用の際は、必ず利用者様ご自身で、内容をご確認ください。") in text
    assert "（6-1）" in text and "（6-3）" in text and "（6-4）" in text and "6-2(3)" in text
    assert "（5-2" not in text

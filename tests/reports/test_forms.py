"""The 様式 forms: the same limits in the card as on the server, errors in Japanese, nothing lost."""

from __future__ import annotations

from datetime import date

import pytest

from cards import report as report_cards
from cards import usecase as usecase_cards
from tests.reports.helpers import FORM2_INPUTS, inputs, texts
from workflows.forms import FORM2_FIELDS, FORM4_FIELDS, REPORT_FIELDS, Field, as_typed, validate

TODAY = date(2026, 11, 26)
VALID_REPORT = {
    "department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎", "contact": "内線1234",
    "category": "incident", "service": "chatgpt", "occurred_date": "2026-11-25", "occurred_time": "09:30",
    "background": "回答に誤りがあった。",
}


def test_a_valid_report_parses_dates_and_times() -> None:
    result = validate(REPORT_FIELDS, VALID_REPORT, TODAY)
    assert result.ok
    assert result.values["occurred_date"] == date(2026, 11, 25)
    assert f"{result.values['occurred_time']:%H:%M}" == "09:30"
    assert result.values["cause"] is None  # optional, left for the 所属長


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"background": "  "}, "background", "経緯を入力してください。"),
    ({"category": ""}, "category", "種別を選択してください。"),
    ({"service": "gemini"}, "service", "サービスは選択肢から選んでください。"),
    ({"occurred_date": "2026-11-27"}, "occurred_date", "発生日に未来の日付は入力できません。"),
    ({"occurred_date": "26/11/2026"}, "occurred_date", "発生日は「2026-11-26」の形で入力してください。"),
    ({"occurred_time": "25:00"}, "occurred_time", "発生時刻は「14:05」の形で入力してください。"),
    ({"background": "あ" * 2001}, "background", "経緯は2000文字以内で入力してください（現在2001文字）。"),
    ({"contact": "内線\n1234"}, "contact", "連絡先は1行（100文字以内）で入力してください。"),
])
def test_bad_answers_get_a_japanese_message_and_keep_what_was_typed(
    changes: dict[str, str], field: str, message: str
) -> None:
    raw = {**VALID_REPORT, **changes}
    result = validate(REPORT_FIELDS, raw, TODAY)
    assert result.errors == {field: message}
    assert result.typed[field] == raw[field].replace("\r\n", "\n")
    assert result.typed["background"] == raw["background"]


def test_hours_saved_must_be_a_number_in_range() -> None:
    assert validate(FORM2_FIELDS, FORM2_INPUTS, TODAY).values["hours_saved"] == 12.0
    for bad, message in (("たくさん", "時間削減（時間／月）は数値で入力してください。"),
                         ("-1", "時間削減（時間／月）は0から744の範囲で入力してください。"),
                         ("nan", "時間削減（時間／月）は0から744の範囲で入力してください。")):
        assert validate(FORM2_FIELDS, {**FORM2_INPUTS, "hours_saved": bad}, TODAY).errors == {"hours_saved": message}


def test_control_characters_are_dropped_and_line_ends_unified() -> None:
    result = validate(FORM2_FIELDS, {**FORM2_INPUTS, "before": "一行目\r\n二行目\x00"}, TODAY)
    assert result.values["before"] == "一行目\n二行目"


def test_extension_numbers_are_accepted_in_form4() -> None:
    for phone in ("内線1234", "047-366-7399", "０４７（３６６）７３９９"):
        assert "phone" not in validate(FORM4_FIELDS, {"phone": phone}, TODAY).errors
    assert "phone" in validate(FORM4_FIELDS, {"phone": "山田まで"}, TODAY).errors


def test_regex_and_choice_definitions_are_checked() -> None:
    with pytest.raises(ValueError):
        Field("x", "X", kind="choice")


def test_cards_carry_the_server_limits() -> None:
    found = inputs(report_cards.form_card({}))
    assert set(found) == {f.id for f in REPORT_FIELDS}
    for spec in REPORT_FIELDS:
        element = found[spec.id]
        assert element["isRequired"] == spec.required
        assert element["label"] == spec.label
        assert element["errorMessage"]
        if spec.max_length and spec.kind in ("text", "multiline"):
            assert element["maxLength"] == spec.max_length
    assert found["occurred_date"]["type"] == "Input.Date" and found["occurred_date"]["max"]
    assert found["occurred_time"]["type"] == "Input.Time"
    assert found["contact"]["regex"] == REPORT_FIELDS[3].regex
    number = inputs(usecase_cards.form_card("chatgpt", {}))["hours_saved"]
    assert (number["type"], number["min"], number["max"]) == ("Input.Number", 0, 744)


def test_a_form_sent_back_shows_errors_and_every_typed_value() -> None:
    raw = {**VALID_REPORT, "occurred_date": "2026-11-27", "background": ""}
    result = validate(REPORT_FIELDS, raw, TODAY)
    card = report_cards.form_card(result.typed, result.errors)
    values = {k: v.get("value") for k, v in inputs(card).items()}
    assert values["department"] == "市民課" and values["contact"] == "内線1234"
    assert values["occurred_date"] == "2026-11-27" and values["category"] == "incident"
    shown = texts(card)
    assert "発生日に未来の日付は入力できません。" in shown and "経緯を入力してください。" in shown
    assert "入力内容を確認してください（2件）" in shown


def test_stored_hours_come_back_without_a_decimal_point() -> None:
    assert as_typed(FORM2_FIELDS, {"hours_saved": 12.0, "task": "議事録"}) == {"hours_saved": "12", "task": "議事録"}


def test_the_answer_button_carries_only_the_exchange_id() -> None:
    card = report_cards.answer_report_card("ex-1")
    assert card["actions"] == [{"type": "Action.Execute", "title": "この回答を報告", "verb": "report.open",
                                "data": {"exchange_id": "ex-1"}, "associatedInputs": "none"}]

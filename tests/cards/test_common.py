from datetime import UTC, date, datetime

import pytest

from cards.common import adaptive_card, execute, fact_set, jst_date, jst_datetime, refresh_for, text


def test_times_are_shown_in_jst_with_japanese_weekday() -> None:
    # 15:30 UTC is already the next day in Japan.
    assert jst_datetime(datetime(2026, 11, 26, 15, 30, tzinfo=UTC)) == "2026年11月27日(金) 00:30"
    assert jst_date(date(2026, 11, 29)) == "2026年11月29日(日)"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        jst_datetime(datetime(2026, 11, 26, 15, 30))


def test_card_shell_is_full_width_adaptive_card_1_5() -> None:
    card = adaptive_card([text("本文")], [execute("承認する", "approval.approve", {"requestId": "r1"})])
    assert card["version"] == "1.5"
    assert card["msteams"] == {"width": "Full"}
    assert card["body"][0]["wrap"] is True
    assert card["actions"][0] == {
        "type": "Action.Execute", "title": "承認する", "verb": "approval.approve", "data": {"requestId": "r1"},
    }
    assert "actions" not in adaptive_card([text("本文")])


@pytest.mark.parametrize("verb", ["approve", "Approval.Approve", "approval.", "approval approve"])
def test_verbs_must_name_feature_and_action(verb: str) -> None:
    with pytest.raises(ValueError):
        execute("承認する", verb, {})


def test_cancel_buttons_skip_input_validation() -> None:
    assert execute("キャンセル", "report.cancel", {}, inputs=False)["associatedInputs"] == "none"


def test_refresh_is_limited_to_60_users() -> None:
    assert refresh_for("approval.view", {"requestId": "r1"}, ["29:a"])["userIds"] == ["29:a"]
    with pytest.raises(ValueError):
        refresh_for("approval.view", {"requestId": "r1"}, [f"29:{i}" for i in range(61)])


def test_fact_set_keeps_order() -> None:
    facts = fact_set([("申請者", "山田 太郎"), ("所属", "DX推進課")])["facts"]
    assert [f["title"] for f in facts] == ["申請者", "所属"]

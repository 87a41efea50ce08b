"""A sample name (山田太郎) is allowed in a form letter, but not beside real data (contract rules 1, 3)."""

from __future__ import annotations

from policy import Verdict, masked_resend, screen


def test_a_sample_name_alone_is_allowed() -> None:
    assert screen("記入例：山田太郎様 いつもお世話になっております。").verdict == Verdict.ALLOW


def test_a_sample_name_beside_a_real_number_is_the_person_it_belongs_to() -> None:
    text = "市民の鈴木一郎さんのマイナンバーは123456789018です。"
    result = screen(text)
    assert {"my_number", "personal_info"} <= set(result.categories)
    resend = masked_resend(text, result)
    assert resend is not None and "鈴木" not in resend and "123456789018" not in resend

"""E-mail addresses: an individual's blocks, organisational and role addresses pass."""

from __future__ import annotations

import pytest

from .helpers import screened

# fmt: off
CASES = [
    ("taro.yamada@example.jp に返信", "block", "taro.yamada@example.jp"),
    ("連絡はhanako_s@mail.example.comまでお願いします", "block", "hanako_s@mail.example.com"),
    ("ｓｕｚｕｋｉ＠ｅｘａｍｐｌｅ．ｊｐ", "block", "ｓｕｚｕｋｉ＠ｅｘａｍｐｌｅ．ｊｐ"),
    ("所属のアドレス dx-suishin@city.matsudo.chiba.jp を使う", "allow", None),
    ("info@example.co.jp にお問い合わせ", "allow", None),
    ("メールアドレスの書式チェックの式を教えて", "allow", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "span"), CASES)
def test_email(text: str, verdict: str, span: str | None) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    if span:
        [f] = [f for f in result.findings if f.rule == "email.address"]
        assert text[f.start : f.end] == span
        assert ("@" in f.masked or "＠" in f.masked) and "*" in f.masked

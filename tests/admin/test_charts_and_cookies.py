"""Charts draw Japanese labels with a CJK font and stay small for cards; signed cookies resist tampering."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

from PIL import Image

from admin import charts
from admin.session import CookieSigner
from workflows.monitoring import Row, Statistics

UNTIL = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def _stats() -> Statistics:
    weeks = [Row(f"2026-11-{d:02d}", n, set(), Counter({"allow": n - 2, "confirm": 1, "block": 1}))
             for d, n in ((2, 5), (9, 12), (16, 9), (23, 20))]
    departments = [Row("市民課", 30), Row("DX推進課", 10), Row("税制課", 6)]
    total = Row("合計", 46, set(), Counter(), Counter({"my_number": 3, "possible_personal": 5}))
    return Statistics(UNTIL - timedelta(weeks=4), UNTIL, total, departments, [], weeks, Counter(), 0)


def _png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_a_japanese_font_is_found():
    assert charts.japanese_font() == "Noto Sans CJK JP"


def test_every_chart_renders_with_content():
    for name, draw in charts.CHARTS.items():
        image = _png(draw(_stats()))
        assert image.width == 800, name
        assert len(image.getcolors(1 << 20) or []) > 20, name  # bars, labels and anti-aliasing


def test_the_card_chart_fits_in_a_teams_card():
    data = charts.card_chart(_stats())
    assert len(data) < 12_000  # about 16 KB as a data: URI, well inside the 28 KB card limit
    assert _png(data).size == (400, 208)


def test_charts_of_an_empty_period_still_render():
    empty = Statistics(UNTIL - timedelta(weeks=1), UNTIL, Row("合計"), [], [], [Row("2026-11-23")], Counter(), 0)
    for draw in charts.CHARTS.values():
        assert _png(draw(empty)).width == 800


def test_signed_cookies_round_trip_and_refuse_tampering():
    signer = CookieSigner(b"secret", "admin-session")
    value = signer.dumps({"sub": "a", "name": "ユーザー5"}, 60, now=1000)
    assert signer.loads(value, now=1030) == {"sub": "a", "name": "ユーザー5", "exp": 1060}
    assert signer.loads(value, now=1061) is None  # expired
    body, mac = value.split(".")
    assert signer.loads(f"{body}x.{mac}", now=1030) is None
    assert signer.loads(f"{body}.{mac[:-2]}AA", now=1030) is None
    assert signer.loads("garbage", now=1030) is None and signer.loads(None) is None
    # Another purpose (the sign-in flow cookie) or another secret cannot read it.
    assert CookieSigner(b"secret", "admin-signin-flow").loads(value, now=1030) is None
    assert CookieSigner(b"other", "admin-session").loads(value, now=1030) is None

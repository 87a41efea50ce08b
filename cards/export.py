"""Cards of ``/export`` (DX推進課): choose records and format, then a one-time download link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cards.common import adaptive_card, execute, fact_set, jst_datetime, text
from cards.inputs import error_summary, form_inputs
from workflows.forms import EXPORT_FIELDS, EXPORT_FORMATS, EXPORT_KINDS


def form_card(typed: Mapping[str, str], errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    errors = errors or {}
    return adaptive_card(
        [
            text("報告・活用事例の出力", size="Large", weight="Bolder"),
            text("期間内に提出された記録を、CSV（Excel で開けます）または様式どおりの Excel で出力します。"
                 "ダウンロード用のリンクは一度だけ、短い時間だけ有効です。", size="Small"),
            *error_summary(errors),
            *form_inputs(EXPORT_FIELDS, typed, errors),
        ],
        [execute("出力する", "export.create", {}, style="positive")],
    )


def ready_card(
    url: str, filename: str, kind: str, fmt: str, count: int, expires: datetime
) -> dict[str, Any]:
    return adaptive_card(
        [
            text("出力できました", size="Large", weight="Bolder"),
            fact_set([
                ("種類", dict(EXPORT_KINDS)[kind]),
                ("形式", dict(EXPORT_FORMATS)[fmt]),
                ("件数", f"{count}件"),
                ("ファイル名", filename),
                ("リンクの有効期限", jst_datetime(expires)),
            ]),
            text("リンクは一度ダウンロードすると無効になります。ファイルには個人名が含まれます。取り扱いにご注意ください。",
                 size="Small", color="Attention"),
        ],
        [{"type": "Action.OpenUrl", "title": "ダウンロード", "url": url}],
    )


_TYPED = {"kind": "reports", "format": "xlsx", "since": "2026-11-01", "until": "2026-11-30"}

SAMPLES = {
    "export_form": lambda: form_card(_TYPED),
    "export_form_errors": lambda: form_card(
        {**_TYPED, "until": "2026-10-01"}, {"until": "終了日は開始日以降の日付にしてください。"}
    ),
    "export_ready": lambda: ready_card(
        "https://bot.example.lg.jp/exports/sample-token", "様式3_障害発生報告_20261101-20261130.xlsx",
        "reports", "xlsx", 3, datetime(2026, 11, 26, 5, 40, tzinfo=UTC),
    ),
}

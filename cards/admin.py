"""Cards of ``/admin`` (DX推進課 only): the statistics card and the review card of one exchange.

Builders read ``workflows.monitoring`` values; texts are the masked ones, never a raw input.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from cards.common import Element, adaptive_card, execute, fact_set, jst_datetime, text
from workflows.monitoring import (
    CHECKS,
    FINDINGS,
    SERVICES,
    STATUSES,
    VERDICTS,
    Exchange,
    Flagged,
    Review,
    Reviewer,
    Row,
    Statistics,
)

EXCERPT_CHARS = 600  # cards are limited to about 28 KB; the web page shows the whole text
TABLE_ROWS = 8


def _excerpt(value: str) -> str:
    if not value:
        return "（なし）"
    return value if len(value) <= EXCERPT_CHARS else value[:EXCERPT_CHARS] + "…（続きは Web 画面で）"


def _cell(value: str, **props: object) -> Element:
    return {"type": "TableCell", "items": [text(value, size="Small", **props)]}


def _table(key_title: str, rows: Sequence[Row]) -> Element:
    header = [key_title, "件数", "人数", "確認", "ブロック", "承認", "報告"]
    body = [
        [r.key, str(r.exchanges), str(r.user_count), str(r.verdicts.get("confirm", 0)),
         str(r.verdicts.get("block", 0)), str(r.approvals), str(r.reports)]
        for r in rows[:TABLE_ROWS]
    ]
    return {
        "type": "Table",
        "columns": [{"width": 4}, {"width": 2}, {"width": 2}, {"width": 2}, {"width": 3}, {"width": 2}, {"width": 2}],
        "firstRowAsHeader": True,
        "showGridLines": True,
        "rows": [
            {"type": "TableRow", "cells": [_cell(v, weight="Bolder") for v in header]},
            *({"type": "TableRow", "cells": [_cell(v) for v in values]} for values in body),
        ],
    }


def statistics_card(stats: Statistics, chart_png: bytes | None, web_url: str | None = None) -> dict:
    """Totals, the weekly chart and the table by 所属, with the ways on (sample check, flagged, web)."""
    total = stats.total
    body: list[Element] = [
        text("生成AI 利用状況（DX推進課）", weight="Bolder", size="Medium"),
        text(f"{jst_datetime(stats.since)} 〜 {jst_datetime(stats.until)}", isSubtle=True, size="Small",
             spacing="None"),
        fact_set([
            ("利用件数", f"{total.exchanges} 件（利用者 {total.user_count} 人）"),
            ("判定", "、".join(f"{name} {total.verdicts.get(key, 0)}" for key, name in VERDICTS.items())),
            ("所属長承認・報告", f"承認 {total.approvals} 件、報告 {total.reports} 件"),
            ("レビュー", f"{stats.reviewed} 件記録済み"),
        ]),
    ]
    if chart_png:
        body.append({
            "type": "Image",
            "url": "data:image/png;base64," + base64.b64encode(chart_png).decode("ascii"),
            "altText": "週別の利用件数（判定別）のグラフ",
            "size": "Stretch",
        })
    if web_url:
        body.append(text("「Web で開く」のリンクは 5 分間、1 回だけ使えます。", size="Small", isSubtle=True))
    body.append(text("所属別", weight="Bolder"))
    body.append(_table("所属", stats.by_department) if stats.by_department else text("該当するやり取りはありません。"))
    if len(stats.by_department) > TABLE_ROWS:
        body.append(text(f"ほか {len(stats.by_department) - TABLE_ROWS} 所属（Web 画面にすべて表示）", size="Small",
                         isSubtle=True))
    actions = [
        execute("サンプル", "admin.sample", {}),
        execute("要確認", "admin.flagged", {}),
    ]
    if web_url:
        actions.append({"type": "Action.OpenUrl", "title": "Web で開く", "url": web_url})
    return adaptive_card(body, actions)


def review_card(exchange: Exchange, reasons: Sequence[str] = (), error: str | None = None) -> dict:
    """``reasons`` (labels) mark a card of the flagged list; the review action keeps them."""
    verdict = VERDICTS.get(exchange.verdict, exchange.verdict)
    if exchange.categories:
        verdict += f"（{'、'.join(exchange.category_names)}）"
    body: list[Element] = [
        text("サンプルチェック" if not reasons else "要確認のやり取り", weight="Bolder"),
    ]
    if reasons:
        body.append(text("理由: " + "、".join(reasons), color="Attention", spacing="None"))
    body += [
        fact_set([
            ("日時", jst_datetime(exchange.at)),
            ("所属", exchange.department or "（所属不明）"),
            ("利用者", exchange.user_name),
            ("サービス", SERVICES.get(exchange.service, exchange.service)),
            ("判定", verdict),
            ("状態", STATUSES.get(exchange.status, exchange.status)),
            ("入力", f"{exchange.input_chars} 文字"),
        ]),
        text("入力（マスク済み）", weight="Bolder", size="Small"),
        {"type": "Container", "style": "emphasis", "items": [text(_excerpt(exchange.input_masked), size="Small")]},
        text("回答（マスク済み）" + ("・個人情報をマスク" if exchange.answer_flagged else ""), weight="Bolder",
             size="Small"),
        {"type": "Container", "style": "emphasis", "items": [text(_excerpt(exchange.answer_masked), size="Small")]},
    ]
    if exchange.review:
        body.append(text(f"記録済みの所見: {'、'.join(exchange.review.labels)}（{exchange.review.reviewer.name}、"
                         f"{jst_datetime(exchange.review.at)}）", weight="Bolder"))
    if error:
        body.append(text(error, color="Attention"))
    body.append({
        "type": "Input.ChoiceSet",
        "id": "findings",
        "label": "所見（" + "・".join(name for _, name, _ in CHECKS) + "の観点）",
        "isMultiSelect": True,
        "style": "expanded",
        "isRequired": True,
        "errorMessage": "所見を 1 つ以上選んでください。",
        "value": ",".join(exchange.review.findings) if exchange.review else "",
        "choices": [{"title": name, "value": key} for key, name in FINDINGS.items()],
    })
    title = "所見を更新" if exchange.review else "所見を記録"
    data = {"exchange_id": exchange.id, "flagged": bool(reasons)}
    return adaptive_card(body, [execute(title, "admin.review", data, "positive")])


def _sample_statistics() -> Statistics:
    until = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
    since = datetime(2026, 10, 4, 15, 0, tzinfo=UTC)  # Monday 00:00 JST, 8 weeks

    def row(key: str, n: int, users: int, confirm: int, block: int, approvals: int, reports: int) -> Row:
        verdicts = Counter({"allow": n - confirm - block, "confirm": confirm, "block": block})
        return Row(key, n, {f"u{i}" for i in range(users)}, verdicts, Counter(), approvals, reports)

    departments = [row("市民課", 42, 9, 3, 2, 4, 1), row("DX推進課", 30, 5, 1, 0, 2, 0), row("税制課", 12, 4, 2, 1, 1, 0)]
    total = row("合計", 84, 18, 6, 3, 7, 1)
    return Statistics(since, until, total, departments, [], [], Counter({"ok": 5, "quality": 1}), 6)


def _sample_exchange(reviewed: bool) -> Exchange:
    review = Review("ex-1", ("quality",), Reviewer("x", "ユーザー5"), datetime(2026, 11, 26, 4, 0, tzinfo=UTC))
    return Exchange(
        id="ex-1", at=datetime(2026, 11, 25, 1, 30, tzinfo=UTC), user_name="山田 太郎", department="市民課",
        service="chatbot", verdict="confirm", categories=("possible_personal",), status="answered",
        input_masked="［氏名］さんからの転入手続きの問い合わせへの回答文を、やさしい日本語で作成してください。",
        input_chars=42, answer_masked="転入の手続きは、引っ越してから14日以内に市民課の窓口で行います。［氏名］さんには…",
        answer_flagged=True, review=review if reviewed else None,
    )


def _sample_flagged() -> dict:
    flagged = Flagged(_sample_exchange(False), ("answer_masked", "confirm"))
    return review_card(flagged.exchange, flagged.reason_labels)


SAMPLES = {
    "admin_statistics": lambda: statistics_card(_sample_statistics(), None, "https://bot.example.jp/admin/once/abc"),
    "admin_review": lambda: review_card(_sample_exchange(False)),
    "admin_review_recorded": lambda: review_card(_sample_exchange(True)),
    "admin_flagged": _sample_flagged,
}

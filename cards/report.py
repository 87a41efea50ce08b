"""Cards of ``/report``: the 様式3 form, the receipt, the notifications and the status views.

Reports are documents shaped as in ``workflows.reports``; these builders only read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cards.common import Element, adaptive_card, execute, fact_set, jst_datetime, text
from cards.inputs import error_summary, form_inputs
from workflows.forms import (
    REPORT_CATEGORIES,
    REPORT_DETAIL_FIELDS,
    REPORT_FIELDS,
    SERVICE_NAMES,
    STATUS_FIELDS,
)

GUIDE = (
    "生成AIの利用で問題が起きたとき、または起きるおそれがあるとき（誤った回答で市民等に不利益が生じた場合など）に報告します。"
    "送信すると、所属長、副市長・総務部長・部長（情報セキュリティの責任者）とDX推進課に直ちに通知されます（6-6、7-1(6)、7-2(3)）。"
)
ROLE_REASONS = {
    "manager": "所属長",
    "ciso": "最高情報セキュリティ責任者（副市長）",
    "security_head": "情報セキュリティ統括管理者（総務部長）",
    "division_head": "情報セキュリティ管理者（部長）",
    "dx_admin": "DX推進課",
}
_CATEGORY = dict(REPORT_CATEGORIES)
# The status shades its box; Teams' yellow and green text are hard to read on the light theme.
_STATUS_STYLE = {"受付": "warning", "対応中": "accent", "完了": "good"}


def _when(value: str | None) -> str:
    return jst_datetime(datetime.fromisoformat(value)) if value else "—"


def _exchange_facts(exchange: Mapping[str, Any] | None) -> list[Element]:
    if not exchange:
        return []
    facts = [("報告する回答", f"記録ID {exchange['id']}"), ("日時", _when(exchange.get("at")))]
    facts.append(("サービス", SERVICE_NAMES.get(exchange.get("service", ""), exchange.get("service", ""))))
    items: list[Element] = [fact_set(facts)]
    if exchange.get("answer_masked"):
        excerpt = exchange["answer_masked"]
        items.append(text(excerpt if len(excerpt) <= 200 else excerpt[:200] + "…", size="Small", isSubtle=True))
    return [{"type": "Container", "style": "emphasis", "items": items}]


def answer_report_card(exchange_id: str) -> dict[str, Any]:
    """The 「この回答を報告」 button for an answer (attach it to the answer message).

    Clicking replaces this small card with the 様式3 form for that exchange; the answer text,
    which is the message's text, stays as it is.
    """
    return adaptive_card(
        [text("回答に誤りや問題があり、市民等に影響するおそれがあるときは報告してください（6-6）。",
              size="Small", isSubtle=True)],
        [execute("この回答を報告", "report.open", {"exchange_id": exchange_id}, inputs=False)],
    )


def form_card(
    typed: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    exchange: Mapping[str, Any] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """The 様式3 form; after a failed submit, the same form with the errors and every value kept."""
    errors = errors or {}
    data = {"exchange_id": exchange["id"]} if exchange else {}
    body: list[Element] = [
        text("【様式3】障害・リスクの報告", size="Large", weight="Bolder"),
        text(GUIDE, size="Small"),
        *([text(notice, color="Attention", weight="Bolder")] if notice else []),
        *error_summary(errors),
        *_exchange_facts(exchange),
        *form_inputs(REPORT_FIELDS, typed, errors),
    ]
    actions = [
        execute("報告する", "report.submit", data, style="positive"),
        execute("取りやめる", "report.cancel", {}, inputs=False),
    ]
    return adaptive_card(body, actions)


def _report_facts(report: Mapping[str, Any]) -> Element:
    header = report["header"]
    return fact_set([
        ("受付番号", report["id"]),
        ("種別", _CATEGORY.get(report["category"], report["category"])),
        ("サービス", SERVICE_NAMES.get(report["service"], report["service"])),
        ("所属", header["department"]),
        ("担当者", f"{header['reporter']}（{header['contact']}）"),
        ("所属長", header["manager"]),
        ("発生日時", _when(report["occurred_at"])),
        ("報告日時", _when(report["submitted_at"])),
        ("関連する回答", f"記録ID {report['exchange_id']}" if report.get("exchange_id") else "—"),
    ])


def _exchange_button(report: Mapping[str, Any]) -> list[Element]:
    """「関連する回答を見る」: the reported answer, as recorded (masked), for those concerned."""
    if not report.get("exchange_id"):
        return []
    return [execute("関連する回答を見る", "report.exchange", {"report_id": report["id"]}, inputs=False)]


def _report_texts(report: Mapping[str, Any]) -> list[Element]:
    body: list[Element] = []
    for label, key in (("経緯", "background"), ("原因", "cause"), ("今後の対応と見通し", "outlook"), ("備考", "remarks")):
        body.append(text(label, weight="Bolder", spacing="Medium"))
        body.append(text(report.get(key) or "（未記入）", spacing="None"))
    return body


def _status_line(report: Mapping[str, Any]) -> Element:
    confirmed = "所属長確認済み" if report.get("confirmed_at") else "所属長の確認待ち"
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "auto", "style": _STATUS_STYLE.get(report["status"], "emphasis"), "items": [
                text(f"状態: {report['status']}", weight="Bolder"),
            ]},
            {"type": "Column", "width": "stretch", "verticalContentAlignment": "Center",
             "items": [text(confirmed, isSubtle=True)]},
        ],
    }


def receipt_card(report: Mapping[str, Any]) -> dict[str, Any]:
    """What the reporter sees after submitting: the receipt number and who was told."""
    notified = "、".join(f"{n['name']}（{'・'.join(ROLE_REASONS[r] for r in n['roles'])}）" for n in report["notified"])
    body: list[Element] = [
        text("報告を受け付けました", size="Large", weight="Bolder"),
        text(f"受付番号 {report['id']}", size="ExtraLarge", weight="Bolder"),
        text("問い合わせの際はこの受付番号をお伝えください。所属長が内容を確認し、DX推進課が対応状況をお知らせします。"),
        _report_facts(report),
        _status_line(report),
        text(f"通知先: {notified or 'なし'}", size="Small"),
    ]
    if report.get("unreachable"):
        body.append(text(
            f"次の方には通知を届けられませんでした: {'、'.join(report['unreachable'])}。電話などで直接お伝えください。",
            color="Attention", size="Small",
        ))
    return adaptive_card(body, _exchange_button(report))


def _confirm_show_card(
    report: Mapping[str, Any], typed: Mapping[str, str] | None, errors: Mapping[str, str]
) -> Element:
    typed = typed if typed is not None else {f.id: report.get(f.id) or "" for f in REPORT_DETAIL_FIELDS}
    inner = adaptive_card(
        [text("原因、今後の対応と見通し、備考を補って確認してください（7-1(6)、7-2(3)）。", size="Small"),
         *form_inputs(REPORT_DETAIL_FIELDS, typed, errors)],
        [execute("確認して確定する", "report.confirm", {"report_id": report["id"]}, style="positive")],
    )
    return {"type": "Action.ShowCard", "title": "確認・補足する", "card": _inner(inner)}


def _status_show_card(report: Mapping[str, Any], errors: Mapping[str, str] | None = None) -> Element:
    inner = adaptive_card(
        form_inputs(STATUS_FIELDS, {"status": report["status"]}, errors or {}),
        [execute("状態を更新する", "report.status", {"report_id": report["id"]}, style="positive")],
    )
    return {"type": "Action.ShowCard", "title": "状態を更新", "card": _inner(inner)}


def _inner(card: dict[str, Any]) -> dict[str, Any]:
    # A card inside Action.ShowCard takes neither $schema, version nor msteams.
    return {k: v for k, v in card.items() if k not in ("$schema", "version", "msteams")}


def notification_card(
    report: Mapping[str, Any],
    roles: Sequence[str],
    errors: Mapping[str, str] | None = None,
    *,
    typed: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What each notified person gets: the report, why they get it, and their own buttons.

    After a failed confirmation, ``errors`` are shown and the 所属長's ``typed`` text is kept.
    """
    errors = errors or {}
    reasons = "・".join(ROLE_REASONS[r] for r in roles)
    body: list[Element] = [
        text("【至急】生成AIの障害・リスク報告", size="Large", weight="Bolder", color="Attention"),
        text(f"{reasons}として通知しています（6-6、7-1(6)、7-2(3)）。", size="Small", isSubtle=True),
        *error_summary(errors),
        _status_line(report),
        _report_facts(report),
        *_report_texts(report),
    ]
    actions: list[Element] = _exchange_button(report)
    if "manager" in roles:
        actions.append(_confirm_show_card(report, typed, errors))
    if "dx_admin" in roles:
        actions.append(_status_show_card(report, errors))
    return adaptive_card(body, actions)


def status_card(report: Mapping[str, Any]) -> dict[str, Any]:
    """DX推進課's view: the report with its history and the status buttons."""
    history = [
        text(f"{_when(h['at'])}　{h['status']}　{h['by']}" + (f"　{h['note']}" if h.get("note") else ""),
             size="Small", spacing="None")
        for h in report["history"]
    ]
    body: list[Element] = [
        text(f"報告 {report['id']} の対応状況", size="Large", weight="Bolder"),
        _status_line(report),
        _report_facts(report),
        text("経過", weight="Bolder", spacing="Medium"),
        *history,
    ]
    return adaptive_card(body, [_status_show_card(report), *_exchange_button(report)])


def exchange_card(report: Mapping[str, Any], exchange: Mapping[str, Any] | None) -> dict[str, Any]:
    """The answer a report is about: the exchange record, whose texts are stored masked."""
    back = [execute("報告に戻る", "report.view", {"report_id": report["id"]}, inputs=False)]
    if exchange is None:
        return adaptive_card([text(f"報告 {report['id']} の関連する回答の記録は見つかりませんでした（保存期間を過ぎた可能性があります）。")],
                             back)
    body: list[Element] = [
        text(f"報告 {report['id']} の関連する回答", size="Large", weight="Bolder"),
        fact_set([
            ("記録ID", str(exchange["id"])),
            ("日時", _when(exchange.get("at"))),
            ("利用者", str(exchange.get("user_name") or report["reporter_name"])),
            ("サービス", SERVICE_NAMES.get(exchange.get("service", ""), str(exchange.get("service") or ""))),
            ("モデル", str(exchange.get("model") or "—")),
        ]),
        text("個人情報などは記録の時点で伏せ字にしています。", size="Small", isSubtle=True),
        text("入力", weight="Bolder", spacing="Medium"),
        text(exchange.get("input_masked") or "（記録なし）", spacing="None"),
        text("回答", weight="Bolder", spacing="Medium"),
        text(exchange.get("answer_masked") or "（記録なし）", spacing="None"),
    ]
    return adaptive_card(body, back)


def update_notice_card(report: Mapping[str, Any], event: str) -> dict[str, Any]:
    """To the reporter: their 所属長 confirmed the report, or DX推進課 changed its status."""
    if event == "confirmed":
        headline = f"報告 {report['id']} を所属長が確認しました"
    else:
        headline = f"報告 {report['id']} の状態が「{report['status']}」になりました"
    body: list[Element] = [text(headline, weight="Bolder"), _status_line(report)]
    last = report["history"][-1]
    if event != "confirmed" and last.get("note"):
        body.append(text(f"DX推進課より: {last['note']}"))
    body.append(_report_facts(report))
    return adaptive_card(body)


def list_card(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``/report 一覧`` for DX推進課: the open reports, newest first."""
    if not reports:
        return adaptive_card([text("対応中の報告はありません。")])
    items: list[Element] = [text("障害・リスク報告（未完了）", size="Large", weight="Bolder")]
    for report in reports:
        items.append({
            "type": "Container", "separator": True,
            "items": [
                text(f"{report['id']}　{report['status']}　{_CATEGORY.get(report['category'], '')}", weight="Bolder"),
                text(f"{report['header']['department']}　{report['header']['reporter']}　{_when(report['submitted_at'])}",
                     size="Small", isSubtle=True, spacing="None"),
                text(report["background"][:120], size="Small", spacing="None"),
            ],
            "selectAction": execute("開く", "report.view", {"report_id": report["id"]}),
        })
    return adaptive_card(items)


# --- samples ---------------------------------------------------------------------------------

_NOW = datetime(2026, 11, 26, 5, 30, tzinfo=UTC)
_EXCHANGE = {
    "id": "ex-20261126-0007", "at": "2026-11-26T01:12:00+00:00", "service": "chatbot",
    "answer_masked": "児童手当の申請期限は、出生日の翌日から15日以内です。窓口は市民課です。",
}
_TYPED = {
    "department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎", "contact": "内線1234",
    "category": "risk", "service": "chatbot", "occurred_date": "2026-11-26", "occurred_time": "10:12",
    "background": "チャットボットの回答をもとに市民へ申請期限を案内したところ、回答の期限が誤っていた。",
}
SAMPLE_REPORT: dict[str, Any] = {
    "id": "R2026-0001", "status": "受付", "category": "risk", "service": "chatbot",
    "exchange_id": "ex-20261126-0007", "reporter_id": "3333", "reporter_name": "山田 太郎",
    "division": "市民部", "manager_id": "4444",
    "header": {"department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎", "contact": "内線1234"},
    "occurred_at": "2026-11-26T01:12:00+00:00",
    "background": _TYPED["background"],
    "cause": "回答が古いホームページの情報に基づいていた可能性があります（調査中）。",
    "outlook": None, "remarks": None,
    "submitted_at": _NOW.isoformat(),
    "notified": [
        {"id": "4444", "name": "佐藤 花子", "roles": ["manager"]},
        {"id": "6", "name": "ユーザー6", "roles": ["ciso"]},
        {"id": "7", "name": "ユーザー7", "roles": ["security_head", "division_head"]},
        {"id": "8", "name": "ユーザー8", "roles": ["division_head"]},
        {"id": "5", "name": "ユーザー5", "roles": ["dx_admin"]},
    ],
    "unreachable": [], "confirmed_by": None, "confirmed_at": None,
    "history": [{"status": "受付", "by": "山田 太郎", "at": _NOW.isoformat(), "note": ""}],
    "version": 1,
}
_IN_PROGRESS = {
    **SAMPLE_REPORT, "status": "対応中", "confirmed_by": "4444", "confirmed_at": _NOW.isoformat(),
    "history": [*SAMPLE_REPORT["history"],
                {"status": "対応中", "by": "ユーザー5", "at": _NOW.isoformat(), "note": "事業者に確認しています。"}],
}

# A second, later report for the list: its own number, 所属 and reporter.
_OTHER_REPORT: dict[str, Any] = {
    **SAMPLE_REPORT, "id": "R2026-0002", "category": "incident", "service": "chatgpt", "exchange_id": None,
    "reporter_id": "5555", "reporter_name": "田中 次郎", "division": "財務部", "manager_id": "6666",
    "header": {"department": "税制課", "manager": "鈴木 一郎", "reporter": "田中 次郎", "contact": "内線2345"},
    "occurred_at": "2026-11-26T04:40:00+00:00",
    "background": "ChatGPTで作成した税額計算のExcel関数に誤りがあり、課内の確認で気付いた。市民への通知書は送付前のため影響はない。",
    "cause": None, "submitted_at": "2026-11-26T05:50:00+00:00",
    "history": [{"status": "受付", "by": "田中 次郎", "at": "2026-11-26T05:50:00+00:00", "note": ""}],
}

SAMPLES = {
    "report_exchange": lambda: exchange_card(SAMPLE_REPORT, {
        **_EXCHANGE, "user_name": "山田 太郎", "model": "claude-haiku-4-5",
        "input_masked": "****様の児童手当の申請期限を教えてください。",
    }),
    "report_answer_button": lambda: answer_report_card(_EXCHANGE["id"]),
    "report_form": lambda: form_card({"department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎",
                                      "contact": "yamada@example.com"}),
    "report_form_from_answer": lambda: form_card({**_TYPED, "background": ""}, exchange=_EXCHANGE),
    "report_form_errors": lambda: form_card(
        {**_TYPED, "occurred_date": "2026-11-27", "background": ""},
        {"occurred_date": "発生日に未来の日付は入力できません。", "background": "経緯を入力してください。"},
    ),
    "report_receipt": lambda: receipt_card(SAMPLE_REPORT),
    "report_notification_manager": lambda: notification_card(SAMPLE_REPORT, ["manager"]),
    "report_notification_security": lambda: notification_card(SAMPLE_REPORT, ["security_head", "division_head"]),
    "report_notification_dx": lambda: notification_card(SAMPLE_REPORT, ["dx_admin"]),
    "report_status": lambda: status_card(_IN_PROGRESS),
    "report_update_notice": lambda: update_notice_card(_IN_PROGRESS, "status"),
    "report_list": lambda: list_card([_OTHER_REPORT, _IN_PROGRESS]),
}

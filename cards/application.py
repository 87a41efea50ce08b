"""様式1 ChatGPT アカウント及び利用申請書 (7-1(2)) as a card, and its decision by DX推進課.

The form follows the paper 様式: addressed to the DX推進課長, header (提出日, 所属, 所属長,
担当者, 連絡先), アカウント and 利用用途, the table of users (mアカウント, 氏名, 申請区分)
and 補足; DX推進課使用欄 carries the decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any, Literal

from cards.common import Element, adaptive_card, execute, fact_set, jst_date, jst_datetime, refresh_for, text
from cards.inputs import error_summary, field_input, form_inputs
from workflows.applications import (
    APPROVED,
    DECISION_FIELD,
    HEADER_FIELDS,
    KIND_NAMES,
    NOTE_FIELD,
    PENDING,
    REJECTED,
    ROWS,
    row_fields,
)
from workflows.forms import Field

View = Literal["admin", "applicant"]
STATE_LABELS = {PENDING: "待機中", APPROVED: "承認済み", REJECTED: "却下"}
# The state shades the DX推進課使用欄 box; Teams' yellow and green text are hard to read on the light theme.
_STATE_STYLES = {PENDING: "warning", APPROVED: "good", REJECTED: "attention"}


# Rows shown at first, then the 様式's remaining lines in groups a button opens, so the card
# stays short in Teams while keeping all 15 lines of the paper form.
_ROW_GROUPS = (3, 7, 11, ROWS)
# The default 「選択してください」 does not fit a third of a narrow card.
_KIND_PLACEHOLDER = "選択"


def _row(i: int, values: Mapping[str, str], errors: Mapping[str, str]) -> Element:
    columns = []
    for spec, width in zip(row_fields(i), (3, 3, 2), strict=True):
        items = field_input(spec, values.get(spec.id, ""), errors.get(spec.id))
        if items[0]["type"] == "Input.ChoiceSet":
            items[0]["placeholder"] = _KIND_PLACEHOLDER
        columns.append({"type": "Column", "width": width, "items": items})
    return {"type": "ColumnSet", "columns": columns, "spacing": "Small"}


def _pair(fields: tuple[Field, ...], values: Mapping[str, str], errors: Mapping[str, str]) -> Element:
    return {"type": "ColumnSet", "columns": [
        {"type": "Column", "width": "stretch", "items": field_input(f, values.get(f.id, ""), errors.get(f.id))}
        for f in fields]}


def _user_rows(values: Mapping[str, str], errors: Mapping[str, str], rows: int) -> list[Element]:
    """The user lines: the first group, plus every group up to the last one filled or in error."""
    used = [i for i in range(1, rows + 1) if any(values.get(f.id) or f.id in errors for f in row_fields(i))]
    bounds = [b for b in _ROW_GROUPS if b < rows] + [rows]
    shown = next(b for b in bounds if b >= max(used, default=0))
    hidden: list[Element] = []
    # Built from the last group back: each group holds the button to the next, so lines open in order.
    for start, end in reversed([(lo + 1, hi) for lo, hi in pairwise(bounds) if lo >= shown]):
        group, button = f"users-{start}", f"add-users-{start}"
        hidden = [
            {"type": "ActionSet", "id": button, "actions": [{
                "type": "Action.ToggleVisibility", "title": f"利用者の欄を追加（{start}〜{end}人目）",
                "targetElements": [{"elementId": group, "isVisible": True},
                                   {"elementId": button, "isVisible": False}],
            }]},
            {"type": "Container", "id": group, "isVisible": False,
             "items": [*(_row(i, values, errors) for i in range(start, end + 1)), *hidden]},
        ]
    return [*(_row(i, values, errors) for i in range(1, shown + 1)), *hidden]


def application_form(
    values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None, rows: int = ROWS,
) -> dict[str, Any]:
    values, errors = values or {}, errors or {}
    body: list[Element] = [
        text("【様式1】 ChatGPT アカウント及び利用申請書", weight="Bolder", size="Large"),
        text("DX推進課長 宛", isSubtle=True),
        text("説明会に参加した所属が、利用者を記入して申請します（ガイドライン 7-1(1)(2)）。"
             "人事異動などで利用者が変わったときも、改めて申請してください。"),
        *error_summary(errors),
        # Short fields side by side, two to a line, to keep the form short in Teams.
        *(_pair(HEADER_FIELDS[i:i + 2], values, errors) for i in (0, 2)),
        *form_inputs(HEADER_FIELDS[4:], values, errors),
        text("利用者情報", weight="Bolder", separator=True, spacing="Medium"),
        text(f"mアカウントはメールアドレスの @ より前の部分です。申請区分は新規・変更・削除から選びます。"
             f"1回の申請で{rows}人まで記入できます。", isSubtle=True, size="Small"),
        *_user_rows(values, errors, rows),
    ]
    body.extend(form_inputs((NOTE_FIELD,), values, errors))
    body.append(text("※利用可否はDX推進課からこのチャットでお知らせします。", isSubtle=True, size="Small"))
    return adaptive_card(body, [execute("申請する", "application.submit", {}, style="positive")])


def _when(value: str) -> str:
    return jst_datetime(datetime.fromisoformat(value)) if value else ""


def application_card(
    doc: Mapping[str, Any], view: View, user_ids: Iterable[str] = (), trained: Iterable[str] = (),
) -> dict[str, Any]:
    """A submitted 様式1 as DX推進課 (``admin``) or the applicant sees it now."""
    trained = set(trained)
    state = doc["state"]
    body: list[Element] = [
        text("【様式1】 ChatGPT アカウント及び利用申請書", weight="Bolder", size="Large"),
        fact_set([
            ("提出日", jst_date(date.fromisoformat(doc["submitted_on"]))), ("所属", doc["department"]),
            ("所属長", doc["manager"]), ("担当者", doc["person"]), ("連絡先", doc["contact"]),
            ("アカウント", doc["account"]), ("利用用途", doc["usage"]),
        ]),
        text("利用者情報", weight="Bolder"),
        fact_set([(f"{u['row']}. {u['maccount']}",
                   f"{u['name']}（{KIND_NAMES.get(u['kind'], u['kind'])}）"
                   + ("　研修受講済み" if u["user_id"] in trained else ""))
                  for u in doc["users"]]),
    ]
    if doc.get("note"):
        body.append(fact_set([("補足", doc["note"])]))
    status = STATE_LABELS.get(state, state)
    if state != PENDING:
        status = f"{status}（{doc['decided_by_name']}、{_when(doc['decided_at'])}）"
    body.append({"type": "Container", "style": _STATE_STYLES.get(state, "emphasis"), "items": [
        text("DX推進課使用欄", weight="Bolder"),
        text(f"状態: {status}", weight="Bolder"),
        *([fact_set([("連絡事項", doc["decision_note"])])] if doc.get("decision_note") else []),
    ]})
    actions: list[Element] = []
    data = {"id": doc["id"]}
    if view == "admin" and state == PENDING:
        body.extend(field_input(DECISION_FIELD))
        actions = [execute("承認する", "application.decide", {**data, "approve": True}, style="positive"),
                   execute("却下する", "application.decide", {**data, "approve": False}, style="destructive")]
    elif view == "admin" and state == APPROVED:
        pending = [u for u in doc["users"] if u["kind"] != "delete" and u["user_id"] not in trained]
        if pending:
            body.append(text("研修受講の記録（ガイドライン 7-1(3)）", weight="Bolder"))
            body.extend({"type": "Input.Toggle", "id": f"trained_{u['user_id']}", "title": f"{u['name']}（{u['maccount']}）",
                         "value": "false", "valueOn": "true", "valueOff": "false"} for u in pending)
            actions = [execute("研修受講を記録する", "application.training", data)]
    elif view == "applicant" and state == PENDING:
        body.append(text("DX推進課の確認をお待ちください。", isSubtle=True))
    elif view == "applicant" and state == APPROVED:
        body.append(text("承認されました。利用者は研修を受講してください。受講が記録され、所属長の利用許可があれば "
                         "ChatGPT を使えます。"))
    ids = [u for u in user_ids if u][:60]
    refresh = refresh_for("application.refresh", data, ids) if ids else None
    return adaptive_card(body, actions, refresh)


def _sample(state: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "sample", "state": state, "submitted_on": "2026-11-26", "department": "市民課", "manager": "佐藤 花子",
        "person": "山田 太郎", "contact": "内線 1234", "account": "shimin@example.com",
        "usage": "窓口案内文・お知らせ文の下書き、Excel 関数の作成補助",
        "users": [
            {"row": 1, "maccount": "yamada", "name": "山田 太郎", "kind": "new",
             "user_id": "33333333-3333-3333-3333-333333333333"},
            {"row": 2, "maccount": "tanaka", "name": "田中 次郎", "kind": "new",
             "user_id": "55555555-5555-5555-5555-555555555555"},
        ],
        "note": "", "decided_by_name": "", "decided_at": "", "decision_note": "",
    }
    if state != PENDING:
        doc.update(decided_by_name="ユーザー5", decided_at=datetime(2026, 11, 27, 1, 30, tzinfo=UTC).isoformat())
    doc.update(extra)
    return doc


_FORM_VALUES = {"submitted_on": "2026-11-26", "department": "市民課", "manager": "佐藤 花子", "person": "山田 太郎",
                "contact": "yamada@example.com"}
_IDS = ["29:user-yamada", "29:user-5"]

SAMPLES = {
    "application_form": lambda: application_form(_FORM_VALUES),
    "application_form_errors": lambda: application_form(
        {**_FORM_VALUES, "account": "shimin", "maccount_1": "suzuki", "kind_1": "new"},
        {"account": "アカウントは所属のメールアドレスを入力してください。", "usage": "利用用途を入力してください。",
         "maccount_1": "1行目の mアカウント「suzuki」は組織表にありません。DX推進課にお問い合わせください。"}),
    "application_admin_pending": lambda: application_card(_sample(PENDING), "admin", _IDS),
    "application_applicant_pending": lambda: application_card(_sample(PENDING), "applicant", _IDS),
    "application_admin_approved": lambda: application_card(
        _sample(APPROVED), "admin", _IDS, trained={"33333333-3333-3333-3333-333333333333"}),
    "application_applicant_approved": lambda: application_card(_sample(APPROVED), "applicant", _IDS),
    "application_rejected": lambda: application_card(
        _sample(REJECTED, decision_note="説明会への参加が確認できません。参加後に再申請してください。"), "applicant", _IDS),
}

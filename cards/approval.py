"""所属長 approval cards (4): the 利用許可 request form and the request as each viewer sees it.

One builder draws a request in any state for any viewer; ``refresh`` (user-specific views)
makes Teams ask the bot for the current card, so the approver sees 承認/却下 buttons while the
requester sees 待機中, and both see 承認済み or 却下 once decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from cards.common import Element, adaptive_card, execute, fact_set, jst_datetime, refresh_for, text
from cards.inputs import error_summary, field_input, form_inputs
from workflows.approvals import (
    APPROVED,
    COMMENT_FIELD,
    CONFIRM,
    EXPIRED,
    PENDING,
    REJECTED,
    purpose_label,
    request_fields,
    service_name,
)

View = Literal["approver", "requester"]

STATE_LABELS = {PENDING: "待機中", APPROVED: "承認済み", REJECTED: "却下", EXPIRED: "期限切れ", "cancelled": "取り消し"}
# The state shades its box; Teams' yellow and green text are hard to read on the light theme.
_STATE_STYLES = {PENDING: "warning", APPROVED: "good", REJECTED: "attention", EXPIRED: "attention"}


def _when(value: str) -> str:
    return jst_datetime(datetime.fromisoformat(value)) if value else ""


def request_form(
    service: str, requester: Mapping[str, str], values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None, reason: str = "",
) -> dict[str, Any]:
    """利用許可 request: 業務内容 and 利用目的 for ``service``, sent to the 所属長."""
    body: list[Element] = [
        text("生成AIの利用許可の申請", weight="Bolder", size="Large"),
        text(reason or f"{service_name(service)}を業務で使うには、所属長の許可が必要です（ガイドライン 4）。"
                       "業務内容と利用目的を入力して申請してください。"),
        fact_set([("申請者", requester.get("name", "")), ("所属", requester.get("department", "")),
                  ("所属長", requester.get("manager", "")), ("サービス", service_name(service))]),
        *error_summary(errors or {}),
        *form_inputs(request_fields(service), values, errors),
    ]
    actions = [execute("所属長に申請する", "permission.request", {"service": service}, style="positive")]
    return adaptive_card(body, actions)


def _status(doc: Mapping[str, Any]) -> list[Element]:
    state = doc["state"]
    label = STATE_LABELS.get(state, state)
    if state in (APPROVED, REJECTED) and doc.get("decided_by_name"):
        label = f"{label}（{doc['decided_by_name']}、{_when(doc['decided_at'])}）"
    elif state == EXPIRED:
        label = f"{label}（{_when(doc['expires_at'])} までに判断されませんでした）"
    elif state == PENDING:
        label = f"{label}（期限 {_when(doc['expires_at'])}）"
    items = [text(f"状態: {label}", weight="Bolder")]
    if doc.get("comment"):
        items.append(fact_set([("コメント", doc["comment"])]))
    return [{"type": "Container", "style": _STATE_STYLES.get(state, "emphasis"), "items": items}]


def _findings(findings: Iterable[Mapping[str, Any]]) -> list[Element]:
    rows = [(f"{f.get('label', '')}（{f.get('section', '')}）", f.get("reason", "")) for f in findings]
    return [text("確認が必要な理由", weight="Bolder"), fact_set(rows)] if rows else []


def request_card(doc: Mapping[str, Any], view: View, user_ids: Iterable[str] = ()) -> dict[str, Any]:
    """The request as ``view`` sees it now; ``user_ids`` are the Teams MRIs that refresh it."""
    confirm = doc["type"] == CONFIRM
    title = "送信前の所属長確認" if confirm else "生成AIの利用許可の申請"
    facts = [("申請者", f"{doc['requester_name']}（{doc['requester_department']}）"),
             ("サービス", service_name(doc["service"])), ("申請日時", _when(doc["created"])),
             ("承認者", doc["approver_name"])]
    if not confirm:
        facts[2:2] = [("業務内容", doc.get("work", "")), ("利用目的", purpose_label(doc["service"], doc.get("purpose", "")))]
    body: list[Element] = [text(title, weight="Bolder", size="Large")]
    pending = doc["state"] == PENDING
    if confirm:
        body.append(text("ガイドライン 5 に抵触する可能性があるため、送信前に所属長の確認が必要です（ガイドライン 4）。",
                         isSubtle=True))
    body.append(fact_set(facts))
    if confirm:
        body.extend(_findings(doc.get("findings", [])))
        if pending and view == "approver" and doc.get("text"):
            # Shown to the approver only while pending; the original is deleted once decided.
            body.append(text("送信しようとしたメッセージ", weight="Bolder"))
            body.append({"type": "Container", "style": "emphasis", "items": [text(doc["text"])]})
    body.extend(_status(doc))
    actions: list[Element] = []
    if pending and view == "approver":
        body.extend(field_input(COMMENT_FIELD))
        approve_label = "承認して送信する" if confirm else "承認する"
        actions = [execute(approve_label, "approval.approve", {"id": doc["id"]}, style="positive"),
                   execute("却下する", "approval.reject", {"id": doc["id"]}, style="destructive")]
    elif pending:
        body.append(text("所属長の判断をお待ちください。結果はこのチャットでお知らせします。", isSubtle=True))
    elif doc["state"] == APPROVED and not confirm and view == "requester":
        body.append(text("利用を開始できます。質問をそのまま入力してください。"))
    ids = [u for u in user_ids if u]
    refresh = refresh_for("approval.refresh", {"id": doc["id"]}, ids) if ids else None
    return adaptive_card(body, actions, refresh)


def _sample(state: str, type_: str = "permission", **extra: Any) -> dict[str, Any]:
    now = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
    doc: dict[str, Any] = {
        "id": "sample", "type": type_, "state": state, "service": "chatbot", "requester_name": "山田 太郎",
        "requester_department": "市民課", "approver_name": "佐藤 花子", "created": now.isoformat(),
        "expires_at": (now + timedelta(hours=72)).isoformat(), "work": "窓口で配る案内文の下書き作成",
        "purpose": "3", "decided_by_name": "", "decided_at": "", "comment": "",
    }
    if state in (APPROVED, REJECTED):
        doc.update(decided_by_name="佐藤 花子", decided_at=(now + timedelta(hours=2)).isoformat())
    if type_ == CONFIRM:
        doc.update(service="chatgpt", text="来週の説明会で配る資料の構成案を作ってください。対象は市民課の新任職員です。",
                   findings=[{"label": "職員情報", "section": "5", "reason": "職員の所属が含まれている可能性があります。"}])
    doc.update(extra)
    return doc


_REQUESTER = {"name": "田中 次郎", "department": "市民課", "manager": "佐藤 花子"}
_IDS = ["29:user-yamada", "29:user-sato"]

SAMPLES = {
    "approval_request_form": lambda: request_form("chatgpt", _REQUESTER),
    "approval_request_form_errors": lambda: request_form(
        "chatbot", _REQUESTER, {"work": "あ" * 3},
        {"purpose": "利用目的を選択してください。", "work": "業務内容を具体的に入力してください。"}),
    "approval_permission_approver_pending": lambda: request_card(_sample(PENDING), "approver", _IDS),
    "approval_permission_requester_pending": lambda: request_card(_sample(PENDING), "requester", _IDS),
    "approval_permission_approved": lambda: request_card(_sample(APPROVED), "requester", _IDS),
    "approval_permission_rejected": lambda: request_card(
        _sample(REJECTED, comment="業務内容をもう少し具体的に書いて再申請してください。"), "requester", _IDS),
    "approval_permission_expired": lambda: request_card(_sample(EXPIRED), "requester", _IDS),
    "approval_confirm_approver_pending": lambda: request_card(_sample(PENDING, CONFIRM), "approver", _IDS),
    "approval_confirm_requester_pending": lambda: request_card(_sample(PENDING, CONFIRM), "requester", _IDS),
    "approval_confirm_approved": lambda: request_card(_sample(APPROVED, CONFIRM, text=None), "approver", _IDS),
    "approval_confirm_rejected": lambda: request_card(
        _sample(REJECTED, CONFIRM, text=None, comment="職員の氏名を除いてから送ってください。"), "requester", _IDS),
    "approval_confirm_expired": lambda: request_card(_sample(EXPIRED, CONFIRM, text=None), "requester", _IDS),
}

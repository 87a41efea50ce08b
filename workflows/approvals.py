"""Requests a 所属長 decides (4): 利用許可 and 所属長確認 of a held message.

A request is an ``approvals`` document. It is decided once: the decision is a conditional
update (``expect`` state ``pending``), so a second click, a second approver or a concurrent
click on another instance finds the request decided and changes nothing. Only the designated
approver or a delegate DX推進課 set for them may decide.

A held message (``confirm``) keeps the ORIGINAL text, because on 承認 exactly that text is
sent to the service. It is kept only while the request is pending or being delivered and is
removed when the request is rejected, expired or delivered. It is never logged: log lines
and audit records carry the request id only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from org import Person
from storage.base import Append, Put, Store
from storage.snapshot import Reader
from workflows import permissions
from workflows.forms import SERVICE_NAMES, Field

KIND = "approvals"
DELEGATES = "delegates"

PERMISSION = "permission"  # 利用許可
CONFIRM = "confirm"  # 所属長確認 of a held message

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
EXPIRED = "expired"
CANCELLED = "cancelled"

# 活用方法: 2-1(2) for ChatGPT, 2-2(2) for the チャットボット.
PURPOSES: dict[str, tuple[tuple[str, str], ...]] = {
    "chatgpt": (
        ("1", "① 内部事務及び事務事業の企画立案等の工程における情報収集等"),
        ("2", "② 行政サービスの案内等をする際の補助的手段"),
        ("3", "③ 住民等にわかりやすい文章作成の補助的手段"),
        ("4", "④ 文章の校正や、表を作成する際の補助的手段"),
        ("5", "⑤ 業務の進め方の助言としての活用"),
        ("6", "⑥ Excel 関数等を作成する際の補助的手段"),
        ("7", "⑦ その他、事務的作業の確認、助言、補助等"),
    ),
    "chatbot": (
        ("1", "① 内部事務及び事務事業の企画立案等の工程における情報収集等"),
        ("2", "② 行政サービスの案内等をする際の補助的手段"),
        ("3", "③ 住民等にわかりやすい文章作成の補助的手段"),
        ("4", "④ 文章の校正や、表を作成する際の補助的手段"),
        ("5", "⑤ その他、事務的作業の確認、助言、補助等"),
    ),
}
PURPOSE_SECTIONS = {"chatgpt": "2-1(2)", "chatbot": "2-2(2)"}


def request_fields(service: str) -> tuple[Field, ...]:
    """The 利用許可 form for one service."""
    return (
        Field("work", "業務内容", kind="multiline", required=True, max_length=500,
              placeholder="生成AIを使う業務を具体的に（例: 窓口案内文の下書き作成）"),
        Field("purpose", "利用目的", kind="choice", required=True, choices=PURPOSES[service],
              hint=f"ガイドライン {PURPOSE_SECTIONS[service]} の活用方法から選んでください。"),
    )


COMMENT_FIELD = Field("comment", "コメント", kind="multiline", max_length=500,
                      placeholder="却下する場合は理由を入力してください")


class ApprovalError(Exception):
    """A decision that cannot be made; the message (Japanese) goes to the person who clicked."""


@dataclass(frozen=True)
class Decision:
    doc: dict[str, Any]
    changed: bool  # False: it was already decided (or expired) before this click


def _now() -> datetime:
    return datetime.now(UTC)


def service_name(service: str) -> str:
    return SERVICE_NAMES.get(service, service)


def purpose_label(service: str, code: str) -> str:
    return dict(PURPOSES.get(service, ())).get(code, code)


async def open_request(
    store: Store, *, type: str, requester: Person, approver: Person, service: str, expiry: timedelta,
    details: dict[str, Any], requester_mri: str = "",
) -> dict[str, Any]:
    now = _now()
    request_id = uuid.uuid4().hex
    doc = {
        "id": request_id, "type": type, "state": PENDING, "service": service,
        "requester_id": requester.aad_object_id, "requester_name": requester.name,
        "requester_department": requester.department, "requester_mri": requester_mri,
        "approver_id": approver.aad_object_id, "approver_name": approver.name,
        "created": now.isoformat(), "expires_at": (now + expiry).isoformat(),
        "decided_by": "", "decided_by_name": "", "decided_at": "", "comment": "", "delivered_at": "",
        **details,
    }
    await store.write(Put(KIND, request_id, doc),
                      Append("audit", {"event": f"approval.{type}.requested", "actor": requester.aad_object_id,
                                       "request_id": request_id, "service": service,
                                       "approver": approver.aad_object_id}))
    return doc


async def get(store: Store, request_id: str) -> dict[str, Any] | None:
    return await store.get(KIND, request_id) if request_id else None


async def pending_permission(store: Store, requester_id: str, service: str) -> dict[str, Any] | None:
    found = await store.find(KIND, where={"type": PERMISSION, "requester_id": requester_id, "service": service,
                                          "state": PENDING}, limit=1)
    return found[0] if found else None


async def remember_card(store: Store, request_id: str, who: str, activity_id: str | None) -> None:
    """Keep the id of a card sent about the request, so it can be replaced when decided."""
    if activity_id:
        await store.update(KIND, request_id, {f"{who}_activity_id": activity_id})


async def delegates_of(store: Reader, approver_id: str) -> list[str]:
    doc = await store.get(DELEGATES, approver_id)
    return list(doc.get("delegates", [])) if doc else []


async def set_delegates(store: Store, approver_id: str, delegate_ids: list[str], *, by: str) -> None:
    """DX推進課 names who may decide for a 所属長 (e.g. during an absence); [] clears."""
    if delegate_ids:
        await store.put(DELEGATES, approver_id, {"delegates": delegate_ids, "by": by})
    else:
        await store.delete(DELEGATES, approver_id)
    await store.append("audit", {"event": "approval.delegates", "actor": by, "approver": approver_id,
                                 "delegates": delegate_ids})


async def may_decide(store: Store, doc: dict[str, Any], actor_id: str) -> bool:
    actor_id = (actor_id or "").lower()
    if not actor_id:
        return False
    return actor_id == doc["approver_id"] or actor_id in await delegates_of(store, doc["approver_id"])


async def decide(
    store: Store, request_id: str, *, actor: Person | None, actor_id: str, approve: bool, comment: str,
) -> Decision:
    """Take the decision once; raises ApprovalError for a stranger or an unknown request."""
    doc = await get(store, request_id)
    if doc is None:
        raise ApprovalError("この申請は見つかりませんでした。")
    if not await may_decide(store, doc, actor_id):
        raise ApprovalError(
            f"この申請を判断できるのは {doc['approver_name']} さん（所属長）または代理に指定された方だけです。"
        )
    if doc["state"] != PENDING:
        return Decision(doc, False)
    if not approve and not comment.strip():
        raise ApprovalError("却下する場合は、理由をコメントに入力してください。")
    changes: dict[str, Any] = {
        "state": APPROVED if approve else REJECTED,
        "decided_by": actor_id.lower(), "decided_by_name": actor.name if actor else "",
        "decided_at": _now().isoformat(), "comment": comment.strip(),
    }
    if not approve:
        changes["text"] = None  # a rejected message is never sent: drop the original now
    updated = await store.update(KIND, request_id, changes, expect={"state": PENDING})
    if updated is None:  # someone else decided between our read and our write
        return Decision(await get(store, request_id) or doc, False)
    await store.append("audit", {"event": f"approval.{doc['type']}.{changes['state']}", "actor": actor_id.lower(),
                                 "request_id": request_id, "service": doc["service"]})
    if approve and doc["type"] == PERMISSION:
        await permissions.grant(
            store, doc["requester_id"], doc["service"], by=actor_id.lower(), by_name=changes["decided_by_name"],
            via=request_id, details={"work": doc.get("work", ""), "purpose": doc.get("purpose", "")},
        )
    return Decision(updated, True)


async def take_text(store: Store, request_id: str) -> str | None:
    """The held original, removed from storage in the same step (once, for delivery)."""
    doc = await get(store, request_id)
    if not doc or doc.get("state") != APPROVED or not doc.get("text"):
        return None
    updated = await store.update(KIND, request_id, {"text": None, "delivered_at": _now().isoformat()},
                                 expect={"state": APPROVED, "delivered_at": ""})
    return doc["text"] if updated is not None else None


async def cancel(store: Store, request_id: str) -> None:
    """Withdraw a pending request nobody can decide (the approver is unreachable)."""
    if await store.update(KIND, request_id, {"state": CANCELLED, "text": None, "decided_at": _now().isoformat()},
                          expect={"state": PENDING}):
        await store.append("audit", {"event": "approval.cancelled", "actor": "system", "request_id": request_id})


async def undelivered(store: Store) -> list[dict[str, Any]]:
    """Approved held messages whose delivery never started (e.g. the instance stopped)."""
    return await store.find(KIND, where={"type": CONFIRM, "state": APPROVED, "delivered_at": ""})


async def expire_due(store: Store, now: datetime | None = None) -> list[dict[str, Any]]:
    """Expire the pending requests whose time is up; returns those this call expired."""
    moment = now or _now()
    expired = []
    for doc in await store.find(KIND, where={"state": PENDING}):
        if datetime.fromisoformat(doc["expires_at"]) > moment:
            continue
        updated = await store.update(KIND, doc["id"], {"state": EXPIRED, "text": None,
                                                        "decided_at": moment.isoformat()},
                                     expect={"state": PENDING})
        if updated is not None:
            await store.append("audit", {"event": f"approval.{doc['type']}.expired", "actor": "system",
                                         "request_id": doc["id"], "service": doc["service"]})
            expired.append(updated)
    return expired

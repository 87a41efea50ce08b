"""ChatGPT アカウント及び利用申請 (様式1, 7-1(1)–(4)) and what must be true before ChatGPT opens.

ChatGPT opens for a person when, besides the 所属長's 利用許可 (4):
* their 所属 attended the 説明会 (7-1(1)), recorded by DX推進課;
* a 様式1 naming them was approved by DX推進課 (7-1(2)) for their current 所属, so a 人事異動
  needs a new application;
* they completed the 研修 (7-1(3)), recorded by DX推進課.
The チャットボット needs none of this (7-2(1)).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from org import Directory, Person
from storage.base import Store
from storage.snapshot import Reader
from workflows import permissions
from workflows.forms import CONTACT_REGEX, JST, Field, FormResult, validate

KIND = "applications"
ACCOUNTS = "chatgpt_accounts"  # key: aad id; the approved application that names the person
BRIEFINGS = "briefings"  # key: 所属
TRAININGS = "trainings"  # key: aad id

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"

ROWS = 15  # the 様式 has 15 lines for users
KINDS = (("new", "新規"), ("change", "変更"), ("delete", "削除"))
KIND_NAMES = dict(KINDS)

HEADER_FIELDS: tuple[Field, ...] = (
    Field("submitted_on", "提出日", kind="date", required=True, not_future=True),
    Field("department", "所属", required=True, max_length=50),
    Field("manager", "所属長", required=True, max_length=50),
    Field("person", "担当者", required=True, max_length=50),
    Field("contact", "連絡先", required=True, max_length=100, placeholder="内線番号またはメールアドレス",
          regex=CONTACT_REGEX, regex_error="連絡先は1行（100文字以内）で入力してください。"),
    Field("account", "アカウント", required=True, max_length=100, placeholder="所属のメールアドレス（7-1(4)）",
          regex=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", regex_error="アカウントは所属のメールアドレスを入力してください。"),
    Field("usage", "利用用途", kind="multiline", required=True, max_length=1000),
)
NOTE_FIELD = Field("note", "補足", kind="multiline", max_length=1000)


def row_fields(i: int) -> tuple[Field, ...]:
    return (
        Field(f"maccount_{i}", f"{i}. mアカウント", max_length=64),
        Field(f"name_{i}", f"{i}. 氏名", max_length=50),
        Field(f"kind_{i}", f"{i}. 申請区分", kind="choice", choices=KINDS),
    )


FIELDS: tuple[Field, ...] = (
    *HEADER_FIELDS, *(f for i in range(1, ROWS + 1) for f in row_fields(i)), NOTE_FIELD,
)
DECISION_FIELD = Field("decision_note", "DX推進課使用欄（連絡事項）", kind="multiline", max_length=500)


class ApplicationError(Exception):
    """A decision that cannot be made; the message (Japanese) goes to the person who clicked."""


@dataclass(frozen=True)
class Decision:
    doc: dict[str, Any]
    changed: bool


def _now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in Japan: 提出日 and 受講日 are calendar days of the city."""
    return _now().astimezone(JST).date()


def prefill(applicant: Person, manager: Person | None) -> dict[str, str]:
    """Values the form starts with: what the directory already knows."""
    return {
        "submitted_on": today().isoformat(), "department": applicant.department,
        "manager": manager.name if manager else "", "person": applicant.name, "contact": applicant.email,
    }


def check(directory: Directory, applicant: Person, raw: Mapping[str, Any]) -> tuple[FormResult, list[dict[str, Any]]]:
    """Validate a 様式1; the users are resolved against the org table (same 所属)."""
    result = validate(FIELDS, raw, today())
    users: list[dict[str, Any]] = []
    for i in range(1, ROWS + 1):
        account, name, kind = (result.values.get(f"{f}_{i}") for f in ("maccount", "name", "kind"))
        typed = [result.typed.get(f"{f}_{i}", "").strip() for f in ("maccount", "name", "kind")]
        if not any(typed):
            continue
        if not account:
            result.errors.setdefault(f"maccount_{i}", f"{i}行目の mアカウントを入力してください。")
            continue
        if not kind:
            result.errors.setdefault(f"kind_{i}", f"{i}行目の申請区分を選択してください。")
            continue
        person = directory.find(account)
        if person is None:
            result.errors[f"maccount_{i}"] = f"{i}行目の mアカウント「{account}」は組織表にありません。DX推進課にお問い合わせください。"
            continue
        if person.department != applicant.department:
            result.errors[f"maccount_{i}"] = (
                f"{i}行目の{person.name}さんは{person.department}の所属です。所属ごとに申請してください。"
            )
            continue
        if any(u["user_id"] == person.aad_object_id for u in users):
            result.errors[f"maccount_{i}"] = f"{i}行目の{person.name}さんは既に記入されています。"
            continue
        users.append({"row": i, "maccount": account, "name": name or person.name, "kind": kind,
                      "user_id": person.aad_object_id})
    if not users and not any(k.startswith("maccount_") for k in result.errors):
        result.errors["maccount_1"] = "利用者を1人以上記入してください。"
    return result, users


async def submit(
    store: Store, applicant: Person, result: FormResult, users: list[dict[str, Any]], *, applicant_mri: str = "",
) -> dict[str, Any]:
    application_id = uuid.uuid4().hex
    values = {k: v for k, v in result.values.items() if not k.startswith(("maccount_", "name_", "kind_"))}
    doc = {
        "id": application_id, "state": PENDING, **values, "submitted_on": values["submitted_on"].isoformat(),
        "users": users, "applicant_id": applicant.aad_object_id, "applicant_name": applicant.name,
        "applicant_mri": applicant_mri, "applicant_department": applicant.department,
        "decided_by": "", "decided_by_name": "", "decided_at": "", "decision_note": "",
    }
    await store.put(KIND, application_id, doc)
    await store.append("audit", {"event": "application.submitted", "actor": applicant.aad_object_id,
                                 "application_id": application_id, "users": len(users)})
    return doc


async def get(store: Store, application_id: str) -> dict[str, Any] | None:
    return await store.get(KIND, application_id) if application_id else None


async def decide(
    store: Store, application_id: str, *, actor: Person | None, approve: bool, note: str,
) -> Decision:
    """DX推進課 approves or rejects once; approval opens (or, for 削除, closes) ChatGPT per user."""
    if actor is None or not actor.is_dx_admin:
        raise ApplicationError("様式1の申請を判断できるのはDX推進課の担当者だけです。")
    doc = await get(store, application_id)
    if doc is None:
        raise ApplicationError("この申請は見つかりませんでした。")
    if doc["state"] != PENDING:
        return Decision(doc, False)
    if not approve and not note.strip():
        raise ApplicationError("却下する場合は、理由をDX推進課使用欄に入力してください。")
    changes = {
        "state": APPROVED if approve else REJECTED, "decided_by": actor.aad_object_id,
        "decided_by_name": actor.name, "decided_at": _now().isoformat(), "decision_note": note.strip(),
    }
    updated = await store.update(KIND, application_id, changes, expect={"state": PENDING})
    if updated is None:
        return Decision(await get(store, application_id) or doc, False)
    await store.append("audit", {"event": f"application.{changes['state']}", "actor": actor.aad_object_id,
                                 "application_id": application_id})
    if approve:
        for user in doc["users"]:
            if user["kind"] == "delete":
                await store.delete(ACCOUNTS, user["user_id"])
                await permissions.revoke(store, user["user_id"], "chatgpt", by=actor.aad_object_id,
                                         by_name=actor.name, via=application_id)
            else:
                await store.put(ACCOUNTS, user["user_id"], {
                    "application_id": application_id, "department": doc["department"], "account": doc["account"],
                })
    return Decision(updated, True)


async def record_briefing(store: Store, department: str, day: date, *, by: str) -> None:
    await store.put(BRIEFINGS, department, {"department": department, "attended_on": day.isoformat(), "by": by})
    await store.append("audit", {"event": "chatgpt.briefing", "actor": by, "department": department})


async def record_training(store: Store, user_id: str, day: date, *, by: str) -> None:
    await store.put(TRAININGS, user_id, {"completed_on": day.isoformat(), "by": by})
    await store.append("audit", {"event": "chatgpt.training", "actor": by, "user_id": user_id})


async def trained(store: Store, user_ids: list[str]) -> set[str]:
    return {u for u in user_ids if await store.get(TRAININGS, u)}


async def chatgpt_missing(store: Reader, person: Person) -> list[str]:
    """What is still missing before ChatGPT opens for the person (empty: nothing)."""
    briefing, account, training = await store.get_many(  # one round trip on every ChatGPT message
        [(BRIEFINGS, person.department), (ACCOUNTS, person.aad_object_id), (TRAININGS, person.aad_object_id)])
    missing = []
    if not briefing:
        missing.append("所属の説明会への参加（7-1(1)）")
    if not account or account.get("department") != person.department:
        missing.append("様式1 ChatGPT アカウント及び利用申請のDX推進課による承認（7-1(2)）")
    if not training:
        missing.append("研修の受講（7-1(3)）")
    return missing

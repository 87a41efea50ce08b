"""Usage cases (様式2 for ChatGPT, 7-1(5); 様式4 for the チャットボット, 7-2(2)), without Teams.

Staff submit a case; DX推進課 reviews it and publishes it, or sends it back with a note so the
submitter can correct and resubmit it. Published cases are what ``/cases`` shows everyone:
the 周知 of 7-1(5) and 7-2(2).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from org import Directory, Person
from storage.base import Doc, Store
from workflows.forms import (
    JST,
    REVIEW_FIELDS,
    USECASE_FIELDS,
    USECASE_FORMS,
    FormResult,
    Refused,
    validate,
)
from workflows.receipts import next_number

USECASES = "usecases"
AUDIT = "audit"

PENDING, PUBLISHED, RETURNED = "審査中", "公開", "差戻し"


@dataclass
class Submission:
    form: FormResult
    case: Doc | None = None
    reviewers: tuple[Person, ...] = ()


def service_of(value: str) -> str:
    if value not in USECASE_FIELDS:
        raise Refused("サービスは ChatGPT（様式2）か生成AI総合案内チャットボット（様式4）を選んでください。")
    return value


async def get(store: Store, case_id: Any) -> Doc:
    case = await store.get(USECASES, case_id) if isinstance(case_id, str) and case_id else None
    if case is None:
        raise Refused("この活用事例は見つかりませんでした。")
    return case


async def _dx_admin(org: Directory, actor_id: str) -> Person:
    actor = await org.person(actor_id)
    if actor is None or not actor.is_dx_admin:
        raise Refused("活用事例を審査できるのはDX推進課だけです。")
    return actor


async def _change(store: Store, case: Doc, changes: Doc) -> Doc:
    version = case["version"]
    updated = await store.update(USECASES, case["id"], {**changes, "version": version + 1}, expect={"version": version})
    if updated is None:
        raise Refused("ほかの方が先にこの活用事例を更新しました。最新の内容を確認してからもう一度操作してください。")
    return updated


async def editable(store: Store, case_id: Any, actor_id: str) -> Doc:
    """A case its submitter may correct: their own, sent back by DX推進課."""
    case = await get(store, case_id)
    if case["submitter_id"] != actor_id:
        raise Refused("この活用事例を修正できるのは提出した方だけです。")
    if case["status"] != RETURNED:
        raise Refused("この活用事例は差し戻されていないため修正できません。")
    return case


async def submit(
    store: Store,
    org: Directory,
    actor_id: str,
    service: str,
    raw: Mapping[str, Any],
    *,
    now: datetime,
    case_id: str | None = None,
) -> Submission:
    """A new case, or (``case_id``) the corrected version of one that was sent back."""
    service = service_of(service)
    submitter = await org.person(actor_id)
    if submitter is None:
        raise Refused("組織表に登録がないため提出を受け付けられません。DX推進課へ連絡してください。")
    previous = await editable(store, case_id, actor_id) if case_id else None
    if previous is not None and previous["service"] != service:
        raise Refused("差し戻された活用事例とサービスが異なります。")
    form = validate(USECASE_FIELDS[service], raw, now.astimezone(JST).date())
    if not form.ok:
        return Submission(form)
    answers = dict(form.values)
    reviewers = tuple(p for p in await org.dx_admins() if p.aad_object_id != actor_id)
    if previous is not None:
        case = await _change(store, previous, {
            "answers": answers, "status": PENDING, "submitted_at": now.isoformat(), "review_note": "",
        })
        await store.append(AUDIT, {"event": "usecase.resubmitted", "actor": actor_id, "case": case["id"]})
        return Submission(form, case, reviewers)
    number = await next_number(store, "U", now)
    case: Doc = {
        "id": number,
        "service": service,
        "form": USECASE_FORMS[service],
        "status": PENDING,
        "submitter_id": submitter.aad_object_id,
        "submitter_name": submitter.name,
        "answers": answers,
        "submitted_at": now.isoformat(),
        "published_at": None,
        "reviewed_by": None,
        "review_note": "",
        "version": 1,
    }
    await store.put(USECASES, number, case)
    await store.append(AUDIT, {"event": "usecase.submitted", "actor": actor_id, "case": number})
    return Submission(form, case, reviewers)


async def publish(store: Store, org: Directory, case_id: Any, actor_id: str, now: datetime) -> Doc:
    actor = await _dx_admin(org, actor_id)
    case = await get(store, case_id)
    if case["status"] != PENDING:
        raise Refused(f"この活用事例は「{case['status']}」のため公開できません。")
    updated = await _change(store, case, {
        "status": PUBLISHED, "published_at": now.isoformat(), "reviewed_by": actor.name, "review_note": "",
    })
    await store.append(AUDIT, {"event": "usecase.published", "actor": actor_id, "case": case["id"]})
    return updated


async def send_back(
    store: Store, org: Directory, case_id: Any, actor_id: str, raw: Mapping[str, Any], now: datetime
) -> tuple[Doc | None, FormResult]:
    """Return a pending case, or withdraw a published one, with a note to the submitter."""
    actor = await _dx_admin(org, actor_id)
    case = await get(store, case_id)
    form = validate(REVIEW_FIELDS, raw, now.astimezone(JST).date())
    if not form.ok:
        return None, form
    if case["status"] == RETURNED:
        raise Refused("この活用事例はすでに差し戻されています。")
    updated = await _change(store, case, {
        "status": RETURNED, "published_at": None, "reviewed_by": actor.name,
        "review_note": form.values["review_note"] or "",
    })
    await store.append(AUDIT, {"event": "usecase.returned", "actor": actor_id, "case": case["id"]})
    return updated, form


def _fold(value: str) -> str:
    # Full-width and half-width forms, upper and lower case all match each other.
    return unicodedata.normalize("NFKC", value).casefold()


def matches(case: Doc, keywords: list[str], department: str) -> bool:
    answers = case["answers"]
    if department and _fold(department) not in _fold(str(answers.get("department") or "")):
        return False
    haystack = _fold(" ".join(str(v) for v in answers.values() if v is not None))
    return all(_fold(word) in haystack for word in keywords)


async def search(store: Store, keyword: str = "", department: str = "") -> list[Doc]:
    """Published cases matching every keyword and the 所属, newest publication first."""
    keywords = [w for w in _fold(keyword).split() if w]
    found = [c for c in await store.find(USECASES, where={"status": PUBLISHED}) if matches(c, keywords, department)]
    return sorted(found, key=lambda c: c["published_at"] or "", reverse=True)

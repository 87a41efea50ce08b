"""Incident and risk-case reports (様式3; 2章6-6, 7-1(6), 7-2(3)), without Teams.

A report is one ``reports`` document keyed by its receipt number. Submitting it names who must
hear of it at once: the reporter's 所属長 (who owns the report and confirms or completes it),
the security chain of 6-6 (副市長, 総務部長 and the 部長 of the reporter's 部, or every 部長
when the city wants that) and DX推進課, to whom 様式3 is addressed. DX推進課 moves the report
through 受付 → 対応中 → 完了.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from org import CISO, DIVISION_HEAD, DX_ADMIN, MANAGER, SECURITY_HEAD, Directory, Person
from storage.base import Doc, Store
from workflows.forms import (
    JST,
    REPORT_DETAIL_FIELDS,
    REPORT_FIELDS,
    REPORT_STATUSES,
    STATUS_FIELDS,
    FormResult,
    Refused,
    validate,
)
from workflows.receipts import next_number

REPORTS = "reports"
AUDIT = "audit"
EXCHANGES = "exchanges"

# The order in which a notified person's reasons are named.
RECIPIENT_ROLES = (MANAGER, CISO, SECURITY_HEAD, DIVISION_HEAD, DX_ADMIN)


@dataclass(frozen=True)
class Recipient:
    person: Person
    roles: tuple[str, ...]  # why they are told, in RECIPIENT_ROLES order


# 第4章: whom to phone when the bot cannot take a report.
DX_PHONE = "047-366-7399"


@dataclass
class Submission:
    """The outcome of a submit: a stored report and who to tell, or the form's errors (or a notice)."""

    form: FormResult
    report: Doc | None = None
    recipients: list[Recipient] = field(default_factory=list)
    notice: str = ""


async def reporter_of(org: Directory, aad_object_id: str) -> Person:
    person = await org.person(aad_object_id)
    if person is None:
        raise Refused("組織表に登録がないため報告を受け付けられません。DX推進課へ連絡してください。")
    return person


async def recipients(org: Directory, reporter: Person, *, all_division_heads: bool) -> list[Recipient]:
    """Everyone to notify, each once, the reporter excluded (they get the receipt)."""
    reasons: dict[str, set[str]] = {}
    people: dict[str, Person] = {}

    def add(person: Person | None, role: str) -> None:
        if person is None or person.aad_object_id == reporter.aad_object_id:
            return
        people.setdefault(person.aad_object_id, person)
        reasons.setdefault(person.aad_object_id, set()).add(role)

    add(await org.manager_of(reporter.aad_object_id), MANAGER)
    chain = await org.security_chain(reporter.division)
    if all_division_heads:
        chain += await org.division_heads()
    for person in chain:
        for role in (CISO, SECURITY_HEAD):
            if person.has_role(role):
                add(person, role)
        # A 総務部長 is also 部長 of 総務部: that is a reason only for 総務部's own reports.
        if person.has_role(DIVISION_HEAD) and (all_division_heads or person.division == reporter.division):
            add(person, DIVISION_HEAD)
    for person in await org.dx_admins():
        add(person, DX_ADMIN)
    return [
        Recipient(people[key], tuple(r for r in RECIPIENT_ROLES if r in reasons[key])) for key in people
    ]


async def find_exchange(store: Store, exchange_id: str, user_id: str) -> Doc | None:
    """The reporter's own exchange with that id (someone else's answer cannot be attached)."""
    found = await store.records(EXCHANGES, where={"id": exchange_id, "user_id": user_id}, limit=1)
    return found[0] if found else None


def _occurred_at(form: FormResult, now: datetime) -> datetime | None:
    day, moment = form.values.get("occurred_date"), form.values.get("occurred_time")
    if day is None or moment is None:
        return None
    occurred = datetime.combine(day, moment, tzinfo=JST)
    if occurred > now.astimezone(JST):
        form.errors["occurred_time"] = "発生日時に未来の日時は入力できません。"
        return None
    return occurred.astimezone(UTC)


async def submit(
    store: Store,
    org: Directory,
    reporter_id: str,
    raw: Mapping[str, Any],
    *,
    exchange_id: str | None,
    now: datetime,
    all_division_heads: bool,
    max_per_hour: int = 0,
) -> Submission:
    """Validate and store a report; ``max_per_hour`` (0: no limit) caps one person's reports,
    since each one reaches the 副市長 at once."""
    reporter = await reporter_of(org, reporter_id)
    form = validate(REPORT_FIELDS, raw, now.astimezone(JST).date())
    occurred = _occurred_at(form, now)
    exchange = await find_exchange(store, exchange_id, reporter.aad_object_id) if exchange_id else None
    if exchange_id and exchange is None:
        raise Refused("報告する回答が見つかりませんでした。回答の「この回答を報告」からやり直してください。")
    if not form.ok or occurred is None:
        return Submission(form)
    if max_per_hour and await store.hit(f"reports:{reporter.aad_object_id}", 3600) > max_per_hour:
        return Submission(form, notice=(
            f"1時間に送信できる報告は{max_per_hour}件までです。至急の場合はDX推進課（{DX_PHONE}）へ電話で連絡してください。"
            "入力した内容はそのまま残っています。"
        ))
    told = await recipients(org, reporter, all_division_heads=all_division_heads)
    manager = next((r.person for r in told if MANAGER in r.roles), None)
    number = await next_number(store, "R", now)
    report: Doc = {
        "id": number,
        "status": REPORT_STATUSES[0],
        "category": form.values["category"],
        "service": form.values["service"],
        "exchange_id": exchange_id,
        "reporter_id": reporter.aad_object_id,
        "reporter_name": reporter.name,
        "division": reporter.division,
        "manager_id": manager.aad_object_id if manager else "",
        "header": {k: form.values[k] for k in ("department", "manager", "reporter", "contact")},
        "occurred_at": occurred.isoformat(),
        "background": form.values["background"],
        **{f.id: form.values[f.id] for f in REPORT_DETAIL_FIELDS},
        "submitted_at": now.isoformat(),
        "notified": [{"id": r.person.aad_object_id, "name": r.person.name, "roles": list(r.roles)} for r in told],
        "unreachable": [],
        "confirmed_by": None,
        "confirmed_at": None,
        "history": [{"status": REPORT_STATUSES[0], "by": reporter.name, "at": now.isoformat(), "note": ""}],
        "version": 1,
    }
    await store.put(REPORTS, number, report)
    await store.append(AUDIT, {"event": "report.submitted", "actor": reporter.aad_object_id, "report": number})
    return Submission(form, report, told)


async def record_unreachable(store: Store, number: str, people: list[str]) -> Doc | None:
    """Note who could not be notified, so DX推進課 can reach them another way."""
    if not people:
        return await store.get(REPORTS, number)
    return await store.update(REPORTS, number, {"unreachable": people})


async def get(store: Store, number: str) -> Doc:
    report = await store.get(REPORTS, number) if isinstance(number, str) and number else None
    if report is None:
        raise Refused("この報告は見つかりませんでした。")
    return report


async def _change(store: Store, report: Doc, changes: Doc) -> Doc:
    """Apply ``changes`` unless someone changed the report since it was read (no lost updates)."""
    version = report["version"]
    updated = await store.update(
        REPORTS, report["id"], {**changes, "version": version + 1}, expect={"version": version}
    )
    if updated is None:
        raise Refused("ほかの方が先にこの報告を更新しました。最新の内容を確認してからもう一度操作してください。")
    return updated


async def confirm(
    store: Store, number: str, actor_id: str, raw: Mapping[str, Any], now: datetime
) -> tuple[Doc | None, FormResult]:
    """The 所属長 confirms the report, completing 原因, 今後の対応と見通し and 備考 (7-1(6))."""
    report = await get(store, number)
    if not report["manager_id"] or report["manager_id"] != actor_id:
        raise Refused("この報告を確認できるのは報告者の所属長だけです。")
    form = validate(REPORT_DETAIL_FIELDS, raw, now.astimezone(JST).date())
    if not form.ok:
        return None, form
    changes = {f.id: form.values[f.id] for f in REPORT_DETAIL_FIELDS}
    updated = await _change(
        store, report, {**changes, "confirmed_by": actor_id, "confirmed_at": now.isoformat()}
    )
    await store.append(AUDIT, {"event": "report.confirmed", "actor": actor_id, "report": number})
    return updated, form


async def set_status(
    store: Store, org: Directory, number: str, actor_id: str, raw: Mapping[str, Any], now: datetime
) -> tuple[Doc | None, FormResult]:
    """DX推進課 sets 受付, 対応中 or 完了; a concurrent change by a colleague is not overwritten."""
    actor = await org.person(actor_id)
    if actor is None or not actor.is_dx_admin:
        raise Refused("報告の状態を変更できるのはDX推進課だけです。")
    report = await get(store, number)
    form = validate(STATUS_FIELDS, raw, now.astimezone(JST).date())
    if not form.ok:
        return None, form
    status = form.values["status"]
    entry = {"status": status, "by": actor.name, "at": now.isoformat(), "note": form.values["status_note"] or ""}
    updated = await _change(store, report, {"status": status, "history": [*report["history"], entry]})
    await store.append(AUDIT, {"event": "report.status", "actor": actor_id, "report": number, "status": status})
    return updated, form

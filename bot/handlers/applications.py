"""様式1 ChatGPT アカウント及び利用申請 in Teams (7-1(1)–(3)): ``/apply`` and its decision by
DX推進課, and DX推進課's records of 説明会 (``/briefing``) and 研修 (``/training`` or the card).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.handlers.approvals import NOT_IN_TABLE
from bot.router import ActionError, ActionHandler, CommandHandler
from bot.services import Services
from bot.turn import Turn
from cards.application import View, application_card, application_form
from org import Person
from workflows import applications
from workflows.applications import APPROVED, ApplicationError

_LIST_SPLIT = re.compile(r"[\s,、，]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


async def _viewers(services: Services, doc: dict[str, Any]) -> list[str]:
    """Teams ids of the applicant and of DX推進課, for card refresh."""
    ids = [doc.get("applicant_mri", "")]
    for admin in await services.org.dx_admins():
        ref = await services.store.get("conversation_refs", admin.aad_object_id)
        user_id = (ref or {}).get("user_id") or ""
        if user_id != admin.aad_object_id:
            ids.append(user_id)
    return list(dict.fromkeys(i for i in ids if i))


async def _card(services: Services, doc: dict[str, Any], view: View) -> dict[str, Any]:
    trained = await applications.trained(services.store, [u["user_id"] for u in doc["users"]])
    return application_card(doc, view, await _viewers(services, doc), trained)


async def _admin(turn: Turn) -> Person | None:
    actor = await turn.services.org.person(turn.actor.aad_object_id)
    return actor if actor is not None and actor.is_dx_admin else None


async def apply(turn: Turn, args: str) -> None:
    """``/apply``: the 様式1 form, filled with what the directory knows."""
    person = await turn.services.org.person(turn.actor.aad_object_id)
    if person is None:
        await turn.send_text(NOT_IN_TABLE)
        return
    manager = await turn.services.org.manager_of(person.aad_object_id)
    await turn.send_card(application_form(applications.prefill(person, manager)))


async def submit(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """``application.submit``: validate, keep, and send to every DX推進課 administrator."""
    services = turn.services
    person = await services.org.person(turn.actor.aad_object_id)
    if person is None:
        raise ActionError(NOT_IN_TABLE)
    result, users = applications.check(services.org, person, data)
    if not result.ok:
        return application_form(result.typed, result.errors)
    doc = await applications.submit(services.store, person, result, users, applicant_mri=turn.actor.channel_user_id)
    sent: dict[str, str] = {}
    for admin in await services.org.dx_admins():
        activity_id = await services.notifier.send_to_user(admin.aad_object_id, card=await _card(services, doc, "admin"))
        if activity_id:
            sent[admin.aad_object_id] = activity_id
    changes = {"admin_activity_ids": sent, "applicant_activity_id": turn.context.activity.reply_to_id or ""}
    doc = await services.store.update(applications.KIND, doc["id"], changes) or doc
    return await _card(services, doc, "applicant")


async def decide(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """``application.decide``: DX推進課 approves or rejects, once."""
    services = turn.services
    actor = await services.org.person(turn.actor.aad_object_id)
    try:
        decision = await applications.decide(
            services.store, str(data.get("id") or ""), actor=actor, approve=data.get("approve") is True,
            note=str(data.get("decision_note") or "")[:500],
        )
    except ApplicationError as refused:
        raise ActionError(str(refused)) from refused
    doc = decision.doc
    if decision.changed:
        await _tell(services, doc, exclude=turn.actor.aad_object_id)
        result = "承認されました。利用者は研修を受講してください。" if doc["state"] == APPROVED \
            else f"却下されました。理由: {doc['decision_note']}"
        await services.notifier.send_to_user(
            doc["applicant_id"], text=f"様式1 ChatGPT アカウント及び利用申請（{doc['department']}）は{result}")
    return await _card(services, doc, "admin")


async def _tell(services: Services, doc: dict[str, Any], exclude: str = "") -> None:
    """Bring the other administrators' and the applicant's cards up to date."""
    for admin_id, activity_id in (doc.get("admin_activity_ids") or {}).items():
        if admin_id != exclude:
            await services.notifier.update(admin_id, activity_id, await _card(services, doc, "admin"))
    if doc.get("applicant_activity_id"):
        await services.notifier.update(doc["applicant_id"], doc["applicant_activity_id"],
                                       await _card(services, doc, "applicant"))


async def refresh(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    services = turn.services
    doc = await applications.get(services.store, str(data.get("id") or ""))
    if doc is None:
        raise ActionError("この申請は見つかりませんでした。")
    if await _admin(turn):
        return await _card(services, doc, "admin")
    if turn.actor.aad_object_id.lower() == doc["applicant_id"]:
        return await _card(services, doc, "applicant")
    raise ActionError("この申請を表示できるのは、申請した方とDX推進課だけです。")


async def training_from_card(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """``application.training``: record 研修受講 for the users ticked on an approved 様式1."""
    services = turn.services
    actor = await _admin(turn)
    if actor is None:
        raise ActionError("研修受講の記録はDX推進課だけが行えます。")
    doc = await applications.get(services.store, str(data.get("id") or ""))
    if doc is None or doc["state"] != APPROVED:
        raise ActionError("承認済みの申請でだけ研修受講を記録できます。")
    ticked = [u["user_id"] for u in doc["users"] if str(data.get(f"trained_{u['user_id']}")).lower() == "true"]
    if not ticked:
        raise ActionError("研修を受講した方にチェックを入れてください。")
    for user_id in ticked:
        await applications.record_training(services.store, user_id, applications.today(), by=actor.aad_object_id)
    await _tell(services, doc, exclude=actor.aad_object_id)
    return await _card(services, doc, "admin")


def _day(words: list[str]) -> tuple[date, list[str]]:
    days = [w for w in words if _DATE.fullmatch(w)]
    rest = [w for w in words if not _DATE.fullmatch(w)]
    return (date.fromisoformat(days[-1]) if days else applications.today()), rest


async def briefing(turn: Turn, args: str) -> None:
    """``/briefing <所属> … [YYYY-MM-DD]``: the 所属 attended the 説明会 (7-1(1)); a pasted list works."""
    actor = await _admin(turn)
    if actor is None:
        await turn.send_text("説明会の参加記録はDX推進課だけが行えます。")
        return
    try:
        day, departments = _day([w for w in _LIST_SPLIT.split(args) if w])
    except ValueError:
        await turn.send_text("日付は 2026-11-26 の形で入力してください。")
        return
    if not departments:
        await turn.send_text("使い方: /briefing <所属名> [所属名 …] [参加日 YYYY-MM-DD]")
        return
    known = await turn.services.org.departments()
    unknown = [d for d in departments if d not in known]
    if unknown:
        await turn.send_text(f"組織表にない所属があります（記録していません）: {'、'.join(unknown)}")
        return
    for department in departments:
        await applications.record_briefing(turn.services.store, department, day, by=actor.aad_object_id)
    await turn.send_text(f"説明会の参加を記録しました（{day.isoformat()}）: {'、'.join(departments)}")


async def training(turn: Turn, args: str) -> None:
    """``/training <mアカウント> … [YYYY-MM-DD]``: 研修受講 (7-1(3)); a pasted list works."""
    actor = await _admin(turn)
    if actor is None:
        await turn.send_text("研修受講の記録はDX推進課だけが行えます。")
        return
    try:
        day, accounts = _day([w for w in _LIST_SPLIT.split(args) if w])
    except ValueError:
        await turn.send_text("日付は 2026-11-26 の形で入力してください。")
        return
    if not accounts:
        await turn.send_text("使い方: /training <mアカウント> [mアカウント …] [受講日 YYYY-MM-DD]")
        return
    people = {a: turn.services.org.find(a) for a in accounts}
    unknown = [a for a, p in people.items() if p is None]
    if unknown:
        await turn.send_text(f"組織表にない mアカウントがあります（記録していません）: {'、'.join(unknown)}")
        return
    for person in people.values():
        assert person is not None
        await applications.record_training(turn.services.store, person.aad_object_id, day, by=actor.aad_object_id)
    names = "、".join(p.name for p in people.values() if p)
    await turn.send_text(f"研修の受講を記録しました（{day.isoformat()}）: {names}")


COMMANDS: dict[str, CommandHandler] = {"apply": apply, "briefing": briefing, "training": training}
ACTIONS: dict[str, ActionHandler] = {
    "application.submit": submit,
    "application.decide": decide,
    "application.refresh": refresh,
    "application.training": training_from_card,
}

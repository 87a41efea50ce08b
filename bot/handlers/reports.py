"""``/report``, ``/usecase``, ``/cases`` and ``/export``: the 様式 forms and who hears of them.

Thin: the rules are in ``workflows.reports``, ``workflows.usecases`` and ``workflows.exports``;
this module turns card inputs into their calls, sends the notifications (proactive, at once,
all in parallel) and answers with the card that replaces the clicked one.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from bot.router import ActionError, ActionHandler, ActionResult, CommandHandler
from bot.turn import Turn
from cards import export as export_cards
from cards import report as report_cards
from cards import usecase as usecase_cards
from workflows import exports, reports, usecases
from workflows.forms import CASES_SEARCH_FIELDS, JST, USECASE_FIELDS, Refused, as_typed, header_from, validate

log = logging.getLogger(__name__)

Action = Callable[[Turn, dict[str, Any]], Awaitable[ActionResult]]


def _now() -> datetime:
    return datetime.now(UTC)


def refusals(action: Action) -> Action:
    """A workflow's refusal becomes the error card the clicker sees; nothing changes."""
    @wraps(action)
    async def run(turn: Turn, data: dict[str, Any]) -> ActionResult:
        try:
            return await action(turn, data)
        except Refused as refused:
            raise ActionError(str(refused)) from refused
    return run


async def _notify(turn: Turn, deliveries: Iterable[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """Send each (aad id, name, card) at once; returns the names that could not be reached."""
    targets = list(deliveries)
    results = await asyncio.gather(
        *(turn.services.notifier.send_to_user(aad, card=card) for aad, _, card in targets), return_exceptions=True
    )
    unreachable = []
    for (_, name, _), result in zip(targets, results, strict=True):
        if isinstance(result, BaseException) or result is None:
            log.warning("notification not delivered: %s", type(result).__name__ if result else "no conversation")
            unreachable.append(name)
    return unreachable


def _roles_of(report: Mapping[str, Any], aad_id: str) -> list[str]:
    return next((n["roles"] for n in report["notified"] if n["id"] == aad_id), [])


async def _send_private(turn: Turn, card: dict[str, Any], command: str) -> None:
    """Forms carry names and contacts: in a group chat or channel they go to the person's 1:1 chat."""
    if turn.is_personal:
        await turn.send_card(card)
        return
    unreachable = await _notify(turn, [(turn.actor.aad_object_id, turn.actor.name, card)])
    sent = not unreachable
    await turn.send_text(
        "入力内容がほかの方に見えないよう、フォームを個人チャットにお送りしました。" if sent
        else f"入力内容がほかの方に見えないよう、ボットとの個人チャットで「/{command}」と入力してください。"
    )


async def _header(turn: Turn) -> dict[str, str]:
    org = turn.services.org
    return header_from(await org.person(turn.actor.aad_object_id), await org.manager_of(turn.actor.aad_object_id))


# --- /report -------------------------------------------------------------------------------------

async def report(turn: Turn, args: str) -> None:
    org = turn.services.org
    if args.strip() in ("一覧", "list"):
        person = await org.person(turn.actor.aad_object_id)
        if person is None or not person.is_dx_admin:
            await turn.send_text("報告の一覧を見られるのはDX推進課だけです。報告するときは「/report」とだけ入力してください。")
            return
        found = await turn.services.store.find(reports.REPORTS, where={"status": ["受付", "対応中"]})
        card = report_cards.list_card(sorted(found, key=lambda r: r["submitted_at"], reverse=True))
        await _send_private(turn, card, "report 一覧")
        return
    if await org.person(turn.actor.aad_object_id) is None:
        await turn.send_text("組織表に登録がないため報告を受け付けられません。DX推進課へ連絡してください。")
        return
    await _send_private(turn, report_cards.form_card(await _header(turn)), "report")


@refusals
async def open_report(turn: Turn, data: dict[str, Any]) -> ActionResult:
    """「この回答を報告」: the form, with the answer attached and its service chosen."""
    exchange = await reports.find_exchange(turn.services.store, str(data.get("exchange_id") or ""),
                                           turn.actor.aad_object_id)
    if exchange is None:
        raise Refused("報告する回答が見つかりませんでした。ご自身の回答だけを報告できます。")
    await reports.reporter_of(turn.services.org, turn.actor.aad_object_id)
    typed = {**await _header(turn), "service": str(exchange.get("service") or "")}
    return report_cards.form_card(typed, exchange=exchange)


@refusals
async def submit_report(turn: Turn, data: dict[str, Any]) -> ActionResult:
    services = turn.services
    exchange_id = str(data.get("exchange_id") or "") or None
    done = await reports.submit(
        services.store, services.org, turn.actor.aad_object_id, data, exchange_id=exchange_id, now=_now(),
        all_division_heads=services.settings.flag("REPORT_NOTIFY_ALL_DIVISION_HEADS"),
        max_per_hour=services.settings.int("REPORT_MAX_PER_HOUR"),
    )
    if done.report is None:
        exchange = await reports.find_exchange(services.store, exchange_id, turn.actor.aad_object_id) \
            if exchange_id else None
        return report_cards.form_card(done.form.typed, done.form.errors, exchange, done.notice)
    report_doc = done.report
    unreachable = await _notify(turn, (
        (r.person.aad_object_id, r.person.name, report_cards.notification_card(report_doc, r.roles))
        for r in done.recipients
    ))
    report_doc = await reports.record_unreachable(services.store, report_doc["id"], unreachable) or report_doc
    return report_cards.receipt_card(report_doc)


async def cancel_report(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return "報告を取りやめました。入力した内容は送信していません。"


@refusals
async def confirm_report(turn: Turn, data: dict[str, Any]) -> ActionResult:
    store, actor = turn.services.store, turn.actor.aad_object_id
    updated, form = await reports.confirm(store, str(data.get("report_id") or ""), actor, data, _now())
    if updated is None:
        current = await reports.get(store, str(data["report_id"]))
        return report_cards.notification_card(current, _roles_of(current, actor), form.errors, typed=form.typed)
    await _notify(turn, [(updated["reporter_id"], updated["reporter_name"],
                          report_cards.update_notice_card(updated, "confirmed"))])
    return report_cards.notification_card(updated, _roles_of(updated, actor))


@refusals
async def set_report_status(turn: Turn, data: dict[str, Any]) -> ActionResult:
    services, actor = turn.services, turn.actor.aad_object_id
    number = str(data.get("report_id") or "")
    updated, form = await reports.set_status(services.store, services.org, number, actor, data, _now())
    if updated is None:
        current = await reports.get(services.store, number)
        return report_cards.notification_card(current, ["dx_admin"], form.errors)
    await _notify(turn, [(updated["reporter_id"], updated["reporter_name"],
                          report_cards.update_notice_card(updated, "status"))])
    return report_cards.status_card(updated)


async def _concerned(turn: Turn, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The report and how the clicker may see it (dx, notified, reporter); others are refused."""
    services, actor = turn.services, turn.actor.aad_object_id
    report_doc = await reports.get(services.store, str(data.get("report_id") or ""))
    person = await services.org.person(actor)
    if person is not None and person.is_dx_admin:
        return report_doc, "dx"
    if _roles_of(report_doc, actor):
        return report_doc, "notified"
    if report_doc["reporter_id"] == actor:
        return report_doc, "reporter"
    raise Refused("この報告を見ることはできません。")


@refusals
async def view_report(turn: Turn, data: dict[str, Any]) -> ActionResult:
    report_doc, view = await _concerned(turn, data)
    if view == "dx":
        return report_cards.status_card(report_doc)
    if view == "notified":
        return report_cards.notification_card(report_doc, _roles_of(report_doc, turn.actor.aad_object_id))
    return report_cards.receipt_card(report_doc)


@refusals
async def view_exchange(turn: Turn, data: dict[str, Any]) -> ActionResult:
    report_doc, _ = await _concerned(turn, data)
    exchange = await reports.find_exchange(turn.services.store, report_doc["exchange_id"], report_doc["reporter_id"]) \
        if report_doc.get("exchange_id") else None
    return report_cards.exchange_card(report_doc, exchange)


# --- /usecase and /cases -------------------------------------------------------------------------

_SERVICE_WORDS = {"chatgpt": "chatgpt", "様式2": "chatgpt", "chatbot": "chatbot", "様式4": "chatbot",
                  "チャットボット": "chatbot"}


async def usecase(turn: Turn, args: str) -> None:
    service = _SERVICE_WORDS.get(args.strip().lower())
    if service is None:
        await _send_private(turn, usecase_cards.choose_card(), "usecase")
        return
    await _send_private(turn, usecase_cards.form_card(service, await _usecase_defaults(turn, service)), "usecase")


async def _usecase_defaults(turn: Turn, service: str) -> dict[str, str]:
    header = await _header(turn)
    if service == "chatgpt":
        return header
    return {"department": header.get("department", ""), "person": header.get("reporter", "")}


@refusals
async def open_usecase(turn: Turn, data: dict[str, Any]) -> ActionResult:
    service = usecases.service_of(str(data.get("service") or ""))
    return usecase_cards.form_card(service, await _usecase_defaults(turn, service))


@refusals
async def submit_usecase(turn: Turn, data: dict[str, Any]) -> ActionResult:
    services = turn.services
    service = str(data.get("service") or "")
    case_id = str(data.get("case_id") or "") or None
    done = await usecases.submit(services.store, services.org, turn.actor.aad_object_id, service, data,
                                 now=_now(), case_id=case_id)
    if done.case is None:
        return usecase_cards.form_card(service, done.form.typed, done.form.errors, case_id=case_id)
    await _notify(turn, ((p.aad_object_id, p.name, usecase_cards.review_card(done.case)) for p in done.reviewers))
    return usecase_cards.receipt_card(done.case)


async def cancel_usecase(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return "報告を取りやめました。入力した内容は送信していません。"


@refusals
async def edit_usecase(turn: Turn, data: dict[str, Any]) -> ActionResult:
    case = await usecases.editable(turn.services.store, data.get("case_id"), turn.actor.aad_object_id)
    typed = as_typed(USECASE_FIELDS[case["service"]], case["answers"])
    return usecase_cards.form_card(case["service"], typed, case_id=case["id"], review_note=case["review_note"])


@refusals
async def publish_usecase(turn: Turn, data: dict[str, Any]) -> ActionResult:
    services = turn.services
    case = await usecases.publish(services.store, services.org, data.get("case_id"), turn.actor.aad_object_id, _now())
    await _notify(turn, [(case["submitter_id"], case["submitter_name"], usecase_cards.decision_notice_card(case))])
    return usecase_cards.review_card(case)


@refusals
async def return_usecase(turn: Turn, data: dict[str, Any]) -> ActionResult:
    services = turn.services
    case, form = await usecases.send_back(
        services.store, services.org, data.get("case_id"), turn.actor.aad_object_id, data, _now()
    )
    if case is None:
        current = await usecases.get(services.store, data.get("case_id"))
        return usecase_cards.review_card(current, form.errors)
    await _notify(turn, [(case["submitter_id"], case["submitter_name"], usecase_cards.decision_notice_card(case))])
    return usecase_cards.review_card(case)


_DEPARTMENT = re.compile(r"所属[:：]\s*(\S+)")


async def cases(turn: Turn, args: str) -> None:
    """``/cases 議事録 所属:市民課``: published cases, newest first."""
    department = " ".join(_DEPARTMENT.findall(args))
    keyword = _DEPARTMENT.sub(" ", args).strip()
    await _send_cases(turn, {"keyword": keyword, "department": department}, reply=True)


async def _send_cases(turn: Turn, raw: Mapping[str, Any], *, reply: bool) -> dict[str, Any]:
    form = validate(CASES_SEARCH_FIELDS, raw, datetime.now(JST).date())
    found = [] if form.errors else await usecases.search(
        turn.services.store, form.values["keyword"] or "", form.values["department"] or ""
    )
    card = usecase_cards.cases_card(found, form.typed, form.errors)
    if reply:
        await turn.send_card(card)
    return card


async def search_cases(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _send_cases(turn, data, reply=False)


# --- /export -------------------------------------------------------------------------------------

async def export(turn: Turn, args: str) -> None:
    try:
        await exports.require_admin(turn.services.org, turn.actor.aad_object_id)
    except Refused as refused:
        await turn.send_text(str(refused))
        return
    today = datetime.now(JST).date()
    typed = {"kind": "reports", "format": "xlsx", "since": today.replace(day=1).isoformat(), "until": today.isoformat()}
    await _send_private(turn, export_cards.form_card(typed), "export")


@refusals
async def create_export(turn: Turn, data: dict[str, Any]) -> ActionResult:
    services, actor = turn.services, turn.actor.aad_object_id
    await exports.require_admin(services.org, actor)
    base_url = services.settings["ADMIN_PUBLIC_URL"].rstrip("/")
    if not base_url:
        raise Refused("ADMIN_PUBLIC_URL（このサーバーのアドレス）が設定されていないため、ダウンロード用のリンクを作れません。")
    now = _now()
    form = exports.check_request(data, now)
    if not form.ok:
        return export_cards.form_card(form.typed, form.errors)
    kind, fmt, since, until = (form.values[k] for k in ("kind", "format", "since", "until"))
    try:
        built = await exports.build(services.store, kind, fmt, since, until)
    except Refused as empty:
        return export_cards.form_card(form.typed, {"since": str(empty)})
    token, expires = await exports.offer(services.store, services.settings["DATA_DIR"], built.file, actor, now,
                                         services.settings.float("EXPORT_LINK_TTL_S"))
    return export_cards.ready_card(f"{base_url}/exports/{token}", built.file.filename, kind, fmt, built.count, expires)


COMMANDS: dict[str, CommandHandler] = {"report": report, "usecase": usecase, "cases": cases, "export": export}
ACTIONS: dict[str, ActionHandler] = {
    "report.open": open_report,
    "report.submit": submit_report,
    "report.cancel": cancel_report,
    "report.confirm": confirm_report,
    "report.status": set_report_status,
    "report.view": view_report,
    "report.exchange": view_exchange,
    "usecase.open": open_usecase,
    "usecase.submit": submit_usecase,
    "usecase.cancel": cancel_usecase,
    "usecase.edit": edit_usecase,
    "usecase.publish": publish_usecase,
    "usecase.return": return_usecase,
    "cases.search": search_cases,
    "export.create": create_export,
}

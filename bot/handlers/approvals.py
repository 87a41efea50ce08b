"""所属長 approvals in Teams (4): the permission gate, 利用許可 requests, 所属長確認 of held
messages, their decisions, expiry, and the admin commands ``permit``, ``revoke``, ``delegate``.

Cards are Universal Actions with ``refresh`` so the requester and the approver each see the
current state in their own 1:1 chat. Every decision checks the clicker's authenticated
``from.aadObjectId`` against the request's approver (or a delegate DX推進課 set) and is taken
once (``workflows.approvals.decide``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import ConversationReference

from bot.proactive import REFS
from bot.router import ActionError, ActionHandler, CommandHandler
from bot.services import Services
from bot.turn import Turn
from cards.approval import View, request_card, request_form
from cards.messages import info_card
from org import DX_ADMIN, SERVICES, Person
from policy.categories import categories
from policy.model import Screening, Verdict
from storage.snapshot import Reader, Snapshot
from workflows import applications, approvals, permissions
from workflows.approvals import APPROVED, CONFIRM, PERMISSION, ApprovalError, service_name
from workflows.forms import validate

log = logging.getLogger(__name__)

CONTACT = "総務部 DX推進課（047-366-7399）"
NOT_IN_TABLE = f"組織表にあなたの情報が登録されていないため、ご利用いただけません。{CONTACT}にお問い合わせください。"
NO_MANAGER = f"あなたの所属長が組織表に登録されていないため、申請を送れません。{CONTACT}にお問い合わせください。"
ALREADY_PENDING = "{service}の利用許可は、所属長（{approver} さん）の判断待ちです。結果はこのチャットでお知らせします。"
CHATGPT_MISSING = (
    "ChatGPT を使うには、次の手続きが必要です（ガイドライン 7-1）。\n\n{items}\n\n"
    "様式1の申請は「/apply」で行えます。説明会と研修の記録はDX推進課が行います。"
    "それまでは「生成AI総合案内チャットボット」をご利用ください。"
)
BLOCKED_AFTER_APPROVAL = (
    "承認されたメッセージは、現在のルールでは送信できない内容と判定されたため、送信しませんでした。"
    "内容を見直して入力し直してください。"
)
DELIVERY_FAILED = "承認されたメッセージの送信中にエラーが発生しました。お手数ですが、もう一度入力してください。"
REVOKED_REASON = "{service}の利用許可は取り消されています。引き続き使う場合は、改めて所属長に申請してください。"

UNREACHABLE = (
    "所属長（{approver} さん）に Teams で連絡できなかったため、申請を取り消しました。"
    f"所属長にこのアプリを追加してもらうか、{CONTACT}にお問い合わせください。"
)

LEASE = "approvals.sweep"
# Deliveries run after the invoke is answered; kept so they are not garbage-collected.
_background: set[asyncio.Task[None]] = set()


def _spawn(job: Awaitable[None]) -> None:
    task = asyncio.ensure_future(job)
    _background.add(task)
    task.add_done_callback(_background.discard)


def _expiry(services: Services) -> timedelta:
    return timedelta(hours=services.settings.float("APPROVAL_EXPIRY_HOURS"))


async def _mri(reader: Reader, aad_object_id: str) -> str:
    """The Teams user id (29:…) the bot knows for someone, for card ``refresh``."""
    doc = await reader.get(REFS, aad_object_id)
    user_id = (doc or {}).get("user_id") or ""
    return "" if user_id == aad_object_id else user_id


async def _viewers(reader: Reader, doc: dict[str, Any]) -> list[str]:
    ids = [doc.get("requester_mri") or await _mri(reader, doc["requester_id"]),
           doc.get("approver_mri") or await _mri(reader, doc["approver_id"])]
    return list(dict.fromkeys(i for i in ids if i))


async def _card(services: Services, doc: dict[str, Any], view: View, reads: Reader | None = None) -> dict[str, Any]:
    return request_card(doc, view, await _viewers(reads or services.store, doc))


async def _new_request_reads(services: Services, doc: dict[str, Any]) -> Snapshot:
    """What sending a new request reads, together: both people's conversations (the cards'
    ``refresh``, the approver's 1:1 chat) and the approver's delegates (3-4 round trips -> 1)."""
    return await Snapshot.read(services.store, [
        (REFS, doc["requester_id"]), (REFS, doc["approver_id"]), (approvals.DELEGATES, doc["approver_id"])])


# --- the gate (called by the chat path before a prompt is screened) -----------------------------

async def admit(turn: Turn, service: str, reads: Reader | None = None) -> Person | None:
    """The person, when they may use ``service`` now; otherwise they are told why (and get the
    利用許可 request card when that is what is missing) and None is returned. ``reads``: the
    documents the message read at its start (``chat.read_for_message``), else the store."""
    services = turn.services
    reader = reads or services.store
    person = await services.org.person(turn.actor.aad_object_id)
    if person is None:
        await turn.send_text(NOT_IN_TABLE)
        return None
    if service == "chatgpt":
        missing = await applications.chatgpt_missing(reader, person)
        if missing:
            await turn.send_text(CHATGPT_MISSING.format(items="\n".join(f"- {m}" for m in missing)))
            return None
    state = await permissions.permission(reader, person, service)
    if state.granted:
        return person
    await offer_request(turn, person, service, revoked=state.source == "bot")
    return None


async def offer_request(turn: Turn, person: Person, service: str, *, revoked: bool = False) -> None:
    services = turn.services
    pending = await approvals.pending_permission(services.store, person.aad_object_id, service)
    if pending:
        await turn.send_text(ALREADY_PENDING.format(service=service_name(service), approver=pending["approver_name"]))
        return
    manager = await services.org.manager_of(person.aad_object_id)
    if manager is None:
        await turn.send_text(NO_MANAGER)
        return
    reason = REVOKED_REASON.format(service=service_name(service)) if revoked else ""
    await turn.send_card(request_form(service, _requester(person, manager), reason=reason))


def _requester(person: Person, manager: Person | None) -> dict[str, str]:
    return {"name": person.name, "department": person.department, "manager": manager.name if manager else ""}


async def request_command(turn: Turn, args: str) -> None:
    """``/request [chatbot|chatgpt]``: the 利用許可 request form."""
    service = args.strip().lower() or turn.services.settings["DEFAULT_SERVICE"]
    if service not in SERVICES:
        await turn.send_text("サービスは chatbot（生成AI総合案内チャットボット）か chatgpt（ChatGPT）を指定してください。")
        return
    person = await turn.services.org.person(turn.actor.aad_object_id)
    if person is None:
        await turn.send_text(NOT_IN_TABLE)
        return
    if await permissions.is_permitted(turn.services.store, person, service):
        await turn.send_text(f"{service_name(service)}の利用は既に許可されています。")
        return
    await offer_request(turn, person, service)


async def submit_request(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """``permission.request``: validate the form and send it to the 所属長."""
    services = turn.services
    service = str(data.get("service") or "")
    if service not in SERVICES:
        raise ActionError("サービスが正しくありません。もう一度「/request」から申請してください。")
    person = await services.org.person(turn.actor.aad_object_id)
    if person is None:
        raise ActionError(NOT_IN_TABLE)
    manager = await services.org.manager_of(person.aad_object_id)
    if manager is None:
        raise ActionError(NO_MANAGER)
    form = validate(approvals.request_fields(service), data, applications.today())
    if not form.ok:
        return request_form(service, _requester(person, manager), form.typed, form.errors)
    if await permissions.is_permitted(services.store, person, service):
        return info_card(f"{service_name(service)}の利用は既に許可されています。")
    pending = await approvals.pending_permission(services.store, person.aad_object_id, service)
    if pending:
        return await _card(services, pending, "requester")
    doc = await approvals.open_request(
        services.store, type=PERMISSION, requester=person, approver=manager, service=service,
        expiry=_expiry(services), requester_mri=turn.actor.channel_user_id,
        details={"work": form.values["work"], "purpose": form.values["purpose"],
                 # Only a card in the personal chat can be updated later through the notifier.
                 "requester_activity_id": (turn.context.activity.reply_to_id or "") if turn.is_personal else ""},
    )
    reads = await _new_request_reads(services, doc)
    if not await _notify_approver(services, doc, reads):
        raise ActionError(UNREACHABLE.format(approver=manager.name))
    return await _card(services, doc, "requester", reads)


async def _notify_approver(services: Services, doc: dict[str, Any], reads: Reader) -> bool:
    """Send the request to the approver (and delegates). When Teams refuses to open the 1:1
    chat (e.g. the app is not installed for the approver), the request is cancelled: nobody
    could decide it, and a held message must not wait for nothing."""
    try:
        activity_id = await services.notifier.send_to_user(
            doc["approver_id"], card=await _card(services, doc, "approver", reads), reads=reads)
    except Exception:
        log.exception("request %s: sending to the approver failed", doc["id"])
        activity_id = None
    if activity_id is None:  # the adapter reports a refused new conversation as no activity
        log.warning("request %s: the approver could not be reached; cancelled", doc["id"])
        await approvals.cancel(services.store, doc["id"])
        return False
    await approvals.remember_card(services.store, doc["id"], "approver", activity_id)
    for delegate in await approvals.delegates_of(reads, doc["approver_id"]):
        await _tell(services.notifier.send_to_user(delegate, card=await _card(services, doc, "approver", reads)),
                    doc["id"])
    return True


# --- 所属長確認 (verdict confirm) --------------------------------------------------------------

def _findings(screening: Screening) -> list[dict[str, str]]:
    """Why the message is held: category, section and reason; never the matched text."""
    known = categories()
    return [{"label": known[f.category].display_name if f.category in known else f.category,
             "section": f.section, "reason": f.reason} for f in screening.findings]


async def hold_for_approval(turn: Turn, text: str, screening: Screening, service: str) -> None:
    """Keep a ``confirm`` message for the 所属長; nothing is sent to the service until 承認.

    The original text is stored with the request (it is what will be sent) and removed when
    the request is decided, delivered or expires; it is never logged.
    """
    services = turn.services
    person = await services.org.person(turn.actor.aad_object_id)
    if person is None:
        await turn.send_text(NOT_IN_TABLE)
        return
    manager = await services.org.manager_of(person.aad_object_id)
    if manager is None:
        await turn.send_text(NO_MANAGER)
        return
    doc = await approvals.open_request(
        services.store, type=CONFIRM, requester=person, approver=manager, service=service,
        expiry=_expiry(services), requester_mri=turn.actor.channel_user_id,
        details={"text": text, "findings": _findings(screening), "categories": list(screening.categories),
                 "scope": turn.scope},
    )
    reads = await _new_request_reads(services, doc)
    if not await _notify_approver(services, doc, reads):
        await turn.send_text(UNREACHABLE.format(approver=manager.name) + "メッセージは送信していません。")
        return
    activity_id = await turn.send_card(
        await _card(services, doc, "requester", reads),
        text=f"ガイドライン 5 に触れる可能性があるため、送信前に所属長（{manager.name} さん）に確認を依頼しました。",
    )
    if turn.is_personal:
        await approvals.remember_card(services.store, doc["id"], "requester", activity_id)


# --- decisions -------------------------------------------------------------------------------

async def _decide(turn: Turn, data: dict[str, Any], approve: bool) -> dict[str, Any]:
    services = turn.services
    actor_id = turn.actor.aad_object_id
    actor = await services.org.person(actor_id)
    request_id = str(data.get("id") or "")
    try:
        decision = await approvals.decide(
            services.store, request_id, actor=actor, actor_id=actor_id, approve=approve,
            comment=str(data.get("comment") or "")[: approvals.COMMENT_FIELD.max_length or 500],
        )
    except ApprovalError as refused:
        raise ActionError(str(refused)) from refused
    doc = decision.doc
    if actor_id.lower() == doc["approver_id"] and doc.get("approver_mri") != turn.actor.channel_user_id:
        # Now the approver's Teams id is known, their card refreshes too.
        doc = await services.store.update(approvals.KIND, doc["id"], {"approver_mri": turn.actor.channel_user_id}) or doc
    if decision.changed:
        await _after_decision(services, turn.context.adapter, doc)
    return await _card(services, doc, "approver")


async def _tell(call: Awaitable[Any], request_id: str) -> None:
    """A notification that may fail (bot blocked, Teams unreachable): the decision stands."""
    try:
        await call
    except Exception:
        log.exception("request %s: could not notify", request_id)


async def _after_decision(services: Services, adapter: Any, doc: dict[str, Any]) -> None:
    """Tell the requester, bring their card up to date and, for 承認 of a held message, send it."""
    if doc.get("requester_activity_id"):
        await _tell(services.notifier.update(
            doc["requester_id"], doc["requester_activity_id"], await _card(services, doc, "requester")), doc["id"])
    service = service_name(doc["service"])
    approved = doc["state"] == APPROVED
    if doc["type"] == PERMISSION:
        message = (f"{service}の利用が所属長に承認されました。質問をそのまま入力して利用を開始できます。" if approved
                   else f"{service}の利用許可の申請は却下されました。理由: {doc['comment']}")
    elif approved:
        message = f"所属長が送信を承認しました。{service}に送信して、回答をこのチャットでお届けします。"
    else:
        message = f"所属長が送信を却下したため、メッセージは{service}に送信していません。理由: {doc['comment']}"
    # Sent before the delivery starts: it also opens the personal chat the answer goes to.
    await _tell(services.notifier.send_to_user(doc["requester_id"], text=message), doc["id"])
    if doc["type"] == CONFIRM and approved:
        _spawn(_deliver(services, adapter, doc))


async def _deliver(services: Services, adapter: Any, doc: dict[str, Any]) -> None:
    """Send the approved original to the service and stream the answer into the requester's
    personal chat, through the chat path's own ``forward``."""
    # Imported here: the chat path imports this module for the gate and the hold.
    from bot.handlers import chat

    text = await approvals.take_text(services.store, doc["id"])
    if text is None:
        return  # already delivered (another instance or a second click)
    ref = await services.store.get(REFS, doc["requester_id"])
    if ref is None:
        log.error("approved request %s: no conversation with the requester", doc["id"])
        return
    screening = chat.screen(text)  # again: the rules may have changed since the hold
    if screening.verdict == Verdict.BLOCK:
        await services.notifier.send_to_user(doc["requester_id"], text=BLOCKED_AFTER_APPROVAL)
        return

    async def answer(context: TurnContext) -> None:
        await chat.forward(Turn(context, services), text, screening, service=doc["service"])

    try:
        await adapter.continue_conversation(ConversationReference().deserialize(ref["reference"]), answer,
                                            bot_app_id=services.settings["MicrosoftAppId"])
    except Exception:
        log.exception("delivery of approved request %s failed", doc["id"])
        await services.notifier.send_to_user(doc["requester_id"], text=DELIVERY_FAILED)


async def approve(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    return await _decide(turn, data, True)


async def reject(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    return await _decide(turn, data, False)


async def refresh(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """``approval.refresh``: the card as the viewer should see it now (no side effects)."""
    services = turn.services
    doc = await approvals.get(services.store, str(data.get("id") or ""))
    if doc is None:
        raise ActionError("この申請は見つかりませんでした。")
    actor_id = turn.actor.aad_object_id
    if await approvals.may_decide(services.store, doc, actor_id):
        return await _card(services, doc, "approver")
    if actor_id.lower() == doc["requester_id"]:
        return await _card(services, doc, "requester")
    raise ActionError("この申請を表示できるのは、申請者と承認者だけです。")


# --- expiry ----------------------------------------------------------------------------------

async def expire(services: Services) -> int:
    """Expire overdue requests once (whichever instance gets there first) and tell the requester."""
    expired = await approvals.expire_due(services.store)
    for doc in expired:
        try:
            if doc.get("approver_activity_id"):
                await services.notifier.update(doc["approver_id"], doc["approver_activity_id"],
                                               await _card(services, doc, "approver"))
            if doc.get("requester_activity_id"):
                await services.notifier.update(doc["requester_id"], doc["requester_activity_id"],
                                               await _card(services, doc, "requester"))
            what = "メッセージの送信確認" if doc["type"] == CONFIRM else f"{service_name(doc['service'])}の利用許可の申請"
            tail = "メッセージは送信していません。必要なら改めて入力してください。" if doc["type"] == CONFIRM \
                else "必要なら改めて申請してください。"
            await services.notifier.send_to_user(
                doc["requester_id"], text=f"{what}は、期限までに所属長が判断しなかったため期限切れになりました。{tail}")
        except Exception:
            log.exception("could not tell about expired request %s", doc["id"])
    return len(expired)


async def run_expiry(services: Services, adapter: Any, stop: asyncio.Event) -> None:
    """Background sweep, started by ``app.create_app``: expires overdue requests and delivers
    approved messages whose delivery never started. With several instances the lease lets one
    of them sweep at a time (and ``take_text`` makes a delivery happen once regardless)."""
    owner = uuid.uuid4().hex
    interval = services.settings.float("APPROVAL_SWEEP_SECONDS")
    while not stop.is_set():
        try:
            if await services.store.try_lease(LEASE, owner, interval * 2):
                await expire(services)
                for doc in await approvals.undelivered(services.store):
                    await _deliver(services, adapter, doc)
        except Exception:
            log.exception("approval sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
    # Hand the lease over at once (a zero-length renewal), so a restarted instance sweeps now.
    with contextlib.suppress(Exception):
        await services.store.try_lease(LEASE, owner, 0)


# --- admin commands --------------------------------------------------------------------------

async def _admin_or_manager(turn: Turn, target: Person) -> Person | None:
    """The acting person when they are DX推進課 or the target's 所属長."""
    actor = await turn.services.org.person(turn.actor.aad_object_id)
    if actor is None or actor.is_dx_admin:
        return actor
    manager = await turn.services.org.manager_of(target.aad_object_id)
    return actor if manager is not None and manager.aad_object_id == actor.aad_object_id else None


async def _permission_command(turn: Turn, args: str, grant: bool) -> None:
    name = "permit" if grant else "revoke"
    parts = args.split()
    if len(parts) != 2 or parts[1].lower() not in SERVICES:
        await turn.send_text(f"使い方: /{name} <mアカウントまたはメールアドレス> <chatbot|chatgpt>")
        return
    target = turn.services.org.find(parts[0])
    if target is None:
        await turn.send_text(f"「{parts[0]}」は組織表にありません。")
        return
    service = parts[1].lower()
    actor = await _admin_or_manager(turn, target)
    if actor is None:
        await turn.send_text("この操作ができるのは、DX推進課または対象者の所属長だけです。")
        return
    change = permissions.grant if grant else permissions.revoke
    await change(turn.services.store, target.aad_object_id, service, by=actor.aad_object_id, by_name=actor.name,
                 via="command")
    done = "許可しました" if grant else "取り消しました"
    await turn.send_text(f"{target.name} さんの{service_name(service)}の利用を{done}。")
    told = ("利用が許可されました。質問をそのまま入力して利用を開始できます。" if grant
            else "利用許可が取り消されました。")
    await turn.services.notifier.send_to_user(
        target.aad_object_id, text=f"{actor.name} さんにより、{service_name(service)}の{told}")


async def permit(turn: Turn, args: str) -> None:
    """``/permit <user> <service>``: grant 利用許可 (DX推進課, or the user's 所属長)."""
    await _permission_command(turn, args, True)


async def revoke(turn: Turn, args: str) -> None:
    """``/revoke <user> <service>``: revoke it."""
    await _permission_command(turn, args, False)


async def delegate(turn: Turn, args: str) -> None:
    """``/delegate <所属長> [代理 …]``: who may decide for a 所属長 (DX推進課 only); no 代理 clears."""
    services = turn.services
    actor = await services.org.person(turn.actor.aad_object_id)
    if actor is None or DX_ADMIN not in actor.roles:
        await turn.send_text("代理の指定はDX推進課だけが行えます。")
        return
    parts = args.split()
    if not parts:
        await turn.send_text("使い方: /delegate <所属長のmアカウント> [代理のmアカウント …]（代理を省くと解除）")
        return
    people = [services.org.find(p) for p in parts]
    unknown = [p for p, person in zip(parts, people, strict=True) if person is None]
    if unknown:
        await turn.send_text(f"組織表にありません: {'、'.join(unknown)}")
        return
    manager, *deputies = people
    assert manager is not None
    await approvals.set_delegates(services.store, manager.aad_object_id,
                                  [d.aad_object_id for d in deputies if d], by=actor.aad_object_id)
    if deputies:
        names = "、".join(d.name for d in deputies if d)
        await turn.send_text(f"{manager.name} さんの申請を {names} さんも判断できるようにしました。")
    else:
        await turn.send_text(f"{manager.name} さんの代理の指定を解除しました。")


COMMANDS: dict[str, CommandHandler] = {
    "request": request_command, "permit": permit, "revoke": revoke, "delegate": delegate,
}
ACTIONS: dict[str, ActionHandler] = {
    "permission.request": submit_request,
    "approval.approve": approve,
    "approval.reject": reject,
    "approval.refresh": refresh,
}

"""The chat path (issue 2): receive → screen → by verdict block / hold / forward and answer.

Commands ``/service`` and ``/reset``; card actions for the masked resend, try again and the
service choice. ``forward`` is the one way a prompt reaches a model; the approvals flow uses it
too, once a 所属長 has approved a held message.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from functools import partial
from typing import Any

from botbuilder.core import TurnContext

import policy
from bot.handlers import approvals
from bot.router import ActionError, ActionHandler, CommandHandler
from bot.streaming import AnswerStream
from bot.turn import Turn, open_stream
from cards import chat as cards
from cards.report import answer_report_card
from llm import SERVICES, Message, Provider, ProviderError
from llm.base import model_label
from policy.model import Screening, Verdict
from workflows import chat, notices
from workflows.answer import AnswerScreeningError, screen_answer, visible_prefix

log = logging.getLogger(__name__)

# Background answers started from card clicks (the click is answered at once); kept so they
# are not garbage-collected while running.
_BACKGROUND: set[asyncio.Task[None]] = set()


def _ms(since: float) -> int:
    return round((time.monotonic() - since) * 1000)


def screen(text: str) -> Screening:
    """``policy.screen``, failing closed on any error."""
    try:
        return policy.screen(text)
    except Exception as error:
        log.error("screening failed: %s", type(error).__name__)
        return Screening(Verdict.BLOCK, (), error=type(error).__name__)


def finding_views(screening: Screening) -> list[cards.FindingView]:
    table = policy.categories()
    views = [
        cards.FindingView(table[f.category].display_name if f.category in table else f.category,
                          f.masked, f.section, f.reason)
        for f in screening.findings if f.category not in table or table[f.category].verdict >= Verdict.CONFIRM
    ]
    if screening.error is not None and not views:
        views.append(cards.FindingView("確認エラー", "", "2章5-1", "内容を確認できなかったため、安全のため送信しません"))
    return views


async def _exchange(turn: Turn, text: str, screening: Screening, service: str, status: str) -> chat.Exchange:
    person = None
    if turn.actor.aad_object_id:
        try:
            person = await turn.services.org.person(turn.actor.aad_object_id)
        except Exception as error:  # the directory is informative here; the record is kept anyway
            log.warning("org lookup failed: %s", type(error).__name__)
    return chat.Exchange(
        user_id=turn.actor.aad_object_id, user_name=turn.actor.name, service=service,
        verdict=screening.verdict.label, status=status, scope=turn.scope, input_chars=len(text),
        input_masked=chat.masked_input(text, screening), categories=list(screening.categories),
        department=person.department if person else None, division=person.division if person else None,
    )


async def _progress(turn: Turn) -> AnswerStream:
    """The turn's answer stream, opened now (Teams' informative update, or typing outside personal
    chats) unless the turn opened it already; the turn's next message closes it (bot/turn.py)."""
    stream = open_stream(turn.context)
    if stream is None:
        interval = turn.services.settings.float("STREAM_INTERVAL_S")
        stream = AnswerStream(turn.context, personal=turn.is_personal, interval_s=interval)
        await stream.start(cards.INFORMATIVE)
    return stream


async def _service_of(turn: Turn) -> str:
    settings = turn.services.settings
    return await chat.chosen_service(turn.services.store, turn.actor.aad_object_id, settings["DEFAULT_SERVICE"])


# --- the message path --------------------------------------------------------------------------
async def on_prompt(turn: Turn) -> None:
    received = time.monotonic()
    text = turn.text
    limit = turn.services.settings.int("MAX_MESSAGE_CHARS")
    if len(text) > limit:
        await turn.send_text(cards.TOO_LONG.format(limit=limit))
        return
    # Progress first, before the permission, history and other storage reads (issue 9: the first
    # visible update); it tells nothing of the screening. The reply closes it, whatever it is.
    await _progress(turn)
    # 4, 7-1: only people in the org table with permission for their service get further.
    # The chosen service, its permission and its history are read once, together, and handed on.
    settings = turn.services.settings
    user_id = turn.actor.aad_object_id
    reads = await chat.read_for_message(turn.services.store, user_id)
    service = await chat.chosen_service(reads, user_id, settings["DEFAULT_SERVICE"])
    if await approvals.admit(turn, service, reads) is None:
        return
    started = time.monotonic()
    screening = screen(text)
    screen_ms = _ms(started)
    if screening.verdict == Verdict.BLOCK:
        await block(turn, text, screening, received, screen_ms, service)
    elif screening.verdict == Verdict.CONFIRM:
        exchange = await _exchange(turn, text, screening, service, "held")
        exchange.latency_ms = {"screen": screen_ms, "first_token": None, "total": _ms(received)}
        await approvals.hold_for_approval(turn, text, screening, service)  # 2章4: the 所属長 decides
        await chat.record(turn.services.store, exchange)
    else:
        await forward(turn, text, screening, received=received, screen_ms=screen_ms, service=service,
                      earlier=await chat.history(reads, user_id, service))


async def block(turn: Turn, text: str, screening: Screening, received: float, screen_ms: int, service: str) -> None:
    """5-1: nothing leaves; the card lists each finding and offers a masked resend when possible."""
    store = turn.services.store
    resend = None
    try:
        masked = policy.masked_resend(text, screening)
    except Exception as error:
        log.error("masked resend failed: %s", type(error).__name__)
        masked = None
    if masked:
        resend = (await chat.keep_prompt(store, turn.actor.aad_object_id, masked, "resend"), masked)
    await turn.send_card(cards.block_card(finding_views(screening), resend))
    exchange = await _exchange(turn, text, screening, service, "blocked")
    exchange.latency_ms = {"screen": screen_ms, "first_token": None, "total": _ms(received)}
    await chat.record(store, exchange)


async def forward(
    turn: Turn, text: str, screening: Screening, *, received: float | None = None, screen_ms: int | None = None,
    service: str | None = None, earlier: chat.History | None = None,
) -> None:
    """Send a screened prompt to the person's service and stream the answer into this conversation.

    ``earlier``: the conversation with ``service`` as read at the message's start, else read here.
    """
    received = received if received is not None else time.monotonic()
    stream = await _progress(turn)
    services = turn.services
    settings = services.settings
    store = services.store
    user_id = turn.actor.aad_object_id
    service = service if service in SERVICES else await _service_of(turn)
    provider: Provider = services.llm[service]
    exchange = await _exchange(turn, text, screening, service, "failed")
    exchange.provider, exchange.model = provider.provider_label, provider.model
    latency: dict[str, int | None] = {"screen": screen_ms, "first_token": None, "total": None}
    exchange.latency_ms = latency

    if not provider.configured:
        other = next(s for s in SERVICES if s != service)
        await turn.send_text(cards.NOT_CONFIGURED.format(
            service=cards.SERVICE_LABELS[service], setting=provider.key_setting, other=other))
        exchange.error = "not_configured"
        await chat.record(store, exchange)
        return

    budget = settings.int("HISTORY_CHAR_BUDGET")
    if earlier is None or earlier.service != service:
        earlier = await chat.history(store, user_id, service)
    messages = [*earlier.messages(budget), Message("user", text)]
    raw = ""
    model = provider.model
    try:
        async with aclosing(provider.stream(chat.SYSTEM_PROMPT, messages)) as chunks:
            async for chunk in chunks:
                if latency["first_token"] is None:
                    latency["first_token"] = _ms(received)
                raw += chunk.text
                model = chunk.model or model
                await stream.update(partial(visible_prefix, raw))
        if not raw.strip():
            raise ProviderError("unavailable", "empty answer")
    except ProviderError as error:
        log.warning("%s failed: %s", service, error)
        kept = None
        if error.kind != "rejected":
            kept = await chat.keep_prompt(store, user_id, text, "retry", service)
        await stream.finish(card=cards.retry_card(service, error.kind, kept))
        exchange.error = error.kind
        latency["total"] = _ms(received)
        await chat.record(store, exchange)
        return

    exchange.model = model
    try:
        answer = screen_answer(raw)
    except AnswerScreeningError:
        await stream.finish(cards.SCREENING_FAILED)
        exchange.error = "answer_screening"
        latency["total"] = _ms(received)
        await chat.record(store, exchange)
        return
    final = notices.answer_text(
        answer.text, provider=provider.provider_label, model=model_label(model),
        categories=screening.categories, flagged=answer.flagged,
    )
    await stream.finish(final, card=answer_report_card(exchange.id), ai_generated=True)
    latency["total"] = _ms(received)
    exchange.status = "answered"
    exchange.answer_masked = answer.text
    exchange.answer_flagged = answer.flagged
    await chat.record_answer(store, exchange, earlier, text, answer.text, budget)


def answer_later(turn: Turn, work: Callable[[Turn], Awaitable[None]]) -> None:
    """Run ``work`` in this conversation after the current turn (a card click is answered at once)."""
    services = turn.services
    reference = TurnContext.get_conversation_reference(turn.context.activity)
    adapter = turn.context.adapter

    async def run() -> None:
        async def callback(context: TurnContext) -> None:
            await work(Turn(context, services))

        try:
            await adapter.continue_conversation(reference, callback, bot_app_id=services.settings["MicrosoftAppId"])
        except Exception:
            log.exception("background answer failed")

    task = asyncio.create_task(run())
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


async def finish_background(timeout_s: float = 10.0) -> None:
    """On shutdown: let answers started from card clicks finish, for a bounded time."""
    if _BACKGROUND:
        _, pending = await asyncio.wait(set(_BACKGROUND), timeout=timeout_s)
        for task in pending:
            task.cancel()


async def _send_kept(turn: Turn, data: dict[str, Any], purpose: str, done: str) -> str | dict[str, Any]:
    kept = await chat.take_prompt(turn.services.store, str(data.get("prompt", "")), turn.actor.aad_object_id, purpose)
    if kept is None:
        raise ActionError(cards.PROMPT_GONE)
    text: str = kept["text"]
    screening = screen(text)  # again: the rules may have changed, and nothing unscreened leaves
    if screening.verdict >= Verdict.CONFIRM:
        return cards.block_card(finding_views(screening))

    async def work(later: Turn) -> None:
        await _progress(later)
        service = kept.get("service") or await _service_of(later)
        # Permission may have changed since the button was sent (4, 7-1).
        if await approvals.admit(later, service) is not None:
            await forward(later, text, screening, service=service)

    answer_later(turn, work)
    return done


async def resend_masked(turn: Turn, data: dict[str, Any]) -> str | dict[str, Any]:
    return await _send_kept(turn, data, "resend", cards.RESENT)


async def retry(turn: Turn, data: dict[str, Any]) -> str | dict[str, Any]:
    return await _send_kept(turn, data, "retry", cards.RETRIED)


# --- commands ----------------------------------------------------------------------------------
async def _switch(turn: Turn, name: str) -> str:
    service = unicodedata.normalize("NFKC", name).strip().lower()
    if service not in SERVICES:
        raise ActionError(cards.SERVICE_UNKNOWN.format(name=name))
    await chat.choose_service(turn.services.store, turn.actor.aad_object_id, service)
    reply = cards.SERVICE_CHANGED.format(service=cards.SERVICE_LABELS[service])
    provider = turn.services.llm[service]
    if not provider.configured:
        other = next(s for s in SERVICES if s != service)
        reply += cards.NOT_CONFIGURED.format(
            service=cards.SERVICE_LABELS[service], setting=provider.key_setting, other=other)
    return reply


async def service_command(turn: Turn, args: str) -> None:
    if not args.strip():
        current = await _service_of(turn)
        models = {s: turn.services.llm[s].model for s in SERVICES}
        await turn.send_card(cards.service_card(current, models))
        return
    try:
        await turn.send_text(await _switch(turn, args.split()[0]))
    except ActionError as refused:
        await turn.send_text(str(refused))


async def choose_service(turn: Turn, data: dict[str, Any]) -> str:
    return await _switch(turn, str(data.get("service", "")))


async def reset_command(turn: Turn, args: str) -> None:
    service = await _service_of(turn)
    label = cards.SERVICE_LABELS[service]
    had = await chat.reset(turn.services.store, turn.actor.aad_object_id, service)
    await turn.send_text((cards.RESET_DONE if had else cards.RESET_NOTHING).format(service=label))


COMMANDS: dict[str, CommandHandler] = {"service": service_command, "reset": reset_command}
ACTIONS: dict[str, ActionHandler] = {
    cards.RESEND: resend_masked,
    cards.RETRY: retry,
    cards.CHOOSE_SERVICE: choose_service,
}

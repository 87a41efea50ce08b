"""The chat exchange without Teams: chosen service, bounded history, kept prompts, records.

Kinds in storage: ``users`` (document per person: the chosen service), ``history``
(``<aad>:<service>``: the turns of the conversation), ``prompts`` (a prompt kept for a card
button: the masked text of a masked resend, or a forwarded prompt to try again; used once)
and ``exchanges`` (one record per message, see docs/architecture.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import policy
from llm import SERVICES, Message
from policy.masking import is_masked_out
from policy.model import Screening, Verdict
from storage.base import Append, Store, Update
from storage.snapshot import Reader, Snapshot
from workflows import permissions

USERS = "users"
HISTORY = "history"
PROMPTS = "prompts"
EXCHANGES = "exchanges"

# A button older than this no longer sends: the person has moved on, and the text should not linger.
PROMPT_TTL = timedelta(hours=24)

SYSTEM_PROMPT = (
    "あなたは松戸市職員の業務を補助するアシスタントです。日本語で、簡潔かつ丁寧に答えてください。"
    "確かでないことは推測で断定せず、確認が必要な点を示してください。"
    "実在する個人の氏名・住所・電話番号などの個人情報を作ったり推測したりしないでください。"
    "例示が必要なときは「〇〇様」のような伏せ字を使ってください。"
)


# --- what every message reads ------------------------------------------------------------------
async def read_for_message(store: Store, user_id: str) -> Snapshot:
    """The person's chosen service and, for each service (the choice is not known before), their
    permission and history: one round trip instead of three for every message (issue 9)."""
    keys = [(USERS, user_id)] if user_id else []
    for service in SERVICES if user_id else ():
        keys += [(permissions.KIND, permissions.key(user_id, service)), (HISTORY, _history_key(user_id, service))]
    return await Snapshot.read(store, keys)


# --- service choice --------------------------------------------------------------------------
async def chosen_service(store: Reader, user_id: str, default: str) -> str:
    doc = await store.get(USERS, user_id) if user_id else None
    service = (doc or {}).get("service")
    return service if service in SERVICES else default


async def choose_service(store: Store, user_id: str, service: str) -> None:
    if service not in SERVICES:
        raise ValueError(service)
    if await store.update(USERS, user_id, {"service": service}) is None:
        await store.put(USERS, user_id, {"service": service})


# --- history ---------------------------------------------------------------------------------
def _history_key(user_id: str, service: str) -> str:
    return f"{user_id}:{service}"


def _within_budget(turns: Sequence[dict[str, str]], budget: int) -> list[dict[str, str]]:
    """The newest whole exchanges (user + assistant) whose text fits in ``budget`` characters."""
    kept: list[dict[str, str]] = []
    used = 0
    for i in range(len(turns) - 2, -1, -2):
        pair = list(turns[i : i + 2])
        size = sum(len(t["content"]) for t in pair)
        if used + size > budget:
            break
        kept[:0] = pair
        used += size
    return kept


@dataclass(frozen=True)
class History:
    """One person's conversation with one service, as read before a prompt is sent."""

    user_id: str
    service: str
    turns: list[dict[str, str]]
    updated_at: str | None  # of the stored document; None when there was none

    def messages(self, budget: int) -> list[Message]:
        return [Message(t["role"], t["content"]) for t in _within_budget(self.turns, budget)]  # type: ignore[arg-type]


async def history(store: Reader, user_id: str, service: str) -> History:
    doc = await store.get(HISTORY, _history_key(user_id, service)) if user_id else None
    return History(user_id, service, (doc or {}).get("turns", []), (doc or {}).get("updated_at"))


async def record_answer(
    store: Store, exchange: Exchange, history: History, prompt: str, answer: str, budget: int
) -> None:
    """Record an answered exchange and add it to the history read before the prompt was sent;
    the stored history never grows beyond the budget.

    The record and the history written back go in one step (one round trip, issue 9) unless the
    history changed meanwhile (another answer of the same person, a /reset, another instance) or
    there was none: then the record is kept first and the history read again.
    """
    if not history.user_id:
        await record(store, exchange)
        return
    key = _history_key(history.user_id, history.service)
    new = [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]

    def doc(turns: list[dict[str, str]]) -> dict[str, Any]:
        return {"user_id": history.user_id, "service": history.service, "turns": _within_budget([*turns, *new], budget)}

    if history.updated_at is None:
        await record(store, exchange)
    else:
        written, _ = await store.write(
            Update(HISTORY, key, doc(history.turns), expect={"updated_at": history.updated_at}),
            Append(EXCHANGES, asdict(exchange)),
        )
        if written is not None:
            return
    current = await store.get(HISTORY, key)
    await store.put(HISTORY, key, doc((current or {}).get("turns", [])))


async def reset(store: Store, user_id: str, service: str) -> bool:
    """Forget the conversation with one service; True when there was one."""
    return await store.delete(HISTORY, _history_key(user_id, service))


# --- prompts kept for a button ----------------------------------------------------------------
async def keep_prompt(store: Store, user_id: str, text: str, purpose: str, service: str | None = None) -> str:
    """Keep a screened prompt for a card button; the card carries only the returned id."""
    prompt_id = uuid.uuid4().hex
    await store.put(PROMPTS, prompt_id, {"user_id": user_id, "text": text, "purpose": purpose, "service": service})
    return prompt_id


async def take_prompt(store: Store, prompt_id: str, user_id: str, purpose: str) -> dict[str, Any] | None:
    """The kept prompt, once, only for the person it belongs to, and only within ``PROMPT_TTL``."""
    if not isinstance(prompt_id, str) or not prompt_id:
        return None
    doc = await store.get(PROMPTS, prompt_id)
    if not doc or doc.get("user_id") != user_id or doc.get("purpose") != purpose:
        return None
    if not await store.delete(PROMPTS, prompt_id):
        return None  # taken meanwhile (a double click)
    created = doc.get("created_at")
    if isinstance(created, str) and datetime.fromisoformat(created) < datetime.now(UTC) - PROMPT_TTL:
        return None
    return doc


# --- records ---------------------------------------------------------------------------------
def masked_input(text: str, screening: Screening) -> str | None:
    """The prompt for the record, masked; None when masking cannot remove what it must not keep."""
    if screening.error is not None:
        return None
    table = policy.categories()
    if any(not is_masked_out(f) for f in screening.findings if table[f.category].verdict >= Verdict.CONFIRM):
        return None
    return policy.mask(text, screening.findings)


@dataclass
class Exchange:
    """One line of the ``exchanges`` record (docs/architecture.md)."""

    user_id: str
    user_name: str
    service: str
    verdict: str
    status: str  # answered | blocked | held | failed
    scope: str
    input_chars: int
    input_masked: str | None
    categories: list[str] = field(default_factory=list)
    department: str | None = None
    division: str | None = None
    provider: str | None = None
    model: str | None = None
    answer_masked: str | None = None
    answer_flagged: bool = False
    error: str | None = None
    latency_ms: dict[str, int | None] = field(default_factory=dict)
    # Known before the answer is sent, so the answer's 「この回答を報告」 button can name it.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


async def record(store: Store, exchange: Exchange) -> str:
    return await store.append(EXCHANGES, asdict(exchange))

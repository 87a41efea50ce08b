"""Monitoring test data: ``exchanges`` records written through the store, as the chat path writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storage.base import Store
from tests.support.teams import SATO, YAMADA, User

# The org table's DX推進課 member (data/org.csv).
ADMIN = User("user-5", "44444444-4444-4444-4444-444444444445", "ユーザー5")

# What a prohibited value looked like before masking; it must never reach a page or card.
RAW_MY_NUMBER = "123456789018"


def exchange(user: User, department: str, *, at: datetime, service: str = "chatbot", verdict: str = "allow",
             categories: tuple[str, ...] = (), input_masked: str = "議事録を要約してください。",
             answer_masked: str = "要約は次のとおりです。", answer_flagged: bool = False, input_chars: int | None = None,
             status: str = "answered") -> dict[str, Any]:
    return {
        "at": at.isoformat(),
        "user_id": user.aad_object_id,
        "user_name": user.name,
        "department": department,
        "division": "市民部",
        "service": service,
        "provider": "anthropic" if service == "chatbot" else "openai",
        "model": "claude-haiku-4-5" if service == "chatbot" else "gpt-4o-mini",
        "verdict": verdict,
        "categories": list(categories),
        "input_masked": input_masked,
        "input_chars": len(input_masked) if input_chars is None else input_chars,
        "answer_masked": answer_masked,
        "answer_flagged": answer_flagged,
        "status": status,
        "scope": "personal",
        "latency_ms": {"screen": 3, "first_token": 400, "total": 1200},
    }


async def seed(store: Store, now: datetime | None = None) -> dict[str, str]:
    """A small month of use; returns the ids of the notable exchanges by name."""
    now = now or datetime.now(UTC)
    ids: dict[str, str] = {}
    plain = [
        (YAMADA, "市民課", "chatbot", 0), (YAMADA, "市民課", "chatbot", 1), (SATO, "市民課", "chatgpt", 1),
        (YAMADA, "市民課", "chatbot", 8), (ADMIN, "DX推進課", "chatgpt", 9), (ADMIN, "DX推進課", "chatbot", 16),
    ]
    for n, (user, department, service, days) in enumerate(plain):
        ids[f"plain{n}"] = await store.append("exchanges", exchange(
            user, department, service=service, at=now - timedelta(days=days, minutes=n + 1)))
    ids["masked_answer"] = await store.append("exchanges", exchange(
        SATO, "市民課", at=now - timedelta(hours=2), answer_masked="［氏名］様の転入届は受理済みです。",
        answer_flagged=True))
    ids["long_paste"] = await store.append("exchanges", exchange(
        YAMADA, "市民課", at=now - timedelta(hours=3), input_masked="会議資料の本文です。" * 300))
    ids["confirmed"] = await store.append("exchanges", exchange(
        YAMADA, "市民課", at=now - timedelta(hours=4), verdict="confirm", categories=("possible_personal",),
        input_masked="［氏名］さんへの案内文を作ってください。"))
    blocked = exchange(YAMADA, "市民課", at=now - timedelta(hours=5), verdict="block", categories=("my_number",),
                       input_masked="個人番号［個人番号］の方の手続きを教えて", answer_masked="", status="blocked")
    # A record with a field it should not have: the admin views must still show only masked text.
    blocked["input"] = f"個人番号{RAW_MY_NUMBER}の方の手続きを教えて"
    ids["blocked"] = await store.append("exchanges", blocked)
    return ids

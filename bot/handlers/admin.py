"""``/admin`` for DX推進課 (3章1-1(1)–(3)): statistics with a chart, sample checks, flagged list, reviews.

Only people with role ``dx_admin`` in the org directory, and only in a personal chat (a group
would see the masked inputs too). Every use, allowed or not, is an ``audit`` record.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from admin import charts, links
from bot.router import ActionError, ActionHandler, CommandHandler
from bot.turn import Turn
from cards.admin import review_card, statistics_card
from org import Person
from workflows import monitoring
from workflows.monitoring import Reviewer, ReviewError

NOT_ADMIN = "「/admin」は DX推進課の管理者だけが使えます。必要な場合は DX推進課（047-366-7399）にお問い合わせください。"
NOT_PERSONAL = "「/admin」はボットとの個人チャットで使ってください（グループやチャネルでは使えません）。"
USAGE = "「/admin」で統計、「/admin sample 件数」でサンプルチェック、「/admin flagged」で要確認の一覧を表示します。"
FLAGGED_CARDS = 10
MAX_SAMPLE_CARDS = 20

_SAMPLE_WORDS = {"sample", "サンプル"}
_FLAGGED_WORDS = {"flagged", "要確認"}


async def _admin(turn: Turn, target: str) -> Person:
    """The DX推進課 member behind the turn; anyone else gets ActionError. Both are audited."""
    person = await turn.services.org.person(turn.actor.aad_object_id)
    is_admin = person is not None and person.is_dx_admin
    await monitoring.audit_access(turn.services.store, actor=turn.actor.aad_object_id, name=turn.actor.name,
                                  via="teams", target=target, allowed=is_admin and turn.is_personal)
    if person is None or not is_admin:
        raise ActionError(NOT_ADMIN)
    if not turn.is_personal:
        raise ActionError(NOT_PERSONAL)
    return person


def _range(turn: Turn) -> tuple[datetime, datetime]:
    return monitoring.period(turn.services.settings.int("ADMIN_WEEKS"), datetime.now(UTC))


async def _statistics(turn: Turn, person: Person) -> None:
    settings, store = turn.services.settings, turn.services.store
    since, until = _range(turn)
    stats = await monitoring.statistics(store, since=since, until=until)
    png = await asyncio.to_thread(charts.card_chart, stats)
    web_url = None
    if settings["ADMIN_PUBLIC_URL"]:
        code = await links.mint(store, person.aad_object_id, person.name)
        web_url = f"{settings['ADMIN_PUBLIC_URL'].rstrip('/')}/admin/once/{code}"
    await turn.send_card(statistics_card(stats, png, web_url))


async def _send_sample(turn: Turn, n: int) -> int:
    since, until = _range(turn)
    drawn = await monitoring.sample(turn.services.store, n, since=since, until=until)
    for exchange in drawn:
        await turn.send_card(review_card(exchange))
    return len(drawn)


async def _send_flagged(turn: Turn) -> int:
    since, until = _range(turn)
    found = await monitoring.flagged(
        turn.services.store, since=since, until=until,
        long_input_chars=turn.services.settings.int("ADMIN_LONG_INPUT_CHARS"), limit=FLAGGED_CARDS,
    )
    for item in found:
        await turn.send_card(review_card(item.exchange, item.reason_labels))
    return len(found)


def _sample_size(turn: Turn, words: list[str]) -> int | None:
    default = turn.services.settings.int("ADMIN_SAMPLE_SIZE")
    if len(words) < 2:
        return min(default, MAX_SAMPLE_CARDS)
    try:
        n = int(words[1])
    except ValueError:
        return None
    return n if 1 <= n <= MAX_SAMPLE_CARDS else None


async def admin(turn: Turn, args: str) -> None:
    words = args.split()
    sub = words[0].lower() if words else ""
    try:
        person = await _admin(turn, f"/admin {sub}".strip())
    except ActionError as refused:
        await turn.send_text(str(refused))
        return
    if not sub:
        await _statistics(turn, person)
    elif sub in _SAMPLE_WORDS:
        n = _sample_size(turn, words)
        if n is None:
            await turn.send_text(f"件数は 1〜{MAX_SAMPLE_CARDS} の数字で指定してください（例:「/admin sample 5」）。")
            return
        if not await _send_sample(turn, n):
            await turn.send_text("対象期間のやり取りはありません。")
    elif sub in _FLAGGED_WORDS:
        if not await _send_flagged(turn):
            await turn.send_text("要確認のやり取りはありません。")
    else:
        await turn.send_text(USAGE)


async def sample_action(turn: Turn, data: dict[str, Any]) -> str:
    await _admin(turn, "admin.sample")
    sent = await _send_sample(turn, min(turn.services.settings.int("ADMIN_SAMPLE_SIZE"), MAX_SAMPLE_CARDS))
    return f"{sent} 件を抽出しました。各カードで所見を記録してください。" if sent else "対象期間のやり取りはありません。"


async def flagged_action(turn: Turn, data: dict[str, Any]) -> str:
    await _admin(turn, "admin.flagged")
    sent = await _send_flagged(turn)
    return f"要確認のやり取り {sent} 件を表示しました。" if sent else "要確認のやり取りはありません。"


async def review_action(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    person = await _admin(turn, "admin.review")
    store = turn.services.store
    exchange_id = str(data.get("exchange_id") or "")
    try:
        done = await monitoring.record_review(store, exchange_id, data.get("findings"),
                                              Reviewer(person.aad_object_id, person.name), via="teams")
    except ReviewError as error:
        current = await monitoring.exchange(store, exchange_id)
        if current is None:
            raise ActionError(str(error)) from None
        return review_card(current, _reasons(turn, current, data), error=str(error))
    return review_card(done, _reasons(turn, done, data))


def _reasons(turn: Turn, exchange: monitoring.Exchange, data: dict[str, Any]) -> list[str]:
    """A card from the flagged list keeps saying why it was flagged after a review."""
    if not data.get("flagged"):
        return []
    reasons = monitoring.flag_reasons(exchange, turn.services.settings.int("ADMIN_LONG_INPUT_CHARS"))
    return [monitoring.FLAG_REASONS[r] for r in reasons]


COMMANDS: dict[str, CommandHandler] = {"admin": admin}
ACTIONS: dict[str, ActionHandler] = {
    "admin.sample": sample_action,
    "admin.flagged": flagged_action,
    "admin.review": review_action,
}

"""DX推進課's monitoring (3章1-1(1)–(3)): sampled exchanges, statistics, flagged messages, reviews.

Pure logic over the ``Store``; the web page (``admin/``) and the Teams command
(``bot/handlers/admin.py``) only present what this module returns.

Inputs serve only the purposes of 3章1-3(1): an ``Exchange`` is built from an allow-list of
fields (the masked input and answer, never anything else a record might carry), so no page,
card or chart can show or export a raw input.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from policy.categories import categories
from storage.base import Doc, Store
from workflows.forms import JST, SERVICE_NAMES

EXCHANGES = "exchanges"
REVIEWS = "reviews"
AUDIT = "audit"
APPROVALS = "approvals"
REPORTS = "reports"


# The three sample checks of 3章1-1 and what the reviewer looks for in each.
CHECKS: tuple[tuple[str, str, str], ...] = (
    ("3章1-1(1)", "品質・バイアス", "期待どおりの品質か、不適切な生成や偏り（特定の文化背景に基づく出力など）がないか"),
    ("3章1-1(2)", "目的外利用", "業務と関係のない出力を期待する入力がないか"),
    ("3章1-1(3)", "個人情報", "個人情報・要機密情報の入力やプライバシー侵害が疑われないか"),
)

# Reviewer findings; "ok" (問題なし) cannot be combined with a problem.
OK = "ok"
FINDINGS: dict[str, str] = {
    OK: "問題なし",
    "quality": "品質",
    "purpose": "目的外",
    "personal": "個人情報",
    "bias": "バイアス",
}

VERDICTS: dict[str, str] = {"allow": "許可", "notice": "注意", "confirm": "確認", "block": "ブロック"}
STATUSES: dict[str, str] = {"answered": "回答", "blocked": "送信せず", "held": "保留", "failed": "失敗"}
SERVICES = SERVICE_NAMES

FLAG_REASONS: dict[str, str] = {
    "answer_masked": "回答の個人情報をマスク",
    "long_input": "長文の貼り付け",
    "confirm": "確認のうえ送信",
}


class ReviewError(Exception):
    """A review that cannot be recorded; the message (Japanese) says why."""


def category_name(category: str) -> str:
    info = categories().get(category)
    return info.display_name if info else category


def category_verdict(category: str) -> str:
    """The verdict the category table gives a finding of this category (``block``, ``confirm`` …)."""
    info = categories().get(category)
    return info.verdict.label if info else ""


def parse_time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("stored times are timezone-aware")
    return moment


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 JST of the week containing ``moment`` (as an aware JST datetime)."""
    local = moment.astimezone(JST)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def week_label(key: str) -> str:
    """``2026-11-23`` (a week's Monday) -> ``11/23週``."""
    day = datetime.fromisoformat(key)
    return f"{day.month}/{day.day}週"


def period(weeks: int, now: datetime) -> tuple[datetime, datetime]:
    """The last ``weeks`` JST calendar weeks up to ``now`` (this week included), in UTC."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    this_week = week_start(now)
    return (this_week - timedelta(weeks=weeks - 1)).astimezone(UTC), now


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str


@dataclass(frozen=True)
class Review:
    exchange_id: str
    findings: tuple[str, ...]
    reviewer: Reviewer
    at: datetime

    @property
    def labels(self) -> list[str]:
        return [FINDINGS[f] for f in self.findings if f in FINDINGS]


@dataclass(frozen=True)
class Exchange:
    """What a reviewer may see of one exchange: masked texts and facts, nothing in clear."""

    id: str
    at: datetime
    user_name: str
    department: str
    service: str
    verdict: str
    categories: tuple[str, ...]
    status: str
    input_masked: str
    input_chars: int
    answer_masked: str
    answer_flagged: bool
    review: Review | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any], review: Review | None = None) -> Exchange:
        return cls(
            id=str(record["id"]),
            at=parse_time(record["at"]),
            user_name=str(record.get("user_name") or ""),
            department=str(record.get("department") or ""),
            service=str(record.get("service") or ""),
            verdict=str(record.get("verdict") or ""),
            categories=tuple(str(c) for c in record.get("categories") or ()),
            status=str(record.get("status") or ""),
            input_masked=str(record.get("input_masked") or ""),
            input_chars=int(record.get("input_chars") or 0),
            answer_masked=str(record.get("answer_masked") or ""),
            answer_flagged=bool(record.get("answer_flagged")),
            review=review,
        )

    @property
    def category_names(self) -> list[str]:
        return [category_name(c) for c in self.categories]


@dataclass(frozen=True)
class Flagged:
    exchange: Exchange
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [FLAG_REASONS[r] for r in self.reasons]


@dataclass
class Row:
    """One line of a statistics table."""

    key: str
    exchanges: int = 0
    users: set[str] = field(default_factory=set)
    verdicts: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    approvals: int = 0
    reports: int = 0

    @property
    def user_count(self) -> int:
        return len(self.users)


@dataclass
class Statistics:
    since: datetime
    until: datetime
    total: Row
    by_department: list[Row]
    by_service: list[Row]
    by_week: list[Row]
    review_findings: Counter[str]
    reviewed: int

    @property
    def categories(self) -> list[tuple[str, int]]:
        return self.total.categories.most_common()


async def audit_access(
    store: Store, *, actor: str, name: str, via: str, target: str, allowed: bool, status: int | None = None
) -> None:
    """Every look at the monitoring data is an ``audit`` record (who, how, what, let in or not)."""
    record: Doc = {"event": "admin.access", "actor": actor, "name": name, "via": via, "target": target,
                   "allowed": allowed}
    if status is not None:
        record["status"] = status
    await store.append(AUDIT, record)


def parse_findings(values: str | Iterable[str] | None) -> tuple[str, ...]:
    """Findings from a form: a list, or the comma-separated string of a multi-select ChoiceSet."""
    if values is None:
        items: list[str] = []
    elif isinstance(values, str):
        items = [v.strip() for v in values.split(",")]
    else:
        items = [str(v).strip() for v in values]
    chosen = tuple(dict.fromkeys(v for v in items if v))
    if not chosen:
        raise ReviewError("所見を 1 つ以上選んでください。")
    if unknown := [v for v in chosen if v not in FINDINGS]:
        raise ReviewError(f"不明な所見です: {'、'.join(unknown)}")
    if OK in chosen and len(chosen) > 1:
        raise ReviewError("「問題なし」と問題の所見は同時に選べません。")
    return tuple(f for f in FINDINGS if f in chosen)


def _review(record: Mapping[str, Any]) -> Review:
    return Review(
        exchange_id=str(record["exchange_id"]),
        findings=tuple(record.get("findings") or ()),
        reviewer=Reviewer(str(record.get("reviewer_id") or ""), str(record.get("reviewer_name") or "")),
        at=parse_time(record["at"]),
    )


async def latest_reviews(store: Store, exchange_ids: Iterable[str]) -> dict[str, Review]:
    """The newest review of each exchange (a later review corrects an earlier one)."""
    ids = list(dict.fromkeys(exchange_ids))
    if not ids:
        return {}
    found: dict[str, Review] = {}
    for record in await store.records(REVIEWS, where={"exchange_id": ids}, newest_first=True):
        found.setdefault(str(record["exchange_id"]), _review(record))
    return found


async def exchange(store: Store, exchange_id: str) -> Exchange | None:
    matches = await store.records(EXCHANGES, where={"id": exchange_id}, limit=1)
    if not matches:
        return None
    reviews = await latest_reviews(store, [exchange_id])
    return Exchange.from_record(matches[0], reviews.get(exchange_id))


async def _with_reviews(store: Store, records: list[Doc]) -> list[Exchange]:
    reviews = await latest_reviews(store, [str(r["id"]) for r in records])
    return [Exchange.from_record(r, reviews.get(str(r["id"]))) for r in records]


async def exchanges_by_ids(store: Store, ids: Iterable[str]) -> list[Exchange]:
    """The exchanges with these ids that still exist, in the order given."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {str(r["id"]): r for r in await store.records(EXCHANGES, where={"id": wanted})}
    return await _with_reviews(store, [found[i] for i in wanted if i in found])


def _filters(department: str | None, service: str | None) -> dict[str, str]:
    where: dict[str, str] = {}
    if department:
        where["department"] = department
    if service:
        where["service"] = service
    return where


async def sample(
    store: Store, n: int, *, since: datetime, until: datetime,
    department: str | None = None, service: str | None = None,
) -> list[Exchange]:
    """A uniform random sample of at most ``n`` exchanges for the 3章1-1 checks, newest first."""
    records = await store.sample(EXCHANGES, n, since=since, until=until, where=_filters(department, service) or None)
    records.sort(key=lambda r: str(r["at"]), reverse=True)
    return await _with_reviews(store, records)


def flag_reasons(exchange: Exchange, long_input_chars: int) -> tuple[str, ...]:
    reasons = []
    if exchange.answer_flagged:
        reasons.append("answer_masked")
    if exchange.input_chars >= long_input_chars:
        reasons.append("long_input")
    if exchange.verdict == "confirm":
        reasons.append("confirm")
    return tuple(reasons)


async def flagged(
    store: Store, *, since: datetime, until: datetime, long_input_chars: int, limit: int = 100,
    department: str | None = None, service: str | None = None,
) -> list[Flagged]:
    """Exchanges to look at without waiting for a sample, newest first."""
    hits: list[Flagged] = []
    for record in await store.records(
        EXCHANGES, since=since, until=until, where=_filters(department, service) or None, newest_first=True
    ):
        candidate = Exchange.from_record(record)
        reasons = flag_reasons(candidate, long_input_chars)
        if reasons:
            hits.append(Flagged(candidate, reasons))
            if len(hits) >= limit:
                break
    reviews = await latest_reviews(store, [h.exchange.id for h in hits])
    return [Flagged(dataclasses.replace(h.exchange, review=reviews.get(h.exchange.id)), h.reasons) for h in hits]


async def record_review(
    store: Store, exchange_id: str, findings: str | Iterable[str] | None, reviewer: Reviewer, *, via: str
) -> Exchange:
    """Store a reviewer's findings on an exchange and return the exchange with them."""
    chosen = parse_findings(findings)
    target = await exchange(store, exchange_id)
    if target is None:
        raise ReviewError("対象のやり取りが見つかりません。保存期間を過ぎて削除された可能性があります。")
    record: Doc = {
        "exchange_id": target.id,
        "exchange_at": target.at.isoformat(),
        "department": target.department,
        "service": target.service,
        "findings": list(chosen),
        "reviewer_id": reviewer.id,
        "reviewer_name": reviewer.name,
        "via": via,
    }
    await store.append(REVIEWS, record)
    await store.append(AUDIT, {"event": "admin.review", "actor": reviewer.id, "exchange_id": target.id,
                               "findings": list(chosen), "via": via})
    reviews = await latest_reviews(store, [target.id])
    return dataclasses.replace(target, review=reviews.get(target.id))


@dataclass(frozen=True)
class _Event:
    """One counted thing, reduced to what the tables group by."""

    at: datetime
    department: str
    service: str


def _approval(doc: Mapping[str, Any]) -> _Event | None:
    """A 所属長 approval (利用許可 or 所属長確認), dated by its decision."""
    if doc.get("state") != "approved" or not doc.get("decided_at"):
        return None
    return _Event(parse_time(doc["decided_at"]), str(doc.get("requester_department") or ""),
                  str(doc.get("service") or ""))


def _report(doc: Mapping[str, Any]) -> _Event | None:
    """A 様式3 report, dated by its submission; 所属 is the one written on the form."""
    if not doc.get("submitted_at"):
        return None
    header = doc.get("header") if isinstance(doc.get("header"), Mapping) else {}
    return _Event(parse_time(doc["submitted_at"]), str(header.get("department") or ""), str(doc.get("service") or ""))


def _row(rows: dict[str, Row], key: str) -> Row:
    if key not in rows:
        rows[key] = Row(key)
    return rows[key]


async def statistics(
    store: Store, *, since: datetime, until: datetime, department: str | None = None, service: str | None = None,
) -> Statistics:
    """Exchanges, users, verdicts by category, 所属長 approvals and reports, by 所属, service and week."""
    where = _filters(department, service)
    total = Row("合計")
    by: dict[str, dict[str, Row]] = {"department": {}, "service": {}, "week": {}}

    def rows_for(event: _Event) -> list[Row]:
        keys = {
            "department": event.department or "（所属不明）",
            "service": event.service or "（不明）",
            "week": week_start(event.at).date().isoformat(),
        }
        return [total, *(_row(by[name], key) for name, key in keys.items())]

    def counted(event: _Event) -> bool:
        return (since <= event.at < until and department in (None, event.department)
                and service in (None, event.service))

    for record in await store.records(EXCHANGES, since=since, until=until, where=where or None, newest_first=False):
        event = _Event(parse_time(record["at"]), str(record.get("department") or ""), str(record.get("service") or ""))
        for row in rows_for(event):
            row.exchanges += 1
            row.users.add(str(record.get("user_id") or ""))
            row.verdicts[str(record.get("verdict") or "")] += 1
            row.categories.update(str(c) for c in record.get("categories") or ())

    for doc in await store.find(APPROVALS, where={"state": "approved"}):
        approval = _approval(doc)
        if approval and counted(approval):
            for row in rows_for(approval):
                row.approvals += 1

    for doc in await store.find(REPORTS):
        report = _report(doc)
        if report and counted(report):
            for row in rows_for(report):
                row.reports += 1

    findings: Counter[str] = Counter()
    latest: dict[str, tuple[str, ...]] = {}
    for record in await store.records(REVIEWS, since=since, until=until, where=where or None, newest_first=True):
        latest.setdefault(str(record["exchange_id"]), tuple(record.get("findings") or ()))
    for chosen in latest.values():
        findings.update(chosen)

    # Every week of the period gets a row, so a quiet week shows as a zero, not a gap.
    week = week_start(since)
    while week < until:
        _row(by["week"], week.date().isoformat())
        week += timedelta(weeks=1)

    def ordered(rows: dict[str, Row], by_count: bool) -> list[Row]:
        values = list(rows.values())
        return sorted(values, key=lambda r: (-r.exchanges, r.key)) if by_count else sorted(values, key=lambda r: r.key)

    return Statistics(
        since=since,
        until=until,
        total=total,
        by_department=ordered(by["department"], by_count=True),
        by_service=ordered(by["service"], by_count=True),
        by_week=ordered(by["week"], by_count=False),
        review_findings=findings,
        reviewed=len(latest),
    )

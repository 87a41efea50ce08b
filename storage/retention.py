"""Retention (3章1-3(3)): the city sets how long each kind of data is kept; older data is purged.

Three settings, all required, in days:

* ``RETENTION_EXCHANGES_DAYS``: what people typed and the logs about it — exchange records
  (``exchanges``), conversation history (``history``) and the texts kept behind resend and retry
  buttons (``prompts``), by when they last changed; reviews of exchanges (``reviews``), by ``at``.
* ``RETENTION_APPROVALS_DAYS``: decided approval requests (``approvals`` whose ``state`` is
  approved, rejected, expired or cancelled) and decided 様式1 applications (``applications``),
  by when they last changed (the decision).
* ``RETENTION_REPORTS_DAYS``: closed reports (``reports`` whose ``status`` is 完了), by when
  they last changed (the closing).

Pending requests, open reports and permissions are never purged, nor is the ``audit`` log, which
holds no inputs and is the trail of every purge, decision and administrator access. A purge is
irreversible, is logged, and leaves one ``audit`` record per kind it removed something from.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.base import PurgeResult, Store, Where
from storage.values import iso

log = logging.getLogger("storage.retention")

DECIDED_APPROVALS = ("approved", "rejected", "expired", "cancelled")
DECIDED_APPLICATIONS = ("approved", "rejected")
CLOSED_REPORTS = ("完了",)
LEASE = "storage.purge"
LEASE_MIN_S = 3600.0  # longer than any purge takes, so two never overlap


class RetentionConfigError(Exception):
    """A retention setting is missing or not a whole number of days."""


@dataclass(frozen=True)
class Rule:
    setting: str
    period: str  # the period this kind follows: exchanges, approvals or reports
    kind: str
    label: str  # what the kind is, for people
    where: Where | None  # None: records; else the documents that may go


RULES = (
    Rule("RETENTION_EXCHANGES_DAYS", "exchanges", "exchanges", "利用記録", None),
    Rule("RETENTION_EXCHANGES_DAYS", "exchanges", "history", "会話履歴", {}),
    Rule("RETENTION_EXCHANGES_DAYS", "exchanges", "prompts", "再送・再試行用の入力", {}),
    Rule("RETENTION_EXCHANGES_DAYS", "exchanges", "reviews", "利用記録のレビュー", None),
    Rule("RETENTION_APPROVALS_DAYS", "approvals", "approvals", "決定済みの申請", {"state": DECIDED_APPROVALS}),
    Rule("RETENTION_APPROVALS_DAYS", "approvals", "applications", "決定済みの様式1申請", {"state": DECIDED_APPLICATIONS}),
    Rule("RETENTION_REPORTS_DAYS", "reports", "reports", "完了した報告", {"status": CLOSED_REPORTS}),
)
# A period is named after its main kind, whose label names it in the start-up log.
PERIODS = {r.period: r for r in RULES if r.kind == r.period}


@dataclass(frozen=True)
class RetentionPolicy:
    """Days to keep, per period (``exchanges``, ``approvals``, ``reports``)."""

    days: Mapping[str, int]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetentionPolicy:
        days: dict[str, int] = {}
        problems = []
        for period, rule in PERIODS.items():
            raw = (env.get(rule.setting) or "").strip()
            if not raw.isdecimal() or int(raw) < 1:
                problems.append(rule.setting)
            else:
                days[period] = int(raw)
        if problems:
            names = ", ".join(problems)
            raise RetentionConfigError(
                f"保存期間の設定がないか、正しくありません: {names}。市が定める期間を日数 (1 以上の整数) で設定してください。"
                f" (Retention is required: set {names} to a whole number of days, as the city decides.)"
            )
        return cls(days)

    def describe(self) -> str:
        return "保存期間: " + "、".join(f"{r.label} {self.days[p]} 日" for p, r in PERIODS.items())

    def cutoff(self, period: str, now: datetime) -> datetime:
        return now - timedelta(days=self.days[period])


async def purge(
    store: Store, policy: RetentionPolicy, now: datetime, *, dry_run: bool = False, actor: str = "system"
) -> list[PurgeResult]:
    """Remove, for every kind, what is older than its period; returns what went (or would go)."""
    results = []
    for rule in RULES:
        before = policy.cutoff(rule.period, now)
        if rule.where is None:
            result = await store.purge_records(rule.kind, before, dry_run=dry_run)
        else:
            result = await store.purge_documents(rule.kind, before, where=rule.where, dry_run=dry_run)
        results.append(result)
        if dry_run:
            continue
        log.info("purged %s: %d older than %s (by %s)", rule.kind, result.count, iso(before), actor)
        if result.count:  # the log has every run; the audit trail only the runs that removed something
            await store.append("audit", {
                "event": "storage.purge", "actor": actor, "kind": rule.kind, "count": result.count,
                "before": iso(before),
            })
    return results


async def run_purge_schedule(
    store: Store, policy: RetentionPolicy, interval_s: float, owner: str, stop: asyncio.Event | None = None
) -> None:
    """Purge every ``interval_s`` seconds until ``stop`` is set, on one instance at a time.

    The instance holding the lease purges; it renews the lease each round, and another takes
    over when it stops renewing (the lease lasts two intervals, and at least an hour).
    """
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            if await store.try_lease(LEASE, owner, max(interval_s * 2, LEASE_MIN_S)):
                await purge(store, policy, datetime.now(UTC), actor=f"schedule:{owner}")
        except Exception:
            log.exception("scheduled purge failed; trying again in %s s", interval_s)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)

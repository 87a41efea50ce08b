"""Monitoring logic over a real store: statistics, samples, the flagged list and reviews (3章1-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.base import Store
from tests.admin.seed import ADMIN, RAW_MY_NUMBER, seed
from tests.support.teams import SATO, YAMADA
from workflows import monitoring
from workflows.monitoring import Reviewer, ReviewError

# A Thursday noon JST: the week starts on Monday 2026-11-23.
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
REVIEWER = Reviewer(ADMIN.aad_object_id, ADMIN.name)


def _period(weeks: int = 4) -> dict[str, datetime]:
    since, until = monitoring.period(weeks, NOW)
    return {"since": since, "until": until}


def test_period_covers_whole_jst_weeks():
    since, until = monitoring.period(2, NOW)
    assert since == datetime(2026, 11, 15, 15, 0, tzinfo=UTC)  # Monday 11/16 00:00 JST
    assert until == NOW
    assert monitoring.week_label("2026-11-23") == "11/23週"


async def test_statistics_by_department_service_and_week(store: Store):
    await seed(store, NOW)
    await store.put("approvals", "a1", {"state": "approved", "decided_at": (NOW - timedelta(days=1)).isoformat(),
                                        "requester_department": "市民課", "service": "chatgpt"})
    await store.put("approvals", "a2", {"state": "rejected", "decided_at": NOW.isoformat(),
                                        "requester_department": "市民課", "service": "chatgpt"})
    await store.put("reports", "R1", {"submitted_at": (NOW - timedelta(days=2)).isoformat(), "service": "chatbot",
                                      "header": {"department": "DX推進課"}})
    stats = await monitoring.statistics(store, **_period())

    assert stats.total.exchanges == 10
    assert stats.total.user_count == 3
    assert stats.total.verdicts == {"allow": 8, "confirm": 1, "block": 1}
    assert dict(stats.categories) == {"possible_personal": 1, "my_number": 1}
    assert (stats.total.approvals, stats.total.reports) == (1, 1)

    departments = {r.key: r for r in stats.by_department}
    assert [r.key for r in stats.by_department] == ["市民課", "DX推進課"]  # busiest first
    assert departments["市民課"].exchanges == 8 and departments["市民課"].user_count == 2
    assert departments["市民課"].approvals == 1 and departments["DX推進課"].reports == 1
    services = {r.key: r.exchanges for r in stats.by_service}
    assert services == {"chatbot": 8, "chatgpt": 2}
    weeks = {r.key: r.exchanges for r in stats.by_week}
    # Every week of the period is listed, the quiet ones with zero.
    assert weeks == {"2026-11-02": 0, "2026-11-09": 1, "2026-11-16": 2, "2026-11-23": 7}

    only_dx = await monitoring.statistics(store, **_period(), department="DX推進課")
    assert only_dx.total.exchanges == 2 and only_dx.total.reports == 1 and only_dx.total.approvals == 0


async def test_sample_is_random_bounded_and_masked(store: Store):
    await seed(store, NOW)
    drawn = await monitoring.sample(store, 4, **_period())
    assert len(drawn) == 4 and len({e.id for e in drawn}) == 4
    everything = await monitoring.sample(store, 50, **_period())
    assert len(everything) == 10
    blocked = next(e for e in everything if e.verdict == "block")
    assert blocked.input_masked == "個人番号［個人番号］の方の手続きを教えて"
    # Only the allow-listed masked fields exist on the view; a stray raw field never comes through.
    assert RAW_MY_NUMBER not in repr(everything)
    assert not hasattr(blocked, "input")


async def test_flagged_lists_masked_answers_long_pastes_and_confirms(store: Store):
    ids = await seed(store, NOW)
    found = await monitoring.flagged(store, **_period(), long_input_chars=2000)
    reasons = {f.exchange.id: f.reasons for f in found}
    assert reasons == {
        ids["masked_answer"]: ("answer_masked",),
        ids["long_paste"]: ("long_input",),
        ids["confirmed"]: ("confirm",),
    }
    assert [f.exchange.at for f in found] == sorted((f.exchange.at for f in found), reverse=True)
    assert found[0].reason_labels == ["回答の個人情報をマスク"]


@pytest.mark.parametrize(
    ("given", "message"),
    [(None, "1 つ以上"), ("", "1 つ以上"), ("ok,bias", "同時に選べません"), (["nonsense"], "不明な所見")],
)
def test_bad_findings_are_explained(given, message):
    with pytest.raises(ReviewError, match=message):
        monitoring.parse_findings(given)


async def test_reviews_are_stored_corrected_and_counted(store: Store):
    ids = await seed(store, NOW)
    first = await monitoring.record_review(store, ids["confirmed"], "personal,purpose", REVIEWER, via="web")
    assert first.review is not None and first.review.labels == ["目的外", "個人情報"]
    await monitoring.record_review(store, ids["plain0"], ["ok"], REVIEWER, via="teams")
    corrected = await monitoring.record_review(store, ids["confirmed"], ["personal"], REVIEWER, via="teams")
    assert corrected.review is not None and corrected.review.findings == ("personal",)

    now = datetime.now(UTC)
    stats = await monitoring.statistics(store, since=now - timedelta(days=1), until=now + timedelta(minutes=1))
    assert stats.reviewed == 2
    assert stats.review_findings == {"personal": 1, "ok": 1}  # the corrected review replaces the first

    audit = await store.records("audit", where={"event": "admin.review"})
    assert len(audit) == 3 and {a["actor"] for a in audit} == {ADMIN.aad_object_id}
    with pytest.raises(ReviewError, match="見つかりません"):
        await monitoring.record_review(store, "no-such-exchange", ["ok"], REVIEWER, via="web")


async def test_access_is_audited(store: Store):
    await monitoring.audit_access(store, actor=YAMADA.aad_object_id, name=YAMADA.name, via="web",
                                  target="GET /admin/", allowed=False, status=403)
    await monitoring.audit_access(store, actor=SATO.aad_object_id, name=SATO.name, via="teams", target="/admin",
                                  allowed=False)
    records = await store.records("audit", where={"event": "admin.access"}, newest_first=False)
    assert [(r["actor"], r["via"], r["allowed"]) for r in records] == [
        (YAMADA.aad_object_id, "web", False), (SATO.aad_object_id, "teams", False)]

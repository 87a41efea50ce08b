"""Retention: what is past its period is gone (from queries and from disk), the rest stays."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from storage import Store, open_store
from storage.retention import RetentionConfigError, RetentionPolicy, purge, run_purge_schedule
from tests.storage.conftest import OpenStore

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC)
POLICY = RetentionPolicy({"exchanges": 90, "approvals": 365, "reports": 730})
MARKER = "PURGE-MARKER-7c1e"  # a value only the records that must go carry
NOTHING = {kind: 0 for kind in ("exchanges", "history", "prompts", "reviews", "approvals", "applications", "reports")}


def test_every_period_is_required() -> None:
    env = {"RETENTION_EXCHANGES_DAYS": "90", "RETENTION_APPROVALS_DAYS": "0", "RETENTION_REPORTS_DAYS": ""}
    with pytest.raises(RetentionConfigError) as error:
        RetentionPolicy.from_env(env)
    message = str(error.value)
    assert "RETENTION_APPROVALS_DAYS" in message and "RETENTION_REPORTS_DAYS" in message
    assert "RETENTION_EXCHANGES_DAYS" not in message
    assert "保存期間" in message
    policy = RetentionPolicy.from_env({**env, "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "1825"})
    assert policy.days == {"exchanges": 90, "approvals": 365, "reports": 1825}
    assert policy.describe() == "保存期間: 利用記録 90 日、決定済みの申請 365 日、完了した報告 1825 日"


async def seed(store: Store) -> None:
    for days in (400, 200, 95, 91):
        await store.append("exchanges", {"at": NOW - timedelta(days=days), "input_masked": MARKER, "age": days})
    for days in (89, 30, 0):
        await store.append("exchanges", {"at": NOW - timedelta(days=days), "input_masked": "keep", "age": days})
    await store.put("approvals", "pending", {"state": "pending"})
    for state in ("approved", "rejected", "expired", "cancelled"):
        await store.put("approvals", state, {"state": state, "text": MARKER})
    await store.put("reports", "closed", {"status": "完了", "detail": MARKER})
    await store.put("reports", "open", {"status": "対応中"})
    await store.put("reports", "new", {"status": "受付"})
    await store.put("permissions", "u1:chatgpt", {"granted": True})


async def test_purge_keeps_what_is_inside_its_period(store: Store) -> None:
    await seed(store)
    results = await purge(store, POLICY, NOW)
    assert {r.kind: r.count for r in results} == {**NOTHING, "exchanges": 4}
    assert [r["age"] for r in await store.records("exchanges")] == [0, 30, 89]
    assert len(await store.find("approvals")) == 5 and len(await store.find("reports")) == 3


async def test_purge_after_the_periods(store: Store) -> None:
    await seed(store)
    later = NOW + timedelta(days=731)  # documents were all last changed "now"
    dry = await purge(store, POLICY, later, dry_run=True)
    assert {r.kind: (r.count, r.dry_run) for r in dry} == {
        **{kind: (0, True) for kind in NOTHING}, "exchanges": (7, True), "approvals": (4, True), "reports": (1, True),
    }
    assert len(await store.records("exchanges")) == 7 and await store.records("audit") == []

    results = await purge(store, POLICY, later, actor="test")
    assert {r.kind: r.count for r in results} == {**NOTHING, "exchanges": 7, "approvals": 4, "reports": 1}
    assert await store.records("exchanges") == []
    assert [d["state"] for d in await store.find("approvals")] == ["pending"]  # pending: never purged
    assert sorted(d["status"] for d in await store.find("reports")) == ["受付", "対応中"]
    assert await store.get("permissions", "u1:chatgpt") is not None  # permissions: never purged
    audit = await store.records("audit", newest_first=False)
    assert [(a["event"], a["kind"], a["count"], a["actor"]) for a in audit] == [
        ("storage.purge", "exchanges", 7, "test"), ("storage.purge", "approvals", 4, "test"),
        ("storage.purge", "reports", 1, "test"),
    ]


def grep(folder: Path, text: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


async def test_purged_data_is_gone_from_the_tinydb_files(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = open_store(f"tinydb:///{folder}")
    await store.open()
    await seed(store)
    assert grep(folder, MARKER)
    months_before = {p.name for p in folder.glob("records/exchanges/*.jsonl")}
    await purge(store, POLICY, NOW + timedelta(days=731))
    assert grep(folder, MARKER) == []
    months_after = {p.name for p in folder.glob("records/exchanges/*.jsonl")}
    assert months_after < months_before  # whole months removed, not rewritten
    await store.close()
    reopened = open_store(f"tinydb:///{folder}")
    await reopened.open()
    assert [d["state"] for d in await reopened.find("approvals")] == ["pending"]
    await reopened.close()


async def test_purged_rows_are_gone_from_postgresql(postgres_url: str) -> None:
    store = open_store(postgres_url)
    await store.open()
    await seed(store)
    await purge(store, POLICY, NOW)
    server, schema = postgres_url.split("?schema=")
    with psycopg.connect(server) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        remaining = conn.execute("SELECT count(*) FROM records WHERE doc::text LIKE %s", (f"%{MARKER}%",)).fetchone()
        assert remaining == (0,)
        tables = {row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE 'records_exchanges_%%'", (schema,)
        )}
        oldest = (NOW - timedelta(days=400)).strftime("%Y%m")
        assert f"records_exchanges_{oldest}" not in tables  # a whole month dropped
        assert f"records_exchanges_{NOW:%Y%m}" in tables
    await purge(store, POLICY, NOW + timedelta(days=731))
    with psycopg.connect(server) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        assert conn.execute("SELECT count(*) FROM documents WHERE doc::text LIKE %s",
                            (f"%{MARKER}%",)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM documents WHERE kind = 'approvals'").fetchone() == (1,)
    await store.close()


async def test_scheduled_purge_runs_on_one_instance(open_stores: OpenStore) -> None:
    first, second = await open_stores(), None
    await seed(first)
    await first.append("exchanges", {"at": NOW - timedelta(days=100), "input_masked": MARKER, "age": 100})
    stop = asyncio.Event()
    try:
        second = await open_stores()
    except Exception:
        second = None  # TinyDB: one process, one store
    instances = [run_purge_schedule(first, POLICY, 0.2, "instance-a", stop)]
    if second is not None:
        instances.append(run_purge_schedule(second, POLICY, 0.2, "instance-b", stop))
    tasks = [asyncio.create_task(i) for i in instances]
    await asyncio.sleep(0.7)
    stop.set()
    await asyncio.gather(*tasks)
    assert [r["age"] for r in await first.records("exchanges")] == [0, 30, 89]
    actors = {a["actor"] for a in await first.records("audit")}
    assert len(actors) == 1  # only the lease holder purged


def test_cli_prints_what_it_removes(tmp_path: Path) -> None:
    env = {
        **os.environ, "PYTHONPATH": str(REPO), "STORAGE_URL": f"tinydb:///{tmp_path / 'store'}",
        "RETENTION_EXCHANGES_DAYS": "90", "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "730",
    }

    async def prepare() -> None:
        store = open_store(env["STORAGE_URL"])
        await store.open()
        await seed(store)
        await store.close()

    asyncio.run(prepare())
    command = [sys.executable, "-m", "storage", "purge"]
    dry = subprocess.run([*command, "--dry-run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "exchanges (利用記録): 4 件 would remove" in dry.stdout
    assert "approvals (決定済みの申請): 0 件 would remove" in dry.stdout
    assert "保存期間: 利用記録 90 日" in dry.stdout
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "exchanges (利用記録): 4 件 removed" in done.stdout
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert "exchanges (利用記録): 0 件 removed" in again.stdout
    missing = subprocess.run(command, cwd=tmp_path, env={**env, "RETENTION_REPORTS_DAYS": ""},
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "RETENTION_REPORTS_DAYS" in missing.stderr


async def test_inputs_kept_beside_the_log_follow_its_period(store: Store) -> None:
    # History, resend/retry texts and reviews hold what people typed: they go with the exchanges;
    # decided 様式1 applications go with the approvals; pending ones and the audit log stay.
    await store.put("history", "u1:chatbot", {"turns": [MARKER]})
    await store.put("prompts", "p1", {"text": MARKER})
    await store.append("reviews", {"at": NOW - timedelta(days=100), "note": MARKER})
    await store.put("applications", "a1", {"state": "approved", "purpose": MARKER})
    await store.put("applications", "a2", {"state": "pending"})
    await store.append("audit", {"at": NOW - timedelta(days=1000), "event": "admin.access"})
    results = await purge(store, POLICY, NOW + timedelta(days=400))
    counts = {r.kind: r.count for r in results}
    assert (counts["history"], counts["prompts"], counts["reviews"], counts["applications"]) == (1, 1, 1, 1)
    assert await store.get("history", "u1:chatbot") is None and await store.get("prompts", "p1") is None
    assert [d["state"] for d in await store.find("applications")] == ["pending"]
    assert any(a["event"] == "admin.access" for a in await store.records("audit"))

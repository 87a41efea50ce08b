"""PostgreSQL only: migrations, several instances, partitions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from storage import open_store
from storage.base import Append, Update
from storage.migrate import migrations
from storage.postgres import PostgresStore, StoreUnavailableError


def _query(url: str, statement: str) -> list[tuple]:
    server, schema = url.split("?schema=")
    with psycopg.connect(server) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        return conn.execute(statement).fetchall()


async def test_migrations_apply_once_even_when_instances_start_together(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(4)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        versions = [m.version for m in migrations()]
        assert _query(postgres_url, "SELECT version FROM schema_migrations ORDER BY version") == [(v,) for v in versions]
        again = open_store(postgres_url)
        await again.open()  # idempotent: nothing left to apply, nothing fails
        await again.close()
        assert len(_query(postgres_url, "SELECT * FROM schema_migrations")) == len(versions)
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_one_decision_wins_across_instances(postgres_url: str) -> None:
    instances = [open_store(postgres_url) for _ in range(3)]
    await asyncio.gather(*(s.open() for s in instances))
    try:
        await instances[0].put("approvals", "a1", {"state": "pending"})
        results = await asyncio.gather(*(
            instances[i % 3].update("approvals", "a1", {"state": "approved", "by": i}, expect={"state": "pending"})
            for i in range(60)
        ))
        assert len([r for r in results if r is not None]) == 1
        assert [await s.try_lease("storage.purge", f"i{n}", 60) for n, s in enumerate(instances)] == [True, False, False]
        hits = await asyncio.gather(*(instances[i % 3].hit("user:u1", 60) for i in range(9)))
        # One count shared by all, and a burst is counted exactly: each hit sees every one before it.
        assert sorted(hits) == list(range(1, 10)) and await instances[0].hit("user:u1", 60) == 10
    finally:
        await asyncio.gather(*(s.close() for s in instances))


async def test_a_write_the_server_refuses_stores_nothing(postgres_url: str) -> None:
    store = open_store(postgres_url)
    await store.open()
    try:
        await store.put("history", "u1:chatbot", {"turns": ["a"]})
        with pytest.raises(psycopg.Error):  # jsonb has no NUL character: refused by the server
            await store.write(Update("history", "u1:chatbot", {"turns": ["a", "b"]}),
                              Append("exchanges", {"answer_masked": "\x00"}))
        assert (await store.get("history", "u1:chatbot"))["turns"] == ["a"]
        assert await store.records("exchanges") == []
    finally:
        await store.close()


async def test_records_live_in_monthly_partitions_per_kind(postgres_url: str) -> None:
    store = open_store(postgres_url)
    await store.open()
    try:
        now = datetime.now(UTC)
        await store.append("exchanges", {"at": now})
        await store.append("exchanges", {"at": now - timedelta(days=62)})
        await store.append("audit", {"at": now})
        tables = {row[0] for row in _query(
            postgres_url, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        )}
        earlier = (now - timedelta(days=62)).strftime("%Y%m")
        assert {"records_exchanges", "records_audit", f"records_exchanges_{now:%Y%m}",
                f"records_exchanges_{earlier}", f"records_audit_{now:%Y%m}"} <= tables
    finally:
        await store.close()


async def test_an_unreachable_server_is_reported_in_japanese() -> None:
    store = PostgresStore("postgresql://postgres@127.0.0.1:9/test?connect_timeout=1")
    with pytest.raises(StoreUnavailableError, match="PostgreSQL に接続できません"):
        await store.open()
    await store.close()

"""Stores for the storage tests: every contract test runs on TinyDB and on PostgreSQL.

PostgreSQL comes from ``TEST_POSTGRES_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``);
each test gets its own schema, dropped afterwards, so parallel runs never meet. Without the
variable the PostgreSQL cases are skipped with a message at the end of the run; under CI
(``CI=true``) a missing or unreachable server is a failure instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from storage import Store, open_store

BACKENDS = ["tinydb", "postgres"]
_skipped: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _server_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "")
    if not url:
        reason = "TEST_POSTGRES_URL is not set"
    else:
        try:
            with psycopg.connect(url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return url
        except psycopg.OperationalError as error:
            reason = f"PostgreSQL at TEST_POSTGRES_URL is unreachable: {error}".strip()
    if _in_ci():
        pytest.fail(f"CI needs PostgreSQL for the storage tests: {reason}")
    _skipped.append(reason)
    pytest.skip(f"PostgreSQL storage tests skipped: {reason} (see storage/README.md, 'Tests on PostgreSQL')")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A store URL on the test server, in a schema of its own that is dropped afterwards."""
    server = _server_url()
    schema = f"test_storage_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}schema={schema}"
    _drop_schema(server, schema)


def _drop_schema(server: str, schema: str) -> None:
    """Drop the test's schema; sessions a test left open inside it are ended rather than waited for."""
    drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '3s'")
        try:
            conn.execute(drop)
        except psycopg.errors.LockNotAvailable:
            conn.execute(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l"
                " JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND l.pid <> pg_backend_pid()",
                (schema,),
            )
            conn.execute("SET lock_timeout = 0")
            conn.execute(drop)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "tinydb":
        return f"tinydb:///{tmp_path / 'store'}"
    return request.getfixturevalue("postgres_url")


OpenStore = Callable[[], Awaitable[Store]]


@pytest.fixture
async def open_stores(store_url: str) -> AsyncIterator[OpenStore]:
    """Open (and at the end close) stores on the test's URL: several act as several instances."""
    opened: list[Store] = []

    async def start() -> Store:
        store = open_store(store_url)
        await store.open()
        opened.append(store)
        return store

    yield start
    for store in reversed(opened):
        await store.close()


@pytest.fixture
async def store(open_stores: OpenStore) -> Store:
    return await open_stores()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped:
        terminalreporter.write_sep("-", "storage", yellow=True)
        terminalreporter.write_line(
            f"{len(_skipped)} PostgreSQL storage tests were SKIPPED: {_skipped[0]}. "
            "Set TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DB to run them (storage/README.md: 'Tests on PostgreSQL')."
        )

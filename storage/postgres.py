"""The shared backend: PostgreSQL through psycopg 3 (async) and a psycopg_pool connection pool.

Everything several instances must agree on lives here: documents with conditional updates
(one statement each, so the row lock decides), records in per-kind monthly partitions,
rate-limit events and leases. Schema: ``storage/migrations/*.sql``, applied at open.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from storage.base import Append, Doc, PurgeResult, Put, Update, Where, Write
from storage.migrate import migrate
from storage.values import check_kind, hashable, iso, options, plain, prepare_record

log = logging.getLogger("storage.postgres")
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_MONTH = re.compile(r"_(\d{4})(\d{2})$")


class StoreUnavailableError(Exception):
    """The database could not be reached at open."""


def split_url(url: str) -> tuple[str, str | None, int]:
    """The libpq URL without our own ``schema`` and ``pool_max`` parameters, and their values."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    schema = next((v for k, v in query if k == "schema"), None)
    pool_max = int(next((v for k, v in query if k == "pool_max"), "10"))
    if schema is not None and not _SCHEMA.fullmatch(schema):
        raise ValueError(f"schema {schema!r}: use [a-z_][a-z0-9_]*")
    rest = urlencode([(k, v) for k, v in query if k not in ("schema", "pool_max")])
    return urlunsplit(parts._replace(query=rest)), schema, pool_max


def where_sql(where: Where | None) -> tuple[sql.Composable, list[Any]]:
    """``where`` as SQL on ``doc``. Text comparisons use ``->>`` so the expression indexes apply."""
    text, params = _where(where)
    return sql.SQL(text), params


def _where(where: Where | None) -> tuple[str, list[Any]]:
    shape: list[tuple[str, str]] = []
    params: list[Any] = []
    for field, wanted in (where or {}).items():
        allowed = options(wanted)
        values = allowed if allowed is not None else [plain({"v": wanted})["v"]]
        if all(isinstance(v, str) for v in values):
            shape.append((field, "=" if len(values) == 1 else "any"))
            params.append(values[0] if len(values) == 1 else values)
        else:
            shape.append((field, "jsonb"))
            params.append([Jsonb(v) for v in values])
    return _where_text(tuple(shape)), params


@functools.lru_cache(maxsize=512)
def _where_text(shape: tuple[tuple[str, str], ...]) -> str:
    """The condition for fields compared in these ways, composed once: composing SQL on every
    call cost ~58 us of CPU for the chat path's write of an answer."""
    forms = {"=": "doc ->> {} = %s", "any": "doc ->> {} = ANY(%s)", "jsonb": "doc -> {} = ANY(%s::jsonb[])"}
    parts = [sql.SQL("TRUE"), *(sql.SQL(forms[form]).format(sql.Literal(field)) for field, form in shape)]
    return sql.SQL(" AND ").join(parts).as_string(None)


def time_sql(column: str, since: datetime | None, until: datetime | None) -> tuple[sql.Composable, list[Any]]:
    parts: list[sql.Composable] = [sql.SQL("TRUE")]
    params: list[Any] = []
    if since is not None:
        parts.append(sql.SQL("{} >= %s").format(sql.Identifier(column)))
        params.append(since)
    if until is not None:
        parts.append(sql.SQL("{} < %s").format(sql.Identifier(column)))
        params.append(until)
    return sql.SQL(" AND ").join(parts), params


def _month(name: str) -> datetime:
    match = _MONTH.search(name)
    if not match:
        raise ValueError(f"unexpected partition {name}")
    return datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)


def _next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def _put_sql(kind: str, key: str, doc: Doc, now: datetime) -> tuple[str, list[Any]]:
    doc = plain(doc)
    doc.setdefault("created_at", iso(now))
    doc["updated_at"] = iso(now)
    return (
        "INSERT INTO documents (kind, key, doc, created_at, updated_at) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (kind, key) DO UPDATE SET updated_at = excluded.updated_at,"
        " doc = excluded.doc || jsonb_build_object('created_at', documents.doc -> 'created_at')",
        [check_kind(kind), key, Jsonb(doc), now, now],
    )


def _update_sql(kind: str, key: str, changes: Doc, expect: Where | None, now: datetime) -> tuple[str, list[Any]]:
    condition, params = _where(expect)
    return (
        "UPDATE documents SET doc = doc || %s || jsonb_build_object('updated_at', %s::text), updated_at = %s"
        f" WHERE kind = %s AND key = %s AND {condition} RETURNING doc",
        [Jsonb(plain(changes)), iso(now), now, check_kind(kind), key, *params],
    )


def _append_sql(kind: str, record: Doc, now: datetime) -> tuple[str, list[Any], datetime]:
    """The insert of a record; its parameters start with the kind and the record's id."""
    doc = prepare_record(record, now)
    at = datetime.fromisoformat(doc["at"])
    return ("INSERT INTO records (kind, id, at, doc) VALUES (%s, %s, %s, %s)",
            [check_kind(kind), doc["id"], at, Jsonb(doc)], at)


class PostgresStore:
    def __init__(self, url: str) -> None:
        self._conninfo, self._schema, pool_max = split_url(url)
        search_path = {"options": f"-c search_path={self._schema}"} if self._schema else {}
        self._connect_kwargs: dict[str, Any] = search_path
        # Autocommit: almost every call is one statement, and an implicit transaction cost a
        # second round trip (COMMIT) each; calls of several statements open a transaction
        # themselves. bench/load.py: ~9 store calls a chat message, COMMIT was 9 % of the bot's CPU.
        self._pool = AsyncConnectionPool(
            self._conninfo, min_size=1, max_size=pool_max, open=False,
            kwargs={**search_path, "autocommit": True}, name="storage",
        )
        self._partitions: set[tuple[str, datetime]] = set()

    async def open(self) -> None:
        try:
            # One plain connection first: an unreachable server fails here at once, not after
            # the pool's timeout.
            async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                if self._schema:
                    with contextlib.suppress(psycopg.errors.UniqueViolation):  # created by a concurrent open
                        await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self._schema)))
            await self._pool.open(wait=True, timeout=15)
        except (psycopg.OperationalError, PoolTimeout) as error:
            await self._pool.close()  # stop its reconnect attempts
            raise StoreUnavailableError(
                f"PostgreSQL に接続できません ({urlsplit(self._conninfo).hostname}): {error}"
            ) from error
        try:
            async with self._pool.connection() as conn:
                applied = await migrate(conn)
        except BaseException:
            await self._pool.close()
            raise
        if applied:
            log.info("storage migrations applied: %s", applied)

    async def close(self) -> None:
        await self._pool.close()

    async def _fetch(self, query: sql.Composable | str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(query, params)
            return await cursor.fetchall() if cursor.description else []

    # --- documents -------------------------------------------------------------------
    async def get(self, kind: str, key: str) -> Doc | None:
        rows = await self._fetch("SELECT doc FROM documents WHERE kind = %s AND key = %s", (check_kind(kind), key))
        return rows[0][0] if rows else None

    async def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Doc | None]:
        rows = await self._fetch(
            "SELECT d.doc FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS k (kind, key, n)"
            " LEFT JOIN documents d ON d.kind = k.kind AND d.key = k.key ORDER BY k.n",
            ([check_kind(kind) for kind, _ in keys], [key for _, key in keys]),
        )
        return [row[0] for row in rows]

    async def put(self, kind: str, key: str, doc: Doc) -> None:
        await self._fetch(*_put_sql(kind, key, doc, datetime.now(UTC)))

    async def update(self, kind: str, key: str, changes: Doc, *, expect: Where | None = None) -> Doc | None:
        rows = await self._fetch(*_update_sql(kind, key, changes, expect, datetime.now(UTC)))
        return rows[0][0] if rows else None

    async def delete(self, kind: str, key: str) -> bool:
        rows = await self._fetch(
            "DELETE FROM documents WHERE kind = %s AND key = %s RETURNING 1", (check_kind(kind), key)
        )
        return bool(rows)

    async def find(
        self, kind: str, *, where: Where | None = None, updated_before: datetime | None = None, limit: int | None = None
    ) -> list[Doc]:
        condition, params = where_sql(where)
        before, before_params = time_sql("updated_at", None, updated_before)
        rows = await self._fetch(
            sql.SQL("SELECT doc FROM documents WHERE kind = %s AND {} AND {} ORDER BY updated_at DESC LIMIT %s").format(
                condition, before
            ),
            [check_kind(kind), *params, *before_params, limit],
        )
        return [row[0] for row in rows]

    # --- records ---------------------------------------------------------------------
    async def write(self, *writes: Write) -> list[Doc | str | None]:
        """One statement, each write a data-modifying CTE: atomic, and one round trip."""
        if not writes:
            return []
        now = datetime.now(UTC)
        parts: list[str] = []
        params: list[Any] = []
        records: list[tuple[str, datetime]] = []
        results: list[Doc | str | None] = []
        documents: set[tuple[str, str]] = set()
        for n, item in enumerate(writes):
            if isinstance(item, Append):
                query, values, at = _append_sql(item.kind, item.record, now)
                records.append((item.kind, at))
                results.append(values[1])
            else:
                if (item.kind, item.key) in documents:
                    raise ValueError(f"write: {item.kind}/{item.key} more than once")
                documents.add((item.kind, item.key))
                query, values = (_put_sql(item.kind, item.key, item.doc, now) if isinstance(item, Put)
                                 else _update_sql(item.kind, item.key, item.changes, item.expect, now))
                results.append(None)
            parts.append(f"w{n} AS ({query})")
            params += values
        updated = [n for n, item in enumerate(writes) if isinstance(item, Update)]
        returned = ", ".join(f"(SELECT doc FROM w{n})" for n in updated) or "1"
        rows = await self._insert(f"WITH {', '.join(parts)} SELECT {returned}", params, records)
        for column, n in enumerate(updated):
            results[n] = rows[0][column]
        return results

    async def append(self, kind: str, record: Doc) -> str:
        query, params, at = _append_sql(kind, record, datetime.now(UTC))
        await self._insert(query, params, [(kind, at)])
        return params[1]

    async def _insert(self, query: str, params: Sequence[Any], records: Sequence[tuple[str, datetime]]) -> list[tuple[Any, ...]]:
        """Run a statement that inserts records at these times, their monthly partitions made first."""
        months = {(kind, at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)): at for kind, at in records}
        async with self._pool.connection() as conn:
            for month, at in months.items():
                if month not in self._partitions:
                    await conn.execute("SELECT storage_record_partition(%s, %s)", (month[0], at))
                    self._partitions.add(month)
            try:
                cursor = await conn.execute(query, params)
            except psycopg.errors.CheckViolation:
                # A month was purged by another instance since we saw it; recreate it.
                for month, at in months.items():
                    await conn.execute("SELECT storage_record_partition(%s, %s)", (month[0], at))
                cursor = await conn.execute(query, params)
            return await cursor.fetchall() if cursor.description else []

    def _range(
        self, kind: str, since: datetime | None, until: datetime | None, where: Where | None
    ) -> tuple[sql.Composable, list[Any]]:
        condition, params = where_sql(where)
        times, time_params = time_sql("at", since, until)
        return sql.SQL("kind = %s AND {} AND {}").format(times, condition), [check_kind(kind), *time_params, *params]

    async def records(
        self,
        kind: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        where: Where | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[Doc]:
        condition, params = self._range(kind, since, until, where)
        order = sql.SQL("at DESC, id DESC" if newest_first else "at, id")
        rows = await self._fetch(
            sql.SQL("SELECT doc FROM records WHERE {} ORDER BY {} LIMIT %s").format(condition, order), [*params, limit]
        )
        return [row[0] for row in rows]

    async def sample(
        self, kind: str, n: int, *, since: datetime | None = None, until: datetime | None = None,
        where: Where | None = None,
    ) -> list[Doc]:
        """The ``n`` matching rows that follow a random point in ``rnd`` order (wrapping round).

        ``rnd`` is set at insert independently of the content and spreads consecutive records
        evenly over [0, 1) (migration 0003), so every record of a time range has about the same
        chance; the planner reads it from the ``rnd`` index or, for narrow ranges, the ``at`` one.
        """
        condition, params = self._range(kind, since, until, where)
        start = random.random()
        query = sql.SQL("SELECT doc FROM records WHERE {} AND rnd {} %s ORDER BY rnd LIMIT %s")
        rows = await self._fetch(query.format(condition, sql.SQL(">=")), [*params, start, n])
        if len(rows) < n:
            rows += await self._fetch(query.format(condition, sql.SQL("<")), [*params, start, n - len(rows)])
        return [row[0] for row in rows]

    async def count(
        self, kind: str, *, since: datetime | None = None, until: datetime | None = None, by: tuple[str, ...] = ()
    ) -> dict[tuple[Any, ...], int]:
        condition, params = self._range(kind, since, until, None)
        fields = [sql.SQL("doc -> {}").format(sql.Literal(f)) for f in by]
        groups = sql.SQL(" GROUP BY {}").format(sql.SQL(", ").join(fields)) if by else sql.SQL("")
        rows = await self._fetch(
            sql.SQL("SELECT {} FROM records WHERE {}{}").format(
                sql.SQL(", ").join([*fields, sql.SQL("count(*)")]), condition, groups
            ),
            params,
        )
        return {tuple(hashable(v) for v in row[:-1]): row[-1] for row in rows}

    # --- retention and coordination ------------------------------------------------------
    async def purge_records(self, kind: str, before: datetime, *, dry_run: bool = False) -> PurgeResult:
        """Drop the months wholly before ``before``; delete from the month that straddles it."""
        check_kind(kind)
        removed = 0
        vacuum: list[str] = []
        async with self._pool.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = to_regclass(%s)",
                (f"records_{kind}",),
            )
            for (name,) in await cursor.fetchall():
                start = _month(name)
                table = sql.Identifier(name)
                if start >= before:
                    continue
                if _next_month(start) <= before:
                    counted = await conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
                    removed += (await counted.fetchone() or (0,))[0]
                    if not dry_run:
                        await conn.execute(sql.SQL("DROP TABLE {}").format(table))
                elif dry_run:
                    counted = await conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE at < %s").format(table), (before,))
                    removed += (await counted.fetchone() or (0,))[0]
                else:
                    deleted = await conn.execute(sql.SQL("DELETE FROM {} WHERE at < %s").format(table), (before,))
                    removed += deleted.rowcount
                    vacuum.append(name)
        if not dry_run:
            self._partitions = {p for p in self._partitions if p[0] != kind or _next_month(p[1]) > before}
        await self._vacuum(vacuum)
        return PurgeResult(kind, removed, before, dry_run)

    async def purge_documents(
        self, kind: str, before: datetime, *, where: Where, dry_run: bool = False
    ) -> PurgeResult:
        condition, params = where_sql(where)
        action = sql.SQL("SELECT 1 FROM" if dry_run else "DELETE FROM")
        rows = await self._fetch(
            sql.SQL("{} documents WHERE kind = %s AND updated_at < %s AND {}{}").format(
                action, condition, sql.SQL("" if dry_run else " RETURNING 1")
            ),
            [check_kind(kind), before, *params],
        )
        if rows and not dry_run:
            await self._vacuum(["documents"])
        return PurgeResult(kind, len(rows), before, dry_run)

    async def _vacuum(self, tables: list[str]) -> None:
        """Let PostgreSQL reuse the space of deleted rows now rather than whenever autovacuum runs."""
        if not tables:
            return
        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, **self._connect_kwargs
        ) as conn:
            for table in tables:
                await conn.execute(sql.SQL("VACUUM {}").format(sql.Identifier(table)))

    async def hit(self, bucket: str, window_s: float) -> int:
        # One statement (migration 0004): hits on one bucket take turns under an advisory lock, so
        # concurrent requests on several instances each see the others' events.
        rows = await self._fetch("SELECT storage_hit(%s, %s)", (bucket, window_s))
        return int(rows[0][0])

    async def try_lease(self, name: str, owner: str, ttl_s: float) -> bool:
        rows = await self._fetch(
            "INSERT INTO leases (name, owner, expires_at) VALUES (%(n)s, %(o)s, now() + make_interval(secs => %(t)s))"
            " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at"
            " WHERE leases.owner = excluded.owner OR leases.expires_at < now() RETURNING 1",
            {"n": name, "o": owner, "t": ttl_s},
        )
        return bool(rows)

"""Schema migrations for PostgreSQL: numbered SQL files in ``storage/migrations``.

Applied at open, each once, recorded in ``schema_migrations``. A transaction-scoped advisory
lock (per schema) makes instances that start together apply them one at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from psycopg import AsyncConnection

FOLDER = Path(__file__).with_name("migrations")
_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for path in sorted(FOLDER.glob("*.sql")):
        match = _NAME.fullmatch(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} must be named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError("two migration files share a number")
    return found


async def migrate(conn: AsyncConnection) -> list[int]:
    """Apply the pending migrations; returns the versions applied now."""
    applied = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.storage.migrations'))")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor = await conn.execute("SELECT version FROM schema_migrations")
        done = {row[0] for row in await cursor.fetchall()}
        for migration in migrations():
            if migration.version in done:
                continue
            await conn.execute(migration.sql)  # no parameters: several statements in one call
            await conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (migration.version, migration.name)
            )
            applied.append(migration.version)
    return applied

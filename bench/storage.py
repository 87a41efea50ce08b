"""Storage benchmark: write latency and sample-query time as the exchange log grows.

    .venv/bin/python bench/storage.py --backend tinydb --sizes 10000,100000,1000000
    .venv/bin/python bench/storage.py --backend postgres --sizes 10000,1000000,10000000 \\
        --postgres-url postgresql://postgres@127.0.0.1:5432/test

At each size the log is first filled up to that many exchanges (in bulk, spread over time at
``--per-day`` a day, ending now), then the script measures through the real ``Store``:

* ``append``: ``--writes`` acknowledged single appends (fsync / commit each), p50 and p95;
* ``sample``: ``store.sample("exchanges", 50)`` over the last 30 days, and with a department
  filter, median of 5, after a first (cold) call that TinyDB spends replaying the months' files;
  also the process CPU time of a sample (the work itself, apart from waiting on a busy machine);
* ``count``: exchanges of those 30 days grouped by department and service.

Bulk filling uses the backends' own formats (TinyDB: the JSONL log in 10 000-line fsynced
batches; PostgreSQL: one INSERT ... SELECT per step into the monthly partitions). Free disk is
checked first. Everything lives in a temporary folder / a schema of its own, removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from psycopg import sql

from storage import Store, open_store
from storage.jsonl import JsonlStorage
from storage.tiny import month_start, next_month
from storage.values import iso

DEPARTMENTS = [f"部署{i:02d}" for i in range(40)]
SERVICES = ["chatbot", "chatgpt"]
BYTES_PER_RECORD = {"tinydb": 700, "postgres": 1200}  # file / table+indexes, measured, with margin


def exchange(i: int, at: datetime) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex, "at": iso(at), "user_id": f"user-{i % 3000}", "user_name": "職員",
        "department": DEPARTMENTS[i % len(DEPARTMENTS)], "division": "部", "service": SERVICES[i % 2],
        "provider": "anthropic", "model": "claude-haiku-4-5", "verdict": "allow", "categories": [],
        "input_masked": "会議の議事録を要約してください。" * 4, "input_chars": 64,
        "answer_masked": "要約です。" * 20, "answer_flagged": False, "status": "answered", "scope": "personal",
        "latency_ms": {"screen": 3, "first_token": 420, "total": 1800},
    }


def moment(i: int, total: int, per_day: int, now: datetime) -> datetime:
    """The i-th of ``total`` exchanges, evenly spaced at ``per_day`` a day, the last one now."""
    return now - timedelta(seconds=(total - 1 - i) * 86400 / per_day)


async def fill_tinydb(folder: Path, start: int, stop: int, total: int, per_day: int, now: datetime) -> None:
    batches: dict[Path, list[Any]] = defaultdict(list)

    def flush(path: Path) -> None:
        log = JsonlStorage(path)
        log.apply(batches.pop(path))
        log.close()

    for i in range(start, stop):
        doc = exchange(i, moment(i, total, per_day, now))
        path = folder / "records" / "exchanges" / f"{doc['at'][:7]}.jsonl"
        batches[path].append(("exchanges", doc["id"], doc))
        if len(batches[path]) >= 10_000:
            await asyncio.to_thread(flush, path)
    for path in list(batches):
        await asyncio.to_thread(flush, path)


async def fill_postgres(server: str, schema: str, start: int, stop: int, total: int, per_day: int,
                        now: datetime) -> None:
    step = 86400.0 / per_day
    first = moment(start, total, per_day, now)
    last = moment(stop - 1, total, per_day, now)
    async with await psycopg.AsyncConnection.connect(server, autocommit=True) as conn:
        await conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(schema)))
        month = month_start(first)
        while month <= last:
            await conn.execute("SELECT storage_record_partition('exchanges', %s)", (month,))
            month = next_month(month)
        departments = "ARRAY[" + ",".join(f"'{d}'" for d in DEPARTMENTS) + "]"
        await conn.execute(sql.SQL(f"""
            INSERT INTO records (kind, id, at, doc)
            SELECT 'exchanges', id, at, jsonb_build_object(
                'id', id, 'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
                'user_id', 'user-' || mod(i, 3000), 'user_name', '職員',
                'department', ({departments})[1 + mod(i, {len(DEPARTMENTS)})::int], 'division', '部',
                'service', (ARRAY['chatbot','chatgpt'])[1 + mod(i, 2)::int], 'provider', 'anthropic',
                'model', 'claude-haiku-4-5', 'verdict', 'allow', 'categories', '[]'::jsonb,
                'input_masked', repeat('会議の議事録を要約してください。', 4), 'input_chars', 64,
                'answer_masked', repeat('要約です。', 20), 'answer_flagged', false, 'status', 'answered',
                'scope', 'personal', 'latency_ms', '{{"screen": 3, "first_token": 420, "total": 1800}}'::jsonb)
            FROM (SELECT i, md5(random()::text || i) AS id,
                         %(now)s::timestamptz - make_interval(secs => (%(total)s - 1 - i) * %(step)s) AS at
                  FROM generate_series(%(start)s::bigint, %(stop)s::bigint - 1) AS i) AS g
        """), {"now": now, "total": total, "step": step, "start": start, "stop": stop})
        await conn.execute("ANALYZE records")


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def cpu_timed(call: Callable[[], Awaitable[Any]]) -> float:
    """CPU time of this process (all threads) for the call: the work itself, without waiting for a
    busy machine's CPUs. For PostgreSQL it leaves out the server's share."""
    started = time.process_time()
    await call()
    return (time.process_time() - started) * 1000


def quantile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


async def measure(store: Store, writes: int, now: datetime) -> dict[str, float]:
    latencies = [
        await timed(lambda i=i: store.append("exchanges", exchange(i, datetime.now(UTC)))) for i in range(writes)
    ]
    month, until = now - timedelta(days=30), now  # a month of the log, as /admin samples it
    department = {"department": random.choice(DEPARTMENTS)}
    cold = await timed(lambda: store.sample("exchanges", 50, since=month, until=until))
    plain = [await timed(lambda: store.sample("exchanges", 50, since=month, until=until)) for _ in range(5)]
    filtered = [
        await timed(lambda: store.sample("exchanges", 50, since=month, until=until, where=department)) for _ in range(5)
    ]
    cpu = [await cpu_timed(lambda: store.sample("exchanges", 50, since=month, until=until)) for _ in range(3)]
    picked = await store.sample("exchanges", 50, since=month, until=until)
    assert len(picked) == 50 and all(iso(month) <= r["at"] < iso(until) for r in picked)
    counted = await timed(lambda: store.count("exchanges", since=month, until=until, by=("department", "service")))
    return {
        "append_p50": statistics.median(latencies), "append_p95": quantile(latencies, 0.95),
        "sample_cold": cold, "sample": statistics.median(plain), "sample_department": statistics.median(filtered),
        "count": counted, "sample_cpu": statistics.median(cpu),
    }


def check_disk(path: Path, backend: str, size: int) -> None:
    needed = BYTES_PER_RECORD[backend] * size * 1.5
    free = shutil.disk_usage(path).free
    print(f"free disk at {path}: {free / 1e9:.1f} GB; this run needs about {needed / 1e9:.1f} GB")
    if free < needed:
        sys.exit(f"not enough free disk for {size} exchanges on {backend}: choose smaller --sizes")


async def run(args: argparse.Namespace) -> None:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    now = datetime.now(UTC)
    print(f"{args.backend}: sizes {sizes}, {args.per_day} exchanges a day, {args.writes} timed appends a step; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    cleanup: Callable[[], None]
    if args.backend == "tinydb":
        folder = Path(tempfile.mkdtemp(prefix="bench-storage-", dir=args.dir))
        check_disk(folder, "tinydb", sizes[-1])
        url = f"tinydb:///{folder}"

        def cleanup() -> None:
            shutil.rmtree(folder)
    else:
        schema = f"bench_storage_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres_url) as conn:
            location = conn.execute("SHOW data_directory").fetchone()
        check_disk(Path(location[0]) if location and Path(location[0]).exists() else Path("/"), "postgres", sizes[-1])
        url = f"{args.postgres_url}{'&' if '?' in args.postgres_url else '?'}schema={schema}"

        def cleanup() -> None:
            with psycopg.connect(args.postgres_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))

    total = sizes[-1]
    filled = 0
    header = f"{'exchanges':>10} {'fill s':>7} {'append p50':>11} {'p95':>7} {'sample cold':>12} " \
             f"{'sample':>7} {'+dept':>7} {'count':>7} {'sample cpu':>11}  (ms)"
    try:
        store = open_store(url)
        await store.open()  # PostgreSQL: creates the schema and applies the migrations
        await store.close()
        print(header)
        for size in sizes:
            # Fill the oldest part first: exchanges i in [filled, size) of the final ``total``,
            # so every step's log ends near now and earlier steps are a prefix of later ones.
            started = time.perf_counter()
            low, high = total - size, total - filled
            if args.backend == "tinydb":
                await fill_tinydb(Path(url[len("tinydb:///"):]), low, high, total, args.per_day, now)
            else:
                await fill_postgres(args.postgres_url, schema, low, high, total, args.per_day, now)
            fill_s = time.perf_counter() - started
            filled = size
            store = open_store(url)
            await store.open()
            try:
                figures = await measure(store, args.writes, now)
            finally:
                await store.close()
            print(f"{size:>10} {fill_s:>7.1f} {figures['append_p50']:>11.2f} {figures['append_p95']:>7.2f} "
                  f"{figures['sample_cold']:>12.1f} {figures['sample']:>7.1f} {figures['sample_department']:>7.1f} "
                  f"{figures['count']:>7.1f} {figures['sample_cpu']:>11.1f}", flush=True)
    finally:
        if not args.keep:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["tinydb", "postgres"], required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated log sizes (exchanges)")
    parser.add_argument("--per-day", type=int, default=5000, help="exchanges a day (spreads the log over time)")
    parser.add_argument("--writes", type=int, default=200, help="timed appends at each size")
    parser.add_argument("--dir", default=None, help="parent folder for the TinyDB files (default: system temp)")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the files / schema afterwards")
    args = parser.parse_args()
    if args.backend == "postgres" and not args.postgres_url:
        parser.error("--postgres-url (or TEST_POSTGRES_URL) is needed for --backend postgres")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

"""Storage benchmark: write latency and sample-query time as the exchange log grows.

    .venv/bin/python bench/storage.py --backend tinydb --sizes 10000,100000,1000000
    .venv/bin/python bench/storage.py --backend postgres --sizes 10000,1000000,10000000 \\
        --postgres-url postgresql://postgres@127.0.0.1:5432/test

At each size the log is first filled up to that many exchanges (in bulk, spread over time at
``--per-day`` a day, ending now), then the script measures through the real ``Store``:

* ``append``: ``--writes`` acknowledged single appends (fsync / commit each), p50 and p95, each
  followed by one to a log of 10 000 exchanges (``10k p50``: the machine's load at that moment);
* ``sample``: ``store.sample("exchanges", 50)`` over the last 30 days, and with a department
  filter, median of 5, after a first (cold) call that TinyDB spends replaying the months' files;
  also the process CPU time of a sample (the work itself, apart from waiting on a busy machine);
* ``count``: exchanges of those 30 days grouped by department and service;
* PostgreSQL also: how unequal the records' chances are to be in such a sample (``spread``) and
  the exchanges' size on disk.

The exchanges look like the chat path's (``exchange``: the same fields, masked texts cut from
real Japanese prose at realistic lengths). Bulk filling uses the backends' own formats (TinyDB:
the JSONL log in 10 000-line fsynced batches; PostgreSQL: COPY into ``records``, a month a
transaction, into the partitions and indexes the migrations define). Free disk is checked
first. Everything lives in a temporary folder / a schema of its own, removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import itertools
import json
import math
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
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from psycopg import sql

from storage import Store, open_store
from storage.jsonl import JsonlStorage
from storage.tiny import month_start
from storage.values import iso
from workflows.chat import Exchange

ROOT = Path(__file__).resolve().parents[1]
# Real Japanese prose to cut the masked texts from, so that they are as long as real ones and
# compress (PostgreSQL TOAST, pglz) as real text does, not like one phrase repeated.
CORPUS = (ROOT / "policy" / "guide" / "data" / "matsudo-genai-rules-v3.md").read_text(encoding="utf-8")
DEPARTMENTS = [f"部署{i:02d}" for i in range(40)]
USERS = [  # (AAD object id, display name); a person stays in one department
    (str(uuid.UUID(bytes=hashlib.md5(f"user-{n}".encode()).digest())),
     f"{'山田鈴木佐藤高橋田中伊藤渡辺中村'[n % 8 * 2:n % 8 * 2 + 2]} {'太郎花子一郎美咲大輔由美健一恵子'[n // 8 % 8 * 2:n // 8 % 8 * 2 + 2]}")
    for n in range(3000)
]
MODELS = {"chatbot": ("anthropic", "claude-haiku-4-5"), "chatgpt": ("openai", "gpt-4o-mini")}
FIELDS = {f.name for f in fields(Exchange)} | {"at"}
REFERENCE = 10_000  # exchanges in the log that every timed append is compared with
BYTES_PER_RECORD = {"tinydb": 3500, "postgres": 2600}  # file / table+indexes, measured, with margin


def prose(rng: random.Random, median: int, sigma: float, cap: int) -> str:
    """A cut of the corpus, log-normally long: most prompts are a line or two, some are pastes."""
    length = max(2, min(cap, int(rng.lognormvariate(math.log(median), sigma))))
    start = rng.randrange(len(CORPUS))
    text = CORPUS[start:start + length]
    while len(text) < length:
        text += CORPUS[:length - len(text)]
    return text


def masked(rng: random.Random, text: str) -> str:
    """``text`` with one span hidden as policy.mask hides a name or a number (same length)."""
    start = rng.randrange(len(text))
    end = min(len(text), start + rng.randint(2, 12))
    return text[:start] + "*" * (end - start) + text[end:]


def exchange(i: int, at: datetime, rng: random.Random) -> dict[str, Any]:
    """The i-th exchange as the chat path records it (workflows.chat.Exchange, same fields).

    Texts: inputs median 120 characters (1 in 100 over 2 000, the 長文 flag), answers median 500;
    6 in 100 need confirmation (a masked name in the input), 2 in 100 are blocked (no input kept,
    no answer), 1 in 200 fail; 1 answer in 100 is masked for personal information.
    """
    user = rng.randrange(len(USERS))  # people write when they need to, not in turns
    user_id, user_name = USERS[user]
    department = DEPARTMENTS[user % len(DEPARTMENTS)]
    service = "chatbot" if rng.random() < 0.7 else "chatgpt"
    text = prose(rng, 120, 1.2, 20000)
    roll = rng.random()
    verdict, status, categories = "allow", "answered", []
    if roll < 0.02:
        verdict, status, categories = "block", "blocked", ["マイナンバー"]
    elif roll < 0.08:
        verdict, categories = "confirm", ["氏名"]
    elif roll < 0.085:
        status = "failed"
    answered = status == "answered"
    answer = prose(rng, 500, 0.6, 6000) if answered else None
    flagged = answered and rng.random() < 0.01
    first_token = rng.randint(300, 3000)
    doc = {
        "id": uuid.uuid4().hex, "at": iso(at), "user_id": user_id, "user_name": user_name,
        "department": department, "division": f"部局{DEPARTMENTS.index(department) // 4:02d}",
        "service": service, "provider": MODELS[service][0], "model": MODELS[service][1], "verdict": verdict,
        "status": status, "scope": "personal" if rng.random() < 0.9 else "groupChat", "input_chars": len(text),
        "input_masked": None if verdict == "block" else masked(rng, text) if categories else text,
        "categories": categories, "answer_masked": masked(rng, answer) if answer and flagged else answer,
        "answer_flagged": flagged, "error": "timeout" if status == "failed" else None,
        "latency_ms": {"screen": rng.randint(2, 40), "first_token": first_token if answered else None,
                       "total": first_token + rng.randint(500, 20000) if answered else None},
    }
    assert doc.keys() == FIELDS
    return doc


def moment(i: int, total: int, per_day: int, now: datetime) -> datetime:
    """The i-th of ``total`` exchanges, evenly spaced at ``per_day`` a day, the last one now."""
    return now - timedelta(seconds=(total - 1 - i) * 86400 / per_day)


async def fill_tinydb(folder: Path, start: int, stop: int, total: int, per_day: int, now: datetime,
                      rng: random.Random) -> None:
    batches: dict[Path, list[Any]] = defaultdict(list)

    def flush(path: Path) -> None:
        log = JsonlStorage(path)
        log.apply(batches.pop(path))
        log.close()

    for i in range(start, stop):
        doc = exchange(i, moment(i, total, per_day, now), rng)
        path = folder / "records" / "exchanges" / f"{doc['at'][:7]}.jsonl"
        batches[path].append(("exchanges", doc["id"], doc))
        if len(batches[path]) >= 10_000:
            await asyncio.to_thread(flush, path)
    for path in list(batches):
        await asyncio.to_thread(flush, path)


def fill_postgres(server: str, schema: str, start: int, stop: int, total: int, per_day: int, now: datetime,
                  rng: random.Random) -> None:
    """COPY the exchanges into ``records``, one month (one transaction) at a time.

    Each month's partition is made by ``storage_record_partition`` and ``rnd`` comes from the
    column's default, as for the store's appends; the rows reach the partitions' indexes one by
    one, as appended rows do, so the indexes grow (and split pages) as they would in use.
    """
    with psycopg.connect(server, autocommit=True, options=f"-c search_path={schema}") as conn:
        for month, rows in itertools.groupby(range(start, stop), lambda i: month_start(moment(i, total, per_day, now))):
            conn.execute("SELECT storage_record_partition('exchanges', %s)", (month,))
            with conn.transaction(), conn.cursor().copy("COPY records (kind, id, at, doc) FROM STDIN") as copy:
                for i in rows:
                    doc = exchange(i, moment(i, total, per_day, now), rng)
                    copy.write_row(("exchanges", doc["id"], doc["at"], json.dumps(doc, ensure_ascii=False)))
        conn.execute("ANALYZE records")
        # The timed appends commit one by one: let them not queue behind the fill's writes.
        conn.execute("CHECKPOINT")


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


async def measure(store: Store, reference: Store, writes: int, now: datetime, rng: random.Random) -> dict[str, float]:
    # Each timed append to the log is followed by one to a log of 10 000 exchanges, so that what
    # the machine's load does to commits shows in both and the log's size in the difference.
    latencies, references = [], []
    for i in range(writes):
        latencies.append(await timed(lambda i=i: store.append("exchanges", exchange(i, datetime.now(UTC), rng))))
        references.append(await timed(lambda i=i: reference.append("exchanges", exchange(i, datetime.now(UTC), rng))))
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
        "reference_p50": statistics.median(references),
        "sample_cold": cold, "sample": statistics.median(plain), "sample_department": statistics.median(filtered),
        "count": counted, "sample_cpu": statistics.median(cpu),
    }


def spread(server: str, schema: str, now: datetime) -> tuple[float, float, float]:
    """PostgreSQL: how unequal the records' chances are to be in a sample of 50 from the last 30
    days (coefficient of variation; 0 is a uniform sample), without and with a department filter;
    and the size of the exchanges on disk (GB, tables, TOAST and indexes).

    ``sample`` takes the 50 rows that follow a random point in ``rnd`` order, so a row's chance
    is the width of ``rnd`` covered by it and the 49 rows before it."""
    with psycopg.connect(server, options=f"-c search_path={schema}") as conn:
        query = """
            SELECT stddev_pop(w) / avg(w) FROM (
                SELECT rnd - lag(rnd, 50) OVER (PARTITION BY {} ORDER BY rnd) AS w
                  FROM records WHERE kind = 'exchanges' AND at >= %(since)s AND at < %(until)s) AS r"""
        params = {"since": now - timedelta(days=30), "until": now}
        plain = conn.execute(query.format("kind"), params).fetchone()[0]
        department = conn.execute(query.format("doc ->> 'department'"), params).fetchone()[0]
        size = conn.execute("SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits"
                            " WHERE inhparent = 'records_exchanges'::regclass").fetchone()[0]
    # None when the range holds no more than 50 (matching) records: every one is in each sample.
    return float(plain or 0), float(department or 0), float(size) / 1e9


def check_disk(path: Path, backend: str, size: int) -> None:
    needed = BYTES_PER_RECORD[backend] * size * 1.5
    free = shutil.disk_usage(path).free
    print(f"free disk at {path}: {free / 1e9:.1f} GB; this run needs about {needed / 1e9:.1f} GB")
    if free < needed:
        sys.exit(f"not enough free disk for {size} exchanges on {backend}: choose smaller --sizes")


@dataclass
class Log:
    """Where one benchmark log lives, how to fill it and how to remove it."""

    url: str
    schema: str  # PostgreSQL only
    fill: Callable[[int, int, int, int, datetime, random.Random], Awaitable[None]]
    cleanup: Callable[[], None]


def prepare(args: argparse.Namespace, size: int) -> Log:
    """A temporary folder / schema for a log of ``size`` exchanges, after checking free disk."""
    if args.backend == "tinydb":
        folder = Path(tempfile.mkdtemp(prefix="bench-storage-", dir=args.dir))
        check_disk(folder, "tinydb", size)
        return Log(f"tinydb:///{folder}", "", functools.partial(fill_tinydb, folder),
                   functools.partial(shutil.rmtree, folder))
    schema = f"bench_storage_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres_url) as conn:
        location = conn.execute("SHOW data_directory").fetchone()
    check_disk(Path(location[0]) if location and Path(location[0]).exists() else Path("/"), "postgres", size)

    async def fill(*span: Any) -> None:
        await asyncio.to_thread(fill_postgres, args.postgres_url, schema, *span)

    def cleanup() -> None:
        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))

    return Log(f"{args.postgres_url}{'&' if '?' in args.postgres_url else '?'}schema={schema}", schema, fill, cleanup)


async def run(args: argparse.Namespace) -> None:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    now = datetime.now(UTC)
    print(f"{args.backend}: sizes {sizes}, {args.per_day} exchanges a day, {args.writes} timed appends a step; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    target = prepare(args, sizes[-1])
    reference = prepare(args, REFERENCE)
    total = sizes[-1]
    filled = 0
    rng = random.Random(args.seed)
    header = f"{'exchanges':>10} {'fill s':>7} {'append p50':>11} {'p95':>7} {'10k p50':>7} {'sample cold':>12} " \
             f"{'sample':>7} {'+dept':>7} {'count':>7} {'sample cpu':>11}  (ms)  load"
    if args.backend == "postgres":
        header += "  spread +dept   GB"
    try:
        for log in (target, reference):
            store = open_store(log.url)
            await store.open()  # PostgreSQL: creates the schema and applies the migrations
            await store.close()
        await reference.fill(0, REFERENCE, REFERENCE, args.per_day, now, rng)
        print(header)
        for size in sizes:
            # Fill the oldest part first: exchanges i in [filled, size) of the final ``total``,
            # so every step's log ends near now and earlier steps are a prefix of later ones.
            started = time.perf_counter()
            low, high = total - size, total - filled
            await target.fill(low, high, total, args.per_day, now, rng)
            fill_s = time.perf_counter() - started
            filled = size
            store, small = open_store(target.url), open_store(reference.url)
            await store.open()
            await small.open()
            try:
                figures = await measure(store, small, args.writes, now, rng)
            finally:
                await store.close()
                await small.close()
            line = f"{size:>10} {fill_s:>7.1f} {figures['append_p50']:>11.2f} {figures['append_p95']:>7.2f} " \
                   f"{figures['reference_p50']:>7.2f} " \
                   f"{figures['sample_cold']:>12.1f} {figures['sample']:>7.1f} {figures['sample_department']:>7.1f} " \
                   f"{figures['count']:>7.1f} {figures['sample_cpu']:>11.1f}  {os.getloadavg()[0]:>10.1f}"
            if args.backend == "postgres":
                line += "  {:>6.1%} {:>5.1%} {:>4.1f}".format(*await asyncio.to_thread(
                    spread, args.postgres_url, target.schema, now))
            print(line, flush=True)
    finally:
        if not args.keep:
            target.cleanup()
        reference.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["tinydb", "postgres"], required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated log sizes (exchanges)")
    parser.add_argument("--per-day", type=int, default=5000, help="exchanges a day (spreads the log over time)")
    parser.add_argument("--writes", type=int, default=200, help="timed appends at each size")
    parser.add_argument("--dir", default=None, help="parent folder for the TinyDB files (default: system temp)")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL", ""))
    parser.add_argument("--seed", type=int, default=1, help="seed of the exchanges' random contents")
    parser.add_argument("--keep", action="store_true", help="keep the files / schema afterwards")
    args = parser.parse_args()
    if args.backend == "postgres" and not args.postgres_url:
        parser.error("--postgres-url (or TEST_POSTGRES_URL) is needed for --backend postgres")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

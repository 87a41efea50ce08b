"""The embedded backend: TinyDB over append-only JSON Lines logs (``storage.jsonl``).

Layout of the directory:

* ``documents.jsonl``: every document kind, one TinyDB table per kind, keyed by document key.
* ``records/<kind>/<YYYY-MM>.jsonl``: one log per record kind and month (by ``at``). Appends
  go to the month's file; purging removes whole months and rewrites only the month that
  straddles the cut-off.
* ``LOCK``: held (``flock``) while a process has the store open. One process at a time: the
  logs are safe for concurrent requests inside that process, not across processes.

Blocking work (file I/O, fsync, replay, scans) runs in worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import random
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Table

from storage.base import Append, Doc, PurgeResult, Put, Update, Where, Write
from storage.jsonl import JsonlStorage, fsync_dir
from storage.values import check_kind, clone, group_key, iso, options, plain, prepare_record

T = TypeVar("T")
LEASES = "storage_leases"


class StoreBusyError(Exception):
    """Another process has this TinyDB directory open."""


class KeyedTable(Table):
    """A TinyDB table keyed by our own string keys, changed through the log, not by rewriting."""

    document_id_class = str

    def put(self, key: str, doc: Doc) -> None:
        self._log().apply([(self.name, key, doc)])

    def drop(self, keys: list[str]) -> None:
        if keys:
            self._log().apply([(self.name, key, None) for key in keys])

    def raw(self, key: str) -> Doc | None:
        return self._read_table().get(key)

    def matching(self, cond: Callable[[Doc], bool]) -> dict[str, Doc]:
        """Stored documents (not copies) for which ``cond`` holds, by key.

        ``search`` wraps every match in a new ``Document``; on a month of records those
        allocations and the garbage collections they trigger cost several times the scan itself.
        """
        return {key: doc for key, doc in self._read_table().items() if cond(doc)}

    def _log(self) -> JsonlStorage:
        storage = self.storage
        assert isinstance(storage, JsonlStorage)
        return storage


class LogDB(TinyDB):
    table_class = KeyedTable

    def kind(self, name: str) -> KeyedTable:
        table = self.table(name, cache_size=0)
        assert isinstance(table, KeyedTable)
        return table

    @property
    def log(self) -> JsonlStorage:
        storage = self.storage
        assert isinstance(storage, JsonlStorage)
        return storage


class Match:
    """A TinyDB query (callable on a document) for ``where`` and a time range on one field.

    Plain comparisons on the stored ISO strings: about ten times faster than composed
    ``tinydb.Query`` objects, which matters when a month holds a hundred thousand records.
    """

    def __init__(self, where: Where | None, field: str = "at", since: datetime | None = None,
                 until: datetime | None = None) -> None:
        self._where = []
        for name, wanted in (where or {}).items():
            allowed = options(wanted)
            self._where.append((name, allowed if allowed is not None else [plain({"v": wanted})["v"]]))
        self._field = field
        self._since = iso(since) if since is not None else None
        self._until = iso(until) if until is not None else None

    def __call__(self, doc: Mapping[str, Any]) -> bool:
        if self._since is not None or self._until is not None:
            moment = doc.get(self._field)
            if not isinstance(moment, str):
                return False
            if (self._since is not None and moment < self._since) or (self._until is not None and moment >= self._until):
                return False
        return all(name in doc and doc[name] in allowed for name, allowed in self._where)

    def is_cacheable(self) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)


def month_start(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


class TinyStore:
    def __init__(
        self, directory: str | os.PathLike[str], *, loaded_partitions: int = 4, compact_after: int = 1000
    ) -> None:
        self.directory = Path(directory)
        self._compact_after = compact_after
        self._loaded_limit = loaded_partitions
        self._lock_file: Any = None
        self._documents: LogDB | None = None
        self._partitions: dict[Path, LogDB] = {}
        self._loaded: OrderedDict[Path, None] = OrderedDict()
        # Guards the two maps above: worker threads open, touch and drop partitions concurrently.
        self._partitions_lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = (self.directory / "LOCK").open("a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StoreBusyError(
                f"保存先 {self.directory} は別のプロセスが使用中です。"
                f" (TinyDB store {self.directory} is open in another process; stop it first.)"
            ) from None
        self._lock_file = lock
        self._documents = LogDB(
            self.directory / "documents.jsonl", storage=JsonlStorage, compact_after=self._compact_after
        )
        self._documents.log.read()

    def _close(self) -> None:
        for db in [*self._partitions.values(), *([self._documents] if self._documents else [])]:
            db.close()
        self._partitions.clear()
        self._loaded.clear()
        self._documents = None
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    @staticmethod
    async def _run(function: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(function, *args)

    @property
    def _docs(self) -> LogDB:
        if self._documents is None:
            raise RuntimeError("store is not open")
        return self._documents

    # --- documents -------------------------------------------------------------------
    async def get(self, kind: str, key: str) -> Doc | None:
        return await self._run(self._get, check_kind(kind), key)

    async def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Doc | None]:
        return await self._run(self._get_many, [(check_kind(kind), key) for kind, key in keys])

    async def put(self, kind: str, key: str, doc: Doc) -> None:
        await self._run(self._put, check_kind(kind), key, plain(doc))

    async def update(self, kind: str, key: str, changes: Doc, *, expect: Where | None = None) -> Doc | None:
        return await self._run(self._update, check_kind(kind), key, plain(changes), expect)

    async def delete(self, kind: str, key: str) -> bool:
        return await self._run(self._delete, check_kind(kind), key)

    async def write(self, *writes: Write) -> list[Doc | str | None]:
        # Everything is checked and prepared before anything is written.
        now = datetime.now(UTC)
        checked: list[Write] = []
        for item in writes:
            if isinstance(item, Append):
                checked.append(Append(check_kind(item.kind), prepare_record(item.record, now)))
            elif isinstance(item, Put):
                checked.append(Put(check_kind(item.kind), item.key, plain(item.doc)))
            else:
                checked.append(Update(check_kind(item.kind), item.key, plain(item.changes), item.expect))
        documents = [(item.kind, item.key) for item in checked if not isinstance(item, Append)]
        if len(set(documents)) != len(documents):
            raise ValueError("write: a document more than once")
        return await self._run(self._write, checked)

    async def find(
        self, kind: str, *, where: Where | None = None, updated_before: datetime | None = None, limit: int | None = None
    ) -> list[Doc]:
        return await self._run(self._find, check_kind(kind), where, updated_before, limit)

    def _get(self, kind: str, key: str) -> Doc | None:
        with self._docs.log.lock:
            doc = self._docs.kind(kind).raw(key)
            return clone(doc) if doc is not None else None

    def _get_many(self, keys: list[tuple[str, str]]) -> list[Doc | None]:
        with self._docs.log.lock:
            found = [self._docs.kind(kind).raw(key) for kind, key in keys]
            return [clone(doc) if doc is not None else None for doc in found]

    def _put(self, kind: str, key: str, doc: Doc) -> None:
        table = self._docs.kind(kind)
        with self._docs.log.lock:
            now = datetime.now(UTC)  # taken under the lock, so updated_at follows the log's order
            old = table.raw(key)
            doc["created_at"] = (old or {}).get("created_at") or doc.get("created_at") or iso(now)
            doc["updated_at"] = iso(now)
            table.put(key, doc)

    def _update(self, kind: str, key: str, changes: Doc, expect: Where | None) -> Doc | None:
        table = self._docs.kind(kind)
        with self._docs.log.lock:
            now = datetime.now(UTC)
            old = table.raw(key)
            if old is None or not Match(expect)(old):
                return None
            doc = {**old, **changes, "updated_at": iso(now)}
            doc["created_at"] = old.get("created_at") or iso(now)
            table.put(key, doc)
            return clone(doc)

    def _delete(self, kind: str, key: str) -> bool:
        table = self._docs.kind(kind)
        with self._docs.log.lock:
            if table.raw(key) is None:
                return False
            table.drop([key])
            return True

    def _write(self, writes: list[Write]) -> list[Doc | str | None]:
        # Each write takes its own file's lock: a record's fsync does not hold up the documents.
        results: list[Doc | str | None] = []
        for item in writes:
            if isinstance(item, Append):
                self._append(item.kind, item.record)
                results.append(item.record["id"])
            elif isinstance(item, Put):
                self._put(item.kind, item.key, item.doc)
                results.append(None)
            else:
                results.append(self._update(item.kind, item.key, item.changes, item.expect))
        return results

    def _find(self, kind: str, where: Where | None, updated_before: datetime | None, limit: int | None) -> list[Doc]:
        with self._docs.log.lock:
            found = list(self._docs.kind(kind).matching(Match(where, "updated_at", None, updated_before)).values())
            found.sort(key=lambda d: d.get("updated_at", ""), reverse=True)
            return [clone(d) for d in found[:limit]]

    # --- records ---------------------------------------------------------------------
    async def append(self, kind: str, record: Doc) -> str:
        doc = prepare_record(record, datetime.now(UTC))
        await self._run(self._append, check_kind(kind), doc)
        return doc["id"]

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
        return await self._run(self._records, check_kind(kind), since, until, where, limit, newest_first)

    async def sample(
        self, kind: str, n: int, *, since: datetime | None = None, until: datetime | None = None,
        where: Where | None = None,
    ) -> list[Doc]:
        return await self._run(self._sample, check_kind(kind), n, since, until, where)

    async def count(
        self, kind: str, *, since: datetime | None = None, until: datetime | None = None, by: tuple[str, ...] = ()
    ) -> dict[tuple[Any, ...], int]:
        return await self._run(self._count, check_kind(kind), since, until, by)

    def _partition_path(self, kind: str, start: datetime) -> Path:
        return self.directory / "records" / kind / f"{start:%Y-%m}.jsonl"

    def _partition(self, path: Path) -> LogDB:
        with self._partitions_lock:
            db = self._partitions.get(path)
            if db is None:
                db = self._partitions[path] = LogDB(path, storage=JsonlStorage)
            return db

    def _months(self, kind: str, since: datetime | None, until: datetime | None) -> list[tuple[datetime, Path]]:
        """Existing partitions of ``kind`` overlapping ``[since, until)``, oldest first."""
        folder = self.directory / "records" / kind
        months = []
        for path in folder.glob("*.jsonl") if folder.is_dir() else ():
            start = datetime.strptime(path.stem, "%Y-%m").replace(tzinfo=UTC)
            if (until is None or start < until) and (since is None or next_month(start) > since):
                months.append((start, path))
        return sorted(months)

    def _append(self, kind: str, doc: Doc) -> None:
        start = month_start(datetime.fromisoformat(doc["at"]))
        self._partition(self._partition_path(kind, start)).kind(kind).put(doc["id"], doc)

    def _scan(self, kind: str, since: datetime | None, until: datetime | None, where: Where | None,
              newest_first: bool) -> Iterator[list[Doc]]:
        """Matching records, one sorted list per month, loading at most a few months at once."""
        query = Match(where, "at", since, until)
        months = self._months(kind, since, until)
        for _, path in reversed(months) if newest_first else months:
            db = self._partition(path)
            with db.log.lock:
                found = list(db.kind(kind).matching(query).values())
            self._touch(path)
            found.sort(key=lambda d: d["at"], reverse=newest_first)
            yield found

    def _touch(self, path: Path) -> None:
        """Keep the replayed state of the most recently read months only (memory stays bounded)."""
        evicted = []
        with self._partitions_lock:
            self._loaded[path] = None
            self._loaded.move_to_end(path)
            while len(self._loaded) > self._loaded_limit:
                old, _ = self._loaded.popitem(last=False)
                if old in self._partitions:
                    evicted.append(self._partitions[old])
        for db in evicted:  # outside the map's lock: unloading takes the partition's own lock
            db.log.unload()

    def _records(self, kind: str, since: datetime | None, until: datetime | None, where: Where | None,
                 limit: int | None, newest_first: bool) -> list[Doc]:
        result: list[Doc] = []
        for found in self._scan(kind, since, until, where, newest_first):
            result.extend(clone(d) for d in found[: None if limit is None else limit - len(result)])
            if limit is not None and len(result) >= limit:
                break
        return result

    def _sample(self, kind: str, n: int, since: datetime | None, until: datetime | None,
                where: Where | None) -> list[Doc]:
        found = [doc for month in self._scan(kind, since, until, where, False) for doc in month]
        return [clone(doc) for doc in random.sample(found, min(n, len(found)))]

    def _count(self, kind: str, since: datetime | None, until: datetime | None,
               by: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
        counts: dict[tuple[Any, ...], int] = {} if by else {(): 0}
        for found in self._scan(kind, since, until, None, False):
            for doc in found:
                key = group_key(doc, by)
                counts[key] = counts.get(key, 0) + 1
        return counts

    # --- retention and coordination ------------------------------------------------------
    async def purge_records(self, kind: str, before: datetime, *, dry_run: bool = False) -> PurgeResult:
        count = await self._run(self._purge_records, check_kind(kind), before, dry_run)
        return PurgeResult(kind, count, before, dry_run)

    async def purge_documents(
        self, kind: str, before: datetime, *, where: Where, dry_run: bool = False
    ) -> PurgeResult:
        count = await self._run(self._purge_documents, check_kind(kind), before, where, dry_run)
        return PurgeResult(kind, count, before, dry_run)

    def _purge_records(self, kind: str, before: datetime, dry_run: bool) -> int:
        removed = 0
        for start, path in self._months(kind, None, before):
            db = self._partition(path)
            with db.log.lock:
                table = db.kind(kind)
                if next_month(start) <= before:
                    removed += len(table)
                    if not dry_run:
                        db.close()
                        with self._partitions_lock:
                            self._partitions.pop(path, None)
                            self._loaded.pop(path, None)
                        path.unlink()
                        fsync_dir(path.parent)
                    continue
                old = table.matching(Match(None, "at", None, before))
                removed += len(old)
                if old and not dry_run:
                    keep = {k: d for k, d in db.log.read().get(kind, {}).items() if k not in old}
                    db.log.write({kind: keep})
        return removed

    def _purge_documents(self, kind: str, before: datetime, where: Where, dry_run: bool) -> int:
        with self._docs.log.lock:
            table = self._docs.kind(kind)
            old = table.matching(Match(where, "updated_at", None, before))
            if old and not dry_run:
                table.drop(list(old))
                self._docs.log.compact()
            return len(old)

    async def hit(self, bucket: str, window_s: float) -> int:
        # One process owns a TinyDB store, so its memory is the one place these events live.
        now = time.monotonic()
        events = self._hits.setdefault(bucket, deque())
        events.append(now)
        while events and events[0] <= now - window_s:
            events.popleft()
        return len(events)

    async def try_lease(self, name: str, owner: str, ttl_s: float) -> bool:
        return await self._run(self._try_lease, name, owner, ttl_s)

    def _try_lease(self, name: str, owner: str, ttl_s: float) -> bool:
        table = self._docs.kind(LEASES)
        with self._docs.log.lock:
            now = datetime.now(UTC)
            held = table.raw(name)
            if held and held["owner"] != owner and held["expires_at"] > iso(now):
                return False
            table.put(name, {"owner": owner, "expires_at": iso(now + timedelta(seconds=ttl_s)), "updated_at": iso(now)})
            return True

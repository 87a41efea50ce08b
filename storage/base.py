"""The one storage interface the rest of the bot sees.

Two shapes of data cover everything the guideline makes the bot keep:

* documents: keyed, mutable state (user settings, conversation history, conversation
  references, permissions, approval requests, reports, usage cases). Updates can be
  conditional (``expect``) so that a decision is taken exactly once even under concurrent
  clicks or across instances.
* records: append-only, time-stamped logs (exchanges, audit events, reviews). They are
  partitioned by time so that a write never rewrites history and retention can drop whole
  periods.

Filters (``where``) are equality on top-level fields; a list, tuple or set value means
"one of". Times are timezone-aware UTC ``datetime``s; stored documents and records carry
them as ISO 8601 strings.

Also part of the contract (storage/README.md has the rest):

* Kind names are ``[a-z][a-z0-9_]*``, at most 40 characters (they become file and table
  names); others raise ``ValueError``. Naive datetimes raise ``ValueError`` too.
* Documents and records handed back are copies: changing them changes nothing stored.
* ``count(kind)`` with no ``by`` returns ``{(): n}``, also when n is 0.
* ``hit`` is shared by all instances on PostgreSQL; on TinyDB (one process) it lives in memory.
* Open with ``storage.open_store(url)``, then ``await store.open()``.
* ``write`` takes several writes (``Put``, ``Update``, ``Append``) in one step.
* ``get_many`` reads several documents in one round trip (``storage.snapshot`` serves them to
  code that reads one at a time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

Doc = dict[str, Any]
Where = Mapping[str, Any]


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed (or would remove, on a dry run) from one kind."""

    kind: str
    count: int
    before: datetime
    dry_run: bool


@dataclass(frozen=True)
class Put:
    kind: str
    key: str
    doc: Doc


@dataclass(frozen=True)
class Update:
    kind: str
    key: str
    changes: Doc
    expect: Where | None = None


@dataclass(frozen=True)
class Append:
    kind: str
    record: Doc


Write = Put | Update | Append


@runtime_checkable
class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    # --- documents -------------------------------------------------------------------
    async def get(self, kind: str, key: str) -> Doc | None: ...

    async def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Doc | None]:
        """The documents ``(kind, key)``, in order (None where missing), read in one step."""

    async def put(self, kind: str, key: str, doc: Doc) -> None:
        """Create or replace. Sets ``updated_at`` (and ``created_at`` on first write)."""

    async def update(self, kind: str, key: str, changes: Doc, *, expect: Where | None = None) -> Doc | None:
        """Merge ``changes`` into the document when every ``expect`` field matches.

        Returns the new document, or None when the document is missing or ``expect`` did not
        match. Atomic with respect to other updates of the same document, in this process and
        (on PostgreSQL) across instances.
        """

    async def delete(self, kind: str, key: str) -> bool: ...

    async def write(self, *writes: Write) -> list[Doc | str | None]:
        """Several writes in one step, each as its own method would do it; one result each: None
        for a ``Put``, the new document or None for an ``Update`` (an ``expect`` that does not
        match is no error: the other writes happen), the id for an ``Append``.

        On PostgreSQL one statement: all or nothing, also across instances. On TinyDB one call in
        order, after every write has been checked (a bad kind or time stores nothing); documents
        and records are different files, so a crash in between can keep the first writes only.
        At most one write per document.
        """

    async def find(
        self,
        kind: str,
        *,
        where: Where | None = None,
        updated_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[Doc]:
        """Documents matching ``where``, most recently updated first."""

    # --- records ---------------------------------------------------------------------
    async def append(self, kind: str, record: Doc) -> str:
        """Durably store a record and return its id.

        Adds ``id`` and ``at`` (now, UTC) when absent. On return the record survives a crash.
        """

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
        """Records with ``since <= at < until`` matching ``where``."""

    async def sample(
        self, kind: str, n: int, *, since: datetime | None = None, until: datetime | None = None,
        where: Where | None = None,
    ) -> list[Doc]:
        """A uniform random sample of at most ``n`` records from the range."""

    async def count(
        self, kind: str, *, since: datetime | None = None, until: datetime | None = None,
        by: tuple[str, ...] = (),
    ) -> dict[tuple[Any, ...], int]:
        """Record counts grouped by the values of the ``by`` fields (``()`` -> one total)."""

    # --- retention and coordination ------------------------------------------------------
    async def purge_records(self, kind: str, before: datetime, *, dry_run: bool = False) -> PurgeResult:
        """Irreversibly remove records with ``at < before`` (from disk, not only from queries)."""

    async def purge_documents(
        self, kind: str, before: datetime, *, where: Where, dry_run: bool = False
    ) -> PurgeResult:
        """Irreversibly remove documents matching ``where`` last updated before ``before``."""

    async def hit(self, bucket: str, window_s: float) -> int:
        """Count one event in ``bucket`` and return the events in the last ``window_s`` seconds."""

    async def try_lease(self, name: str, owner: str, ttl_s: float) -> bool:
        """Take or renew a named lease; True when ``owner`` holds it (one purge at a time)."""

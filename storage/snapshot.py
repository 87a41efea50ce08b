"""Documents read together, handed to code that reads them one at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from storage.base import Doc, Store
from storage.values import clone


class Reader(Protocol):
    """What reads documents: a ``Store`` or a ``Snapshot``."""

    async def get(self, kind: str, key: str) -> Doc | None: ...

    async def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Doc | None]: ...


class Snapshot:
    """Documents read together (``Store.get_many``, one round trip), handed out one at a time.

    Other documents are read from the store when asked for. The documents are as they were
    when read: for the reads at the start of one message (a changed permission applies from
    the next one), never kept beyond it.
    """

    def __init__(self, store: Store, docs: Mapping[tuple[str, str], Doc | None]) -> None:
        self._store = store
        self._docs = dict(docs)

    @classmethod
    async def read(cls, store: Store, keys: Sequence[tuple[str, str]]) -> Snapshot:
        return cls(store, dict(zip(keys, await store.get_many(keys) if keys else [], strict=True)))

    async def get(self, kind: str, key: str) -> Doc | None:
        if (kind, key) not in self._docs:
            return await self._store.get(kind, key)
        return clone(self._docs[(kind, key)])

    async def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Doc | None]:
        missing = [key for key in keys if key not in self._docs]
        fetched = dict(zip(missing, await self._store.get_many(missing), strict=True)) if missing else {}
        return [clone(self._docs[key]) if key in self._docs else fetched[key] for key in keys]

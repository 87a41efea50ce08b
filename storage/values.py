"""How documents, records and times look once stored, the same on every backend."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from storage.base import Doc

_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")


def check_kind(kind: str) -> str:
    """Kinds become file and table names, so only a safe alphabet is accepted."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(f"invalid storage kind {kind!r}: use [a-z][a-z0-9_]*, at most 40 characters")
    return kind


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: storage times must be timezone-aware (UTC)")
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Fixed-width ISO 8601 in UTC, so that stored times also sort correctly as strings."""
    return utc(moment).isoformat(timespec="microseconds")


def parse_time(value: datetime | str) -> datetime:
    return utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot store a {type(value).__name__}")


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=_encode)


def plain(doc: Mapping[str, Any]) -> Doc:
    """A deep, JSON-only copy: what a backend will hand back later, and safe from the caller's edits."""
    return json.loads(dumps(doc))


def clone(value: Any) -> Any:
    """A deep copy of stored JSON data (several times faster than a JSON round trip)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def new_id() -> str:
    return uuid.uuid4().hex


def prepare_record(record: Mapping[str, Any], now: datetime) -> Doc:
    """The record as stored: plain JSON with an ``id`` and a fixed-format UTC ``at``."""
    doc = plain(record)
    doc["id"] = str(doc.get("id") or new_id())
    doc["at"] = iso(parse_time(record["at"])) if record.get("at") else iso(now)
    return doc


def options(value: Any) -> list[Any] | None:
    """The allowed values when a filter value means "one of", else None."""
    if isinstance(value, list | tuple | set | frozenset):
        return list(plain({"v": list(value)})["v"])
    return None


def group_key(doc: Mapping[str, Any], by: Iterable[str]) -> tuple[Any, ...]:
    return tuple(hashable(doc.get(field)) for field in by)


def hashable(value: Any) -> Any:
    """Group keys must be hashable; JSON lists and objects become tuples."""
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    return value

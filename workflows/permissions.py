"""利用許可 (4): per user and service, granted by the 所属長 (or DX推進課), revocable, recorded.

The org table's ``permitted_services`` are the starting point (grants made before the bot);
a grant or revocation through the bot is a ``permissions`` document and prevails. Every
change is also an ``audit`` record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from org import Person
from storage.base import Append, Put, Store
from storage.snapshot import Reader

KIND = "permissions"
GRANTED = "granted"
REVOKED = "revoked"


def key(user_id: str, service: str) -> str:
    return f"{user_id}:{service}"


@dataclass(frozen=True)
class Permission:
    granted: bool
    source: str  # "table" (permitted_services), "bot" (a decision kept in storage) or "none"
    doc: dict[str, Any] | None = None


async def permission(store: Reader, person: Person, service: str) -> Permission:
    doc = await store.get(KIND, key(person.aad_object_id, service))
    if doc is not None:
        return Permission(doc.get("state") == GRANTED, "bot", doc)
    if service in person.permitted_services:
        return Permission(True, "table")
    return Permission(False, "none")


async def is_permitted(store: Store, person: Person, service: str) -> bool:
    return (await permission(store, person, service)).granted


async def _set(
    store: Store, user_id: str, service: str, state: str, *, by: str, by_name: str, via: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    doc = {
        "user_id": user_id, "service": service, "state": state, "by": by, "by_name": by_name,
        "at": now, "via": via, **(details or {}),
    }
    # Together: no change of a permission without its audit record.
    await store.write(Put(KIND, key(user_id, service), doc),
                      Append("audit", {"event": f"permission.{state}", "actor": by, "user_id": user_id,
                                       "service": service, "via": via}))
    return doc


async def grant(
    store: Store, user_id: str, service: str, *, by: str, by_name: str, via: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Record a permission; ``via`` says how (an approval id, ``admin``)."""
    return await _set(store, user_id, service, GRANTED, by=by, by_name=by_name, via=via, details=details)


async def revoke(store: Store, user_id: str, service: str, *, by: str, by_name: str, via: str) -> dict[str, Any]:
    return await _set(store, user_id, service, REVOKED, by=by, by_name=by_name, via=via)

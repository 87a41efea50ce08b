"""One-time sign-in links: ``/admin`` in Teams hands a DX推進課 member a link to the web page.

Teams has already authenticated the person, so the link signs them in as themselves (their
Entra object id; the role is checked again on every request). A link works once, for a few
minutes; only its SHA-256 is stored, so the database holds nothing that signs anyone in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from storage.base import Store

LINKS = "admin_links"
LIFETIME = timedelta(minutes=5)


def _key(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


async def mint(store: Store, aad_object_id: str, name: str, *, now: datetime | None = None) -> str:
    """A new code for ``/admin/once/<code>``."""
    code = secrets.token_urlsafe(32)
    moment = now or datetime.now(UTC)
    # Links nobody opened would otherwise pile up.
    await store.purge_documents(LINKS, moment - LIFETIME, where={})
    expires = moment + LIFETIME
    await store.put(LINKS, _key(code), {"actor": aad_object_id, "name": name, "expires_at": expires.isoformat(),
                                        "used": False})
    return code


async def redeem(store: Store, code: str, *, now: datetime | None = None) -> tuple[str, str] | None:
    """(object id, name) for a fresh unused code, else None. Used or not, the code is spent."""
    key = _key(code)
    doc = await store.update(LINKS, key, {"used": True}, expect={"used": False})
    await store.delete(LINKS, key)
    if doc is None or datetime.fromisoformat(doc["expires_at"]) < (now or datetime.now(UTC)):
        return None
    return str(doc["actor"]), str(doc["name"])

"""Who is who: the org table (CSV) and Microsoft Graph behind one ``Directory``.

Names are imported lazily (PEP 562): the standard library's ``copy`` module probes for
Jython's ``org.python.core`` while it is itself being imported, which imports this package;
importing our modules here at that moment would be a circular import of ``copy``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from org.directory import Directory
    from org.person import (
        CISO,
        DIVISION_HEAD,
        DX_ADMIN,
        MANAGER,
        ROLE_NAMES,
        ROLES,
        SECURITY_HEAD,
        SERVICES,
        STAFF,
        Person,
    )
    from org.table import OrgTableError
    from settings import Settings

_EXPORTS = {
    **{name: "org.person" for name in (
        "CISO", "DIVISION_HEAD", "DX_ADMIN", "MANAGER", "ROLES", "ROLE_NAMES", "SECURITY_HEAD", "SERVICES",
        "STAFF", "Person",
    )},
    "Directory": "org.directory",
    "OrgTableError": "org.table",
}

__all__ = [
    "CISO", "DIVISION_HEAD", "DX_ADMIN", "MANAGER", "ROLES", "ROLE_NAMES", "SECURITY_HEAD", "SERVICES", "STAFF",
    "Directory", "OrgTableError", "Person", "open_directory",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'org' has no attribute {name!r}")


def open_directory(settings: Settings) -> Directory:
    """The directory the settings describe; raises OrgTableError for an unusable table or Graph setup."""
    from org.directory import Directory
    from org.graph import GraphSource
    from org.table import OrgTableError, load

    people = load(settings["ORG_TABLE"])
    graph = None
    if settings["GRAPH_CLIENT_ID"]:
        tenant_id = settings["GRAPH_TENANT_ID"] or settings["MicrosoftAppTenantId"]
        if not settings["GRAPH_AUTHORITY"].startswith("https://") or not tenant_id:
            raise OrgTableError(
                "Graph を使うには GRAPH_AUTHORITY を https:// の URL にし、"
                "GRAPH_TENANT_ID（または MicrosoftAppTenantId）を設定してください。"
            )
        graph = GraphSource(
            authority=settings["GRAPH_AUTHORITY"],
            tenant_id=tenant_id,
            client_id=settings["GRAPH_CLIENT_ID"],
            client_secret=settings["GRAPH_CLIENT_SECRET"],
            base_url=settings["GRAPH_BASE_URL"],
            cache_seconds=settings.float("GRAPH_CACHE_SECONDS"),
            ca_file=settings["GRAPH_CA_FILE"],
        )
    return Directory(people, graph)

"""Storage for the bot: ``open_store(url)`` picks the backend from ``STORAGE_URL``.

* ``tinydb:///relative/dir`` or ``tinydb:////absolute/dir`` (three slashes, then the path):
  the embedded backend (``storage.tiny``), one process at a time.
* ``postgresql://user@host:port/db`` (``postgres://`` too): PostgreSQL (``storage.postgres``),
  shared by any number of instances. An extra ``schema=NAME`` query parameter keeps the
  tables in that schema (created when missing), e.g. one schema per test run.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from storage.base import Doc, PurgeResult, Store, Where

__all__ = ["Doc", "PurgeResult", "Store", "Where", "open_store"]


def open_store(url: str) -> Store:
    """The store for ``url``; call ``await store.open()`` before use and ``close()`` after."""
    scheme = urlsplit(url).scheme
    if scheme == "tinydb":
        from storage.tiny import TinyStore

        path = unquote(url[len("tinydb:///"):]) if url.startswith("tinydb:///") else ""
        if not path:
            raise ValueError(f"STORAGE_URL {url!r}: tinydb:///<folder> の形で保存先フォルダを指定してください。")
        return TinyStore(path)
    if scheme in ("postgresql", "postgres"):
        from storage.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"STORAGE_URL {url!r}: tinydb:/// か postgresql:// で始まる URL を指定してください。")

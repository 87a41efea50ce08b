"""Fixtures for the monitoring tests: a real store, TinyDB and PostgreSQL (TEST_POSTGRES_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import open_store
from storage.base import Store
from tests.storage.conftest import postgres_url

__all__ = ["postgres_url"]  # the storage tests' fixture: a schema of its own, dropped afterwards


@pytest.fixture(params=["tinydb", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    url = f"tinydb:///{tmp_path / 'store'}" if request.param == "tinydb" else request.getfixturevalue("postgres_url")
    opened = open_store(url)
    await opened.open()
    yield opened
    await opened.close()

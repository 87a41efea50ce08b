"""Fixtures for the reports tests: real stores (TinyDB file, PostgreSQL) and the org table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from org import Directory
from org.table import load
from storage import open_store
from storage.base import Store
from tests.conftest import REPO
from tests.reports.helpers import CISO, FUKUSHI, BlockingConnector
from tests.storage.conftest import postgres_url

__all__ = ["postgres_url"]  # the storage tests' fixture: a schema of its own, dropped afterwards

ORG_CSV = REPO / "data" / "org.csv"


@pytest.fixture(params=["tinydb", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Each workflow test on both backends (PostgreSQL as tests/storage reaches it)."""
    url = f"tinydb:///{tmp_path / 'store'}" if request.param == "tinydb" else request.getfixturevalue("postgres_url")
    opened = open_store(url)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def connector() -> AsyncIterator[BlockingConnector]:
    """Overrides tests/conftest.py's connector for these tests (start_bot uses this one)."""
    server = BlockingConnector()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def org_with_other_division(tmp_path: Path) -> Path:
    """data/org.csv plus the 部長 of 福祉部, who hears of 市民部's reports only when all 部長 are told."""
    path = tmp_path / "org.csv"
    row = f"{FUKUSHI.aad_object_id},{FUKUSHI.name},fukushi@example.com,福祉部,福祉部,division_head,{CISO.aad_object_id},\n"
    path.write_text(ORG_CSV.read_text(encoding="utf-8") + row, encoding="utf-8")
    return path


@pytest.fixture
def org() -> Directory:
    return Directory(load(str(ORG_CSV)))



"""Fixtures for the monitoring tests: a real store (TinyDB file) with seeded exchanges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import open_store
from storage.base import Store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = open_store(f"tinydb:///{tmp_path / 'store'}")
    await opened.open()
    yield opened
    await opened.close()

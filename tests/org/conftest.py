from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.org.graph_server import GraphServer, running_graph


@pytest.fixture
async def graph(tmp_path: Path) -> AsyncIterator[GraphServer]:
    async with running_graph(tmp_path) as server:
        yield server

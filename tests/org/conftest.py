from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme

from tests.org.graph_server import GraphServer


@pytest.fixture
async def graph(tmp_path: Path) -> AsyncIterator[GraphServer]:
    ca = trustme.CA()
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = GraphServer(ca_file)
    await server.start(ca)
    yield server
    await server.stop()

"""Model servers on loopback and a private PostgreSQL cluster for the fault tests."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.faults.cluster import PrivateCluster, available
from tests.support.model_servers import AnthropicServer, OpenAIServer, model_settings


@pytest.fixture
async def openai_server() -> AsyncIterator[OpenAIServer]:
    async with OpenAIServer() as server:
        yield server


@pytest.fixture
async def anthropic_server() -> AsyncIterator[AnthropicServer]:
    async with AnthropicServer() as server:
        yield server


@pytest.fixture
def models(openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> dict[str, str]:
    return model_settings(openai_server, anthropic_server)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[PrivateCluster]:
    if reason := available():
        pytest.skip(reason)
    server = PrivateCluster(tmp_path / "pg")
    server.init()
    server.start()
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
        server.stop("immediate")

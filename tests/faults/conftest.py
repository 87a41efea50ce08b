"""Model servers on loopback and a private PostgreSQL cluster for the fault tests."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
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
def private_dir() -> Iterator[Path]:
    """A temporary folder outside pytest's basetemp, which pytest runs started meanwhile (other
    suites on a shared machine) prune: a long fault test must not lose its files under it."""
    root = Path(tempfile.mkdtemp(prefix="faults-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def cluster(private_dir: Path) -> Iterator[PrivateCluster]:
    if reason := available():
        pytest.skip(reason)
    server = PrivateCluster(private_dir / "pg")
    server.init()
    server.start()
    yield server
    with contextlib.suppress(RuntimeError):  # already stopped by the test
        server.stop("immediate")

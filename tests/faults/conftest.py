"""Model servers on loopback and a private PostgreSQL cluster for the fault tests."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.cluster import PrivateCluster, available


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

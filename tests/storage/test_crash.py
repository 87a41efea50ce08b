"""SIGKILL during writes: everything acknowledged survives, and the TinyDB files still load."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tinydb import TinyDB

from storage.jsonl import JsonlStorage
from tests.storage.conftest import OpenStore

REPO = Path(__file__).resolve().parents[2]


def run_and_kill(url: str, acks: int) -> list[str]:
    """Start the writer, kill it (SIGKILL) after ``acks`` acknowledged writes; its output lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_writer", url],
        cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    for line in process.stdout:
        lines.append(line.strip())
        if len(lines) > acks or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    rest, _ = process.communicate()
    assert process.returncode == -signal.SIGKILL
    lines += rest.splitlines()  # acknowledged before the kill, still in the pipe
    assert lines and lines[0] == "READY", lines[:3]
    return lines[1:]


async def test_acknowledged_writes_survive_sigkill(store_url: str, open_stores: OpenStore) -> None:
    acknowledged: list[str] = []
    rounds = 3 if store_url.startswith("tinydb:") else 1
    for _ in range(rounds):
        acknowledged += run_and_kill(store_url, random.randint(150, 400))

    store = await open_stores()
    record_ids = {line.split()[1] for line in acknowledged if line.startswith("R ")}
    stored = {r["id"] for r in await store.records("exchanges")}
    assert record_ids and record_ids <= stored
    for line in acknowledged:
        if line.startswith("D "):
            _, key, i = line.split()
            doc = await store.get("history", key)
            assert doc is not None and doc["i"] >= int(i)
    counter = await store.get("counters", "c")
    assert counter is not None
    assert counter["n"] >= max(int(line.split()[1]) for line in acknowledged if line.startswith("C "))

    if store_url.startswith("tinydb:"):
        folder = Path(store_url[len("tinydb:///"):])
        logs = [folder / "documents.jsonl", *folder.glob("records/*/*.jsonl")]
        assert len(logs) >= 2
        for path in logs:
            db = TinyDB(path, storage=JsonlStorage)  # plain TinyDB over our storage loads every file
            assert db.tables()
            db.close()

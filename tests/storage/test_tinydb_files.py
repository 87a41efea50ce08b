"""TinyDB only: the files are append-only logs that survive torn writes and stay small."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import open_store
from storage.jsonl import CorruptLogError, JsonlStorage
from storage.tiny import StoreBusyError, TinyStore


async def test_writes_append_and_never_rewrite_history(tmp_path: Path) -> None:
    store = open_store(f"tinydb:///{tmp_path}")
    await store.open()
    await store.put("users", "u1", {"service": "chatbot"})
    await store.append("exchanges", {"n": 1})
    documents = tmp_path / "documents.jsonl"
    month = tmp_path / "records" / "exchanges" / f"{datetime.now(UTC):%Y-%m}.jsonl"
    before = documents.read_bytes(), month.read_bytes()
    await store.update("users", "u1", {"service": "chatgpt"})
    await store.append("exchanges", {"n": 2})
    after = documents.read_bytes(), month.read_bytes()
    assert after[0].startswith(before[0]) and len(after[0]) > len(before[0])
    assert after[1].startswith(before[1]) and after[1].count(b"\n") == 2
    await store.close()


async def test_a_torn_last_line_is_dropped_and_the_log_goes_on(tmp_path: Path) -> None:
    store = open_store(f"tinydb:///{tmp_path}")
    await store.open()
    await store.put("users", "u1", {"n": 1})
    await store.close()
    documents = tmp_path / "documents.jsonl"
    with documents.open("ab") as log:
        log.write(b'{"op":"put","t":"users","k":"u2","d":{"n":')  # killed mid-write
    store = open_store(f"tinydb:///{tmp_path}")
    await store.open()
    assert await store.get("users", "u2") is None
    await store.put("users", "u3", {"n": 3})
    await store.close()
    assert all(line.startswith(b'{"op"') for line in documents.read_bytes().splitlines())
    store = open_store(f"tinydb:///{tmp_path}")
    await store.open()
    assert [d.get("n") for d in await store.find("users")] == [3, 1]
    await store.close()


def test_a_damaged_line_inside_the_log_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "documents.jsonl"
    path.write_bytes(b'{"op":"put","t":"users","k":"u1","d":{}}\nnot json\n{"op":"del","t":"users","k":"u1"}\n')
    with pytest.raises(CorruptLogError, match="line 2"):
        JsonlStorage(path).read()


async def test_compaction_keeps_the_log_near_its_live_size(tmp_path: Path) -> None:
    store = TinyStore(tmp_path, compact_after=50)
    await store.open()
    for i in range(400):
        await store.put("history", f"u{i % 5}", {"i": i})
    await store.delete("history", "u4")
    lines = (tmp_path / "documents.jsonl").read_bytes().count(b"\n")
    assert lines <= 2 * 50 + 5
    await store.close()
    again = TinyStore(tmp_path)
    await again.open()
    assert sorted((d["i"] for d in await again.find("history")), reverse=True) == [398, 397, 396, 395]
    await again.close()


async def test_a_second_process_cannot_open_the_same_store(tmp_path: Path) -> None:
    first = open_store(f"tinydb:///{tmp_path}")
    await first.open()
    second = open_store(f"tinydb:///{tmp_path}")
    with pytest.raises(StoreBusyError, match="別のプロセスが使用中"):
        await second.open()
    await first.close()
    await second.open()
    await second.close()


def test_relative_and_absolute_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_store("tinydb:///data/store")
    absolute = open_store(f"tinydb:///{tmp_path}/x")
    assert isinstance(relative, TinyStore) and relative.directory == Path("data/store")
    assert isinstance(absolute, TinyStore) and absolute.directory == tmp_path / "x"
    for bad in ("tinydb://", "sqlite:///x.db", "tinydb:///"):
        with pytest.raises(ValueError):
            open_store(bad)

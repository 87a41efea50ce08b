"""Writes as fast as it can and prints each write once the store has acknowledged it.

Run by test_crash.py as ``python -m tests.storage.crash_writer URL``, then killed with SIGKILL.
Lines: ``R <id>`` (record appended), ``D <key> <i>`` (document put), ``C <n>`` (counter update).
"""

from __future__ import annotations

import asyncio
import sys

from storage import Store, open_store
from storage.tiny import TinyStore

WRITERS = 8


async def writer(store: Store, number: int) -> None:
    key = f"w{number}"
    last = await store.get("history", key)  # continue after an earlier run, so ``i`` only grows
    i = last["i"] if last else 0
    while True:
        i += 1
        record_id = await store.append("exchanges", {"writer": number, "i": i, "input_masked": "あ" * (i % 300)})
        print(f"R {record_id}", flush=True)
        await store.put("history", key, {"i": i, "turns": ["い" * (i % 200)]})
        print(f"D {key} {i}", flush=True)
        counter = await store.get("counters", "c")
        n = counter["n"] if counter else 0
        if await store.update("counters", "c", {"n": n + 1}, expect={"n": n}) is not None:
            print(f"C {n + 1}", flush=True)


async def main(url: str) -> None:
    # A low compaction threshold so that kills also land during compactions.
    store: Store = TinyStore(url[len("tinydb:///"):], compact_after=64) if url.startswith("tinydb:") else open_store(url)
    await store.open()
    if await store.get("counters", "c") is None:
        await store.put("counters", "c", {"n": 0})
    print("READY", flush=True)
    await asyncio.gather(*(writer(store, n) for n in range(WRITERS)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

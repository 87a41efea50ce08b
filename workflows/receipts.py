"""Receipt numbers (受付番号) such as ``R2026-0001``: a prefix, the JST year and a sequence."""

from __future__ import annotations

from datetime import datetime

from storage.base import Store
from workflows.forms import JST

COUNTERS = "counters"
_ATTEMPTS = 50


async def next_number(store: Store, prefix: str, now: datetime) -> str:
    """The next number of the year; conditional updates keep it unique across instances."""
    key = f"{prefix}{now.astimezone(JST).year}"
    for _ in range(_ATTEMPTS):
        counter = await store.get(COUNTERS, key)
        if counter is None:
            # ``put`` is not conditional: only the year's very first number, requested on two
            # instances within the same few milliseconds, could be handed out twice.
            await store.put(COUNTERS, key, {"n": 0})
            continue
        n = int(counter["n"])
        if await store.update(COUNTERS, key, {"n": n + 1}, expect={"n": n}) is not None:
            return f"{key}-{n + 1:04d}"
    raise RuntimeError(f"could not allocate a number for {key}")

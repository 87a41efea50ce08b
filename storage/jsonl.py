"""A TinyDB ``Storage`` that appends instead of rewriting.

Stock TinyDB storages rewrite the whole file on every change. Here the file is a log of JSON
Lines, one operation a line (``{"op": "put", "t": table, "k": key, "d": doc}`` or
``{"op": "del", "t": table, "k": key}``), each batch written with one ``write`` and made
durable with ``fsync`` before the call returns. Opening replays the log; a last line without
its newline is a write that never finished (so was never acknowledged) and is cut off before
the next append. When the log holds far more lines than live documents it is compacted: the
live documents go to a temporary file that is fsynced and renamed over the log, so a crash
leaves either the old log or the new one, never a mix.

The replayed state is loaded lazily: appending needs only the file, so a partition that is only
written to costs the same whatever its size.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from tinydb.storages import Storage

from storage.values import dumps

State = dict[str, dict[str, dict[str, Any]]]
Op = tuple[str, str, dict[str, Any] | None]  # (table, key, document or None to delete)


class CorruptLogError(Exception):
    """A complete line of a log could not be read: the file was changed by something else."""


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _line(table: str, key: str, doc: dict[str, Any] | None) -> bytes:
    op = {"op": "del", "t": table, "k": key} if doc is None else {"op": "put", "t": table, "k": key, "d": doc}
    return (dumps(op) + "\n").encode()


class JsonlStorage(Storage):
    def __init__(self, path: str | os.PathLike[str], *, compact_after: int = 1000) -> None:
        self.path = Path(path)
        # Every read and change of this file and its state happens under this lock: TinyDB
        # iterates the state while other threads may be appending.
        self.lock = threading.RLock()
        self._compact_after = compact_after
        self._state: State | None = None
        self._lines = 0
        self._file: BinaryIO | None = None

    # --- tinydb.storages.Storage -------------------------------------------------------
    def read(self) -> State:
        with self.lock:
            if self._state is None:
                self._state, self._lines = self._replay()
            return self._state

    def write(self, data: State) -> None:
        """TinyDB's whole-database write: becomes a snapshot that replaces the log atomically."""
        with self.lock:
            self._snapshot(data)
            self._state = data

    def close(self) -> None:
        with self.lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    # --- incremental changes -----------------------------------------------------------
    def apply(self, ops: Iterable[Op]) -> None:
        """Append the operations and fsync; on return they survive a crash."""
        ops = list(ops)
        payload = b"".join(_line(*op) for op in ops)
        with self.lock:
            file = self._appender()
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
            self._lines += len(ops)
            if self._state is not None:
                for table, key, doc in ops:
                    _apply(self._state, table, key, doc)
                live = sum(len(t) for t in self._state.values())
                if self._lines > self._compact_after and self._lines > 2 * live:
                    self._snapshot(self._state)

    def compact(self) -> None:
        """Rewrite the log as its live documents, so removed data is gone from the file."""
        with self.lock:
            self._snapshot(self.read())

    def unload(self) -> None:
        """Forget the replayed state (memory); the next read replays the file again."""
        with self.lock:
            self._state = None

    @property
    def loaded(self) -> bool:
        return self._state is not None

    # --- internals -----------------------------------------------------------------------
    def _replay(self) -> tuple[State, int]:
        state: State = {}
        lines = 0
        try:
            file = self.path.open("rb")
        except FileNotFoundError:
            return state, 0
        with file:
            for number, raw in enumerate(file, 1):
                if not raw.endswith(b"\n"):
                    break  # torn tail: never acknowledged
                try:
                    op = json.loads(raw)
                    _apply(state, op["t"], op["k"], op["d"] if op["op"] == "put" else None)
                except (ValueError, KeyError, TypeError) as error:
                    raise CorruptLogError(f"{self.path}: line {number} is not a storage operation") from error
                lines += 1
        return state, lines

    def _appender(self) -> BinaryIO:
        if self._file is None:
            created = not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            file = self.path.open("ab")
            if created:
                fsync_dir(self.path.parent)
            else:
                _cut_torn_tail(file)
            self._file = file
        return self._file

    def _snapshot(self, data: State) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            for table, docs in data.items():
                for key, doc in docs.items():
                    out.write(_line(table, str(key), doc))
            out.flush()
            os.fsync(out.fileno())
        self.close()
        os.replace(temporary, self.path)
        fsync_dir(self.path.parent)
        self._lines = sum(len(docs) for docs in data.values())


def _apply(state: State, table: str, key: str, doc: dict[str, Any] | None) -> None:
    if doc is None:
        state.get(table, {}).pop(key, None)
    else:
        state.setdefault(table, {})[key] = doc


def _cut_torn_tail(file: BinaryIO) -> None:
    """Truncate after the last newline, so a half-written line never prefixes the next one."""
    end = file.seek(0, os.SEEK_END)
    position = end
    block = 1 << 16
    while position > 0:
        start = max(0, position - block)
        with open(file.name, "rb") as reader:
            reader.seek(start)
            chunk = reader.read(position - start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            cut = start + newline + 1
            break
        position = start
    else:
        cut = 0
    if cut != end:
        file.truncate(cut)
        file.flush()
        os.fsync(file.fileno())

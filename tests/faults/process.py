"""The bot as its own process (``python app.py``, as ``scripts/start`` runs it), for kill tests."""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]


def _die_with_parent() -> None:
    # A killed test run must not leave a bot behind holding the store's lock.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BotProcess:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")},
            "PORT": str(self.port), "HOST": "127.0.0.1", **env,
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        async with aiohttp.ClientSession() as session:
            for _ in range(1200):  # imports take seconds on a busy 2-core machine
                if self.process.poll() is not None:
                    raise AssertionError(f"the bot exited during start-up:\n{self.log_path.read_text()[-2000:]}")
                try:
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("the bot did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed that was not already written."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

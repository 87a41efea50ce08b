"""The bot as its own process (``python app.py``, as ``scripts/start`` runs it), for kill tests."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.loopback import free_port, wait_healthy

REPO = Path(__file__).resolve().parents[2]


def _die_with_parent() -> None:
    # A killed test run must not leave a bot behind holding the store's lock.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


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
        await wait_healthy(self.url, self.process.poll, self.log_path)

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

"""Loopback servers for tests: an aiohttp application served here on a free port (over HTTPS when
given a test CA), or a port for a server started in another process and the wait for it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import trustme
from aiohttp import web


async def serve(app: web.Application, ca: trustme.CA | None = None) -> tuple[web.AppRunner, str]:
    """Start ``app`` on 127.0.0.1; returns its runner (for cleanup) and base URL."""
    context = None
    if ca is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"{'https' if ca else 'http'}://127.0.0.1:{port}"


def free_port() -> int:
    """A port free on 127.0.0.1 now, for a server that another process will open."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_healthy(url: str, exit_code: Callable[[], int | None], log: Path | None = None,
                       timeout_s: float = 120.0) -> None:
    """Wait until ``url``/healthz answers 200 (start-up imports take seconds on a busy 2-core
    machine); fail at once, with the end of ``log``, if the process exits first."""
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            code = exit_code()
            if code is not None:
                tail = log.read_text(errors="replace")[-3000:] if log else ""
                raise AssertionError(f"the bot at {url} exited during start-up ({code}):\n{tail}")
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"the bot at {url} did not start in {timeout_s:.0f} s")


def child_pids(pid: int) -> list[int]:
    """The live children of ``pid`` (app.py's forked workers), from every thread's ``children``."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # a thread or the process that ended meanwhile
            found += [int(child) for child in children.read_text().split()]
    return found

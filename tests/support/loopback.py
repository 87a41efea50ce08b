"""Serve an aiohttp application on a free loopback port, over HTTPS when given a test CA."""

from __future__ import annotations

import ssl

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

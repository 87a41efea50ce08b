"""The /admin page as a browser draws it: headless Chromium (Debian's, from
scripts/install-system-deps.sh) opens a one-time sign-in link and screenshots the dashboard.

Set ADMIN_SCREENSHOT_DIR to keep the PNG for a person to look at.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import aiohttp
import pytest
from PIL import Image

from admin import links
from tests.admin.seed import ADMIN, seed
from tests.admin.web import get, session_cookie

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTH, HEIGHT = 1280, 2600
ACCENT = (0x2F, 0x5A, 0xA8)  # page header
ALLOW = (0x4E, 0x79, 0xA7)  # allow bars of the weekly chart
BLOCK = (0xE1, 0x57, 0x59)  # block bars
TABLE_HEADER = (0xEE, 0xF1, 0xF5)


def _count(image: Image.Image, colour: tuple[int, int, int], box: tuple[int, int, int, int]) -> int:
    region = image.crop(box)
    return sum(n for n, c in region.getcolors(WIDTH * HEIGHT) or [] if max(abs(a - b) for a, b in zip(c, colour, strict=True)) <= 6)


async def _screenshot(url: str, out: Path, profile: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={out}", f"--window-size={WIDTH},{HEIGHT}",
        url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode == 0 and out.is_file(), stderr.decode(errors="replace")[-2000:]


@pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                    reason="chromium missing: run scripts/install-system-deps.sh")
async def test_dashboard_screenshot_shows_the_tables_and_charts(start_bot, tmp_path: Path):
    bot = await start_bot(ADMIN_SESSION_SECRET="screenshot")
    await seed(bot.services.store)

    # The same page over HTTP: it holds the tables and the chart images the screenshot must show.
    code = await links.mint(bot.services.store, ADMIN.aad_object_id, ADMIN.name)
    async with aiohttp.ClientSession() as http:
        _, _, resp = await get(http, f"{bot.url}/admin/once/{code}")
        status, html, _ = await get(http, f"{bot.url}/admin/", session_cookie(resp))
    assert status == 200
    assert html.count('<table class="stats"') == 3 and html.count('<img src="/admin/charts/') == 3

    out = tmp_path / "admin.png"
    code = await links.mint(bot.services.store, ADMIN.aad_object_id, ADMIN.name)
    await _screenshot(f"{bot.url}/admin/once/{code}", out, tmp_path / "chromium-profile")
    if os.environ.get("ADMIN_SCREENSHOT_DIR"):
        shutil.copy(out, Path(os.environ["ADMIN_SCREENSHOT_DIR"]) / "admin-dashboard.png")

    image = Image.open(out).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    # Signed in through the link: the dashboard, not the sign-in page, is drawn.
    assert _count(image, ACCENT, (0, 0, WIDTH, 60)) > WIDTH * 20
    # The weekly chart image has loaded (its bars), below the summary.
    assert _count(image, ALLOW, (0, 200, WIDTH, 900)) > 2000
    assert _count(image, BLOCK, (0, 200, WIDTH, 900)) > 20
    # The statistics tables are drawn (header cells), further down.
    assert _count(image, TABLE_HEADER, (0, 900, WIDTH, HEIGHT)) > 5000
    audit = await bot.services.store.records("audit", where={"event": "admin.access", "actor": ADMIN.aad_object_id})
    assert {"GET /admin/charts/{name}.png", "GET /admin/"} <= {r["target"] for r in audit}

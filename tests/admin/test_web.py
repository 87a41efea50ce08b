"""The /admin web page (issue 7): who gets in, what it shows, what it records."""

from __future__ import annotations

import io
import logging
from typing import Any

import aiohttp
import pytest
from PIL import Image

from admin import links
from admin.session import CookieSigner
from tests.admin.seed import ADMIN, RAW_MY_NUMBER, seed
from tests.admin.web import TOKEN, csrf_of, get, session_cookie, token_login
from tests.support.teams import YAMADA


@pytest.fixture
async def site(start_bot) -> Any:
    bot = await start_bot(ADMIN_TOKEN=TOKEN, ADMIN_SESSION_SECRET="test-session-secret")
    bot.ids = await seed(bot.services.store)
    async with aiohttp.ClientSession() as session:
        bot.http = session
        yield bot


async def _audit(bot) -> list[dict[str, Any]]:
    return await bot.services.store.records("audit", where={"event": "admin.access"}, newest_first=False)


async def test_anonymous_visitors_are_sent_to_sign_in(site):
    status, _, resp = await get(site.http, f"{site.url}/admin/")
    assert status == 302 and resp.headers["Location"] == "/admin/login"
    status, _, resp = await get(site.http, f"{site.url}/admin")
    assert status == 301 and resp.headers["Location"] == "/admin/"
    status, html, _ = await get(site.http, f"{site.url}/admin/login")
    assert status == 200 and "管理者トークン" in html and "アクセスはすべて記録されます" in html
    status, _, _ = await get(site.http, f"{site.url}/admin/charts/weekly.png")
    assert status == 302


async def test_a_wrong_token_is_refused_and_never_recorded(site, caplog):
    caplog.set_level(logging.DEBUG)
    status, cookie = await token_login(site.http, site.url, "wrong-token")
    assert status == 401 and not cookie
    status, cookie = await token_login(site.http, site.url)
    assert status == 303 and cookie
    records = await _audit(site)
    assert [(r["target"], r["status"]) for r in records] == [("POST /admin/login", 401), ("POST /admin/login", 303)]
    assert TOKEN not in caplog.text and "wrong-token" not in caplog.text
    assert TOKEN not in repr(await site.services.store.records("audit"))


async def test_the_dashboard_shows_statistics_tables_and_charts(site):
    _, cookie = await token_login(site.http, site.url)
    status, html, resp = await get(site.http, f"{site.url}/admin/", cookie)
    assert status == 200
    assert resp.headers["Cache-Control"] == "no-store" and resp.headers["X-Frame-Options"] == "DENY"
    for heading in ("所属別", "サービス別", "週別", "検出カテゴリ別", "レビューの所見"):
        assert f"<h2>{heading}</h2>" in html
    assert '<table class="stats" aria-label="所属別の統計">' in html
    assert "<td class=\"label\">市民課</td><td>8</td><td>2</td>" in html
    # Categories by their display names, with the verdict the category table gives them.
    assert '<td class="label">個人番号（マイナンバー）</td><td class="label">ブロック</td><td>1</td>' in html
    assert '<td class="label">個人情報の可能性</td><td class="label">確認</td><td>1</td>' in html
    for name in ("weekly", "departments", "categories"):
        assert f'<img src="/admin/charts/{name}.png?weeks=8' in html

    async with site.http.get(f"{site.url}/admin/charts/weekly.png?weeks=8&department=&service=",
                             headers={"Cookie": f"admin_session={cookie}"}) as chart:
        assert chart.status == 200 and chart.content_type == "image/png"
        image = Image.open(io.BytesIO(await chart.read()))
    assert image.size == (800, 320)
    assert len(image.convert("RGB").getcolors(100000) or []) > 20  # a drawn chart, not a blank

    status, html, _ = await get(site.http, f"{site.url}/admin/?department=DX推進課&weeks=4", cookie)
    assert status == 200 and "<td class=\"label\">DX推進課</td><td>2</td>" in html
    status, html, _ = await get(site.http, f"{site.url}/admin/?weeks=abc", cookie)
    assert status == 400 and "期間（週数）は数字で指定してください。" in html


async def test_sample_and_flagged_pages_show_only_masked_text(site):
    _, cookie = await token_login(site.http, site.url)
    status, _, resp = await get(site.http, f"{site.url}/admin/sample?n=50", cookie)
    assert status == 303
    sample_url = resp.headers["Location"]
    status, html, _ = await get(site.http, f"{site.url}{sample_url}", cookie)
    assert status == 200 and html.count("<article") == 10
    assert "3章1-1(1)" in html and "3章1-1(3)" in html
    assert "個人番号［個人番号］の方の手続きを教えて" in html
    assert RAW_MY_NUMBER not in html

    status, html, _ = await get(site.http, f"{site.url}/admin/flagged", cookie)
    assert status == 200 and html.count("<article") == 3
    for reason in ("回答の個人情報をマスク", "長文の貼り付け", "確認のうえ送信"):
        assert reason in html
    assert RAW_MY_NUMBER not in html


async def test_a_review_is_recorded_from_the_page(site):
    _, cookie = await token_login(site.http, site.url)
    exchange_id = site.ids["confirmed"]
    _, html, _ = await get(site.http, f"{site.url}/admin/flagged", cookie)
    form = {"csrf": csrf_of(html), "exchange_id": exchange_id, "back": "/admin/flagged"}
    headers = {"Cookie": f"admin_session={cookie}"}

    async with site.http.post(f"{site.url}/admin/reviews", data=form, headers=headers, allow_redirects=False) as resp:
        assert resp.status == 400 and "所見を 1 つ以上選んでください。" in await resp.text()
    data = aiohttp.FormData([*form.items(), ("findings", "personal"), ("findings", "bias")])
    async with site.http.post(f"{site.url}/admin/reviews", data=data, headers=headers, allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == f"/admin/flagged#ex-{exchange_id}"
    forged = aiohttp.FormData([*{**form, "csrf": "forged"}.items(), ("findings", "ok")])
    async with site.http.post(f"{site.url}/admin/reviews", data=forged, headers=headers, allow_redirects=False) as resp:
        assert resp.status == 403

    _, html, _ = await get(site.http, f"{site.url}/admin/flagged", cookie)
    assert "記録済みの所見: 個人情報、バイアス" in html
    reviews = await site.services.store.records("reviews")
    assert [(r["exchange_id"], r["findings"]) for r in reviews] == [(exchange_id, ["personal", "bias"])]
    _, html, _ = await get(site.http, f"{site.url}/admin/", cookie)
    assert "<td class=\"label\">個人情報</td><td>1</td>" in html


async def test_staff_who_are_not_dx_admins_get_403(site):
    code = await links.mint(site.services.store, YAMADA.aad_object_id, YAMADA.name)
    status, html, resp = await get(site.http, f"{site.url}/admin/once/{code}")
    assert status == 403 and "DX推進課の管理者" in html and not session_cookie(resp)

    # A session of someone who loses dx_admin (or never had it) is refused page by page.
    forged = CookieSigner(b"test-session-secret", "admin-session").dumps(
        {"sub": YAMADA.aad_object_id, "name": YAMADA.name, "via": "entra", "sid": "s"}, 600)
    for path in ("/admin/", "/admin/sample", "/admin/flagged", "/admin/charts/weekly.png"):
        status, html, _ = await get(site.http, f"{site.url}{path}", forged)
        assert status == 403, path
    assert "アクセスできません" in html

    denied = [r for r in await _audit(site) if not r["allowed"]]
    assert {r["actor"] for r in denied} == {YAMADA.aad_object_id} and len(denied) == 5


async def test_a_one_time_link_signs_in_a_dx_admin_once(site):
    code = await links.mint(site.services.store, ADMIN.aad_object_id, ADMIN.name)
    status, _, resp = await get(site.http, f"{site.url}/admin/once/{code}")
    assert status == 303 and resp.headers["Location"] == "/admin/"
    cookie = session_cookie(resp)
    status, html, _ = await get(site.http, f"{site.url}/admin/", cookie)
    assert status == 200 and "ユーザー5 さん" in html
    status, html, _ = await get(site.http, f"{site.url}/admin/once/{code}")
    assert status == 403 and "使用済みか期限切れ" in html
    allowed = [r for r in await _audit(site) if r["allowed"] and r["actor"] == ADMIN.aad_object_id]
    assert [r["target"] for r in allowed] == ["GET /admin/once/{code}", "GET /admin/"]
    assert code not in repr(await site.services.store.records("audit"))


async def test_sign_out_ends_the_session_cookie(site):
    _, cookie = await token_login(site.http, site.url)
    _, html, _ = await get(site.http, f"{site.url}/admin/", cookie)
    async with site.http.post(f"{site.url}/admin/logout", data={"csrf": csrf_of(html)},
                              headers={"Cookie": f"admin_session={cookie}"}, allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == "/admin/login"
        assert any("admin_session=\"\"" in h or "admin_session=;" in h for h in resp.headers.getall("Set-Cookie"))


async def test_changing_the_token_ends_its_sessions(start_bot, tmp_path):
    first = await start_bot(ADMIN_TOKEN=TOKEN, ADMIN_SESSION_SECRET="shared")
    rotated = await start_bot(ADMIN_TOKEN="a-new-token", ADMIN_SESSION_SECRET="shared",
                              STORAGE_URL=f"tinydb:///{tmp_path / 'second'}")
    async with aiohttp.ClientSession() as http:
        _, cookie = await token_login(http, first.url)
        assert (await get(http, f"{first.url}/admin/", cookie))[0] == 200
        # Same signing key, new token (e.g. after a leak): the old session is refused.
        assert (await get(http, f"{rotated.url}/admin/", cookie))[0] == 403

"""The monitoring pages: statistics with charts, the sample check, the flagged list, reviews."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from aiohttp import web

from admin import charts
from admin.auth import check_csrf
from admin.context import ADMIN, CONTEXT
from admin.pages import jst, message, redirect, render
from storage.base import Store
from workflows import monitoring
from workflows.monitoring import CHECKS, SERVICES, Reviewer, ReviewError

WEEK_CHOICES = (4, 8, 12, 26, 52)
MAX_SAMPLE = 50
FLAGGED_LIMIT = 100
CHART_TITLES = (("weekly", "週別の利用件数（判定別）のグラフ"), ("departments", "所属別の利用件数のグラフ"),
                ("categories", "検出カテゴリ別の件数のグラフ"))


class BadQuery(Exception):
    """A filter the page cannot use; the message (Japanese) says which."""


@dataclass(frozen=True)
class Filters:
    weeks: int
    department: str
    service: str

    @classmethod
    def parse(cls, request: web.Request) -> Filters:
        query = request.query
        default = request.app[CONTEXT].settings.int("ADMIN_WEEKS")
        try:
            weeks = int(query.get("weeks") or default)
        except ValueError:
            raise BadQuery("期間（週数）は数字で指定してください。") from None
        if not 1 <= weeks <= max(WEEK_CHOICES):
            raise BadQuery(f"期間は 1〜{max(WEEK_CHOICES)} 週で指定してください。")
        service = query.get("service", "")
        if service and service not in SERVICES:
            raise BadQuery("サービスは一覧から選んでください。")
        return cls(weeks, query.get("department", "").strip()[:100], service)

    def range(self) -> tuple[datetime, datetime]:
        return monitoring.period(self.weeks, datetime.now(UTC))

    def query(self) -> str:
        return urlencode({"weeks": self.weeks, "department": self.department, "service": self.service})

    async def statistics(self, store: Store) -> monitoring.Statistics:
        since, until = self.range()
        return await monitoring.statistics(store, since=since, until=until, department=self.department or None,
                                           service=self.service or None)


def _store(request: web.Request) -> Store:
    return request.app[CONTEXT].services(request).store


def _bad_query(request: web.Request, error: BadQuery) -> web.Response:
    return message(request, 400, "条件を確認してください", str(error), ("/admin/", "統計に戻る"))


def _period_label(since: datetime, until: datetime) -> str:
    return f"{jst(since)} 〜 {jst(until)}"


async def dashboard(request: web.Request) -> web.StreamResponse:
    try:
        filters = Filters.parse(request)
    except BadQuery as error:
        return _bad_query(request, error)
    store = _store(request)
    stats = await filters.statistics(store)
    since, until = filters.range()
    everyone = stats if not (filters.department or filters.service) else await monitoring.statistics(
        store, since=since, until=until)
    departments = sorted({r.key for r in everyone.by_department} | ({filters.department} - {""}))
    weeks = sorted({*WEEK_CHOICES, filters.weeks})
    return render(
        request, "dashboard.html", stats=stats, weeks=filters.weeks, week_choices=weeks,
        department=filters.department, service=filters.service, departments=departments,
        since_label=jst(since), until_label=jst(until), charts=CHART_TITLES, query=filters.query(),
    )


async def chart(request: web.Request) -> web.StreamResponse:
    draw = charts.CHARTS.get(request.match_info["name"])
    if draw is None:
        raise web.HTTPNotFound(text="グラフが見つかりません。")
    try:
        filters = Filters.parse(request)
    except BadQuery as error:
        return _bad_query(request, error)
    stats = await filters.statistics(_store(request))
    png = await asyncio.to_thread(draw, stats)  # matplotlib is CPU-bound
    return web.Response(body=png, content_type="image/png")


async def sample(request: web.Request) -> web.StreamResponse:
    settings = request.app[CONTEXT].settings
    try:
        filters = Filters.parse(request)
        n = int(request.query.get("n") or settings.int("ADMIN_SAMPLE_SIZE"))
    except BadQuery as error:
        return _bad_query(request, error)
    except ValueError:
        return _bad_query(request, BadQuery("件数は数字で指定してください。"))
    if not 1 <= n <= MAX_SAMPLE:
        return _bad_query(request, BadQuery(f"件数は 1〜{MAX_SAMPLE} 件で指定してください。"))
    since, until = filters.range()
    store = _store(request)
    ids = [i for i in request.query.get("ids", "").split(",") if i][:MAX_SAMPLE]
    if not ids:
        drawn = await monitoring.sample(store, n, since=since, until=until, department=filters.department or None,
                                        service=filters.service or None)
        if drawn:
            # The drawn sample gets a stable address, so recording a review returns to the same list.
            ids_query = urlencode({"n": n, "ids": ",".join(e.id for e in drawn)})
            return redirect(f"/admin/sample?{filters.query()}&{ids_query}")
        exchanges: list[monitoring.Exchange] = []
    else:
        exchanges = await monitoring.exchanges_by_ids(store, ids)
    items = [monitoring.Flagged(e, ()) for e in exchanges]
    return render(request, "exchanges.html", heading="サンプルチェック（3章1-1(1)〜(3)）", checks=CHECKS, items=items,
                  n=n, back=request.path_qs, period_label=_period_label(since, until))


async def flagged(request: web.Request) -> web.StreamResponse:
    try:
        filters = Filters.parse(request)
    except BadQuery as error:
        return _bad_query(request, error)
    since, until = filters.range()
    long_chars = request.app[CONTEXT].settings.int("ADMIN_LONG_INPUT_CHARS")
    found = await monitoring.flagged(_store(request), since=since, until=until, long_input_chars=long_chars,
                                     limit=FLAGGED_LIMIT, department=filters.department or None,
                                     service=filters.service or None)
    return render(request, "exchanges.html", heading="要確認のやり取り", checks=(), items=found, limit=FLAGGED_LIMIT,
                  long_input_chars=long_chars, back=request.path_qs, period_label=_period_label(since, until))


def _safe_back(value: str) -> str:
    """Only our own pages: an open redirect would make the admin site a phishing helper."""
    return value if value.startswith("/admin/") and "//" not in value and "\\" not in value else "/admin/"


async def review(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    refused = check_csrf(request, form)
    if refused:
        return refused
    admin = request[ADMIN]
    assert admin is not None  # the guard lets only admins reach this route
    back = _safe_back(str(form.get("back") or ""))
    exchange_id = str(form.get("exchange_id") or "")
    try:
        await monitoring.record_review(_store(request), exchange_id, [str(v) for v in form.getall("findings", [])],
                                       Reviewer(admin.id, admin.name), via="web")
    except ReviewError as error:
        return message(request, 400, "所見を記録できませんでした", str(error), (f"{back}#ex-{exchange_id}", "戻る"))
    return redirect(f"{back}#ex-{exchange_id}")

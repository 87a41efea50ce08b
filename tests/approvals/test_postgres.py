"""Several instances on one PostgreSQL: a decision is still taken once, expiry tells once."""

from __future__ import annotations

import asyncio

import pytest

from tests.approvals.conftest import TANAKA, body_text, invoke_card, text_for, texts_to
from tests.approvals.test_permission import request_permission
from tests.storage.conftest import postgres_url  # noqa: F401  (the storage tests' schema-per-test fixture)
from tests.support.teams import SATO

pytestmark = pytest.mark.postgres


async def test_clicks_on_two_instances_decide_once(start_bot, connector, postgres_url: str) -> None:  # noqa: F811
    first = await start_bot(STORAGE_URL=postgres_url)
    second = await start_bot(STORAGE_URL=postgres_url)
    request_id = await request_permission(first, connector)
    clicks = [bot.client.click(SATO, "approval.approve", {"id": request_id}) for bot in (first, second) * 4]
    results = await asyncio.gather(*clicks)
    assert all("承認済み" in body_text(invoke_card(body)) for _, body in results)
    audit = await first.services.store.records("audit", where={"request_id": request_id})
    assert [a["event"] for a in audit].count("approval.permission.approved") == 1
    await text_for(connector, TANAKA, "利用が所属長に承認されました")
    await asyncio.sleep(0.3)
    assert len([t for t in texts_to(connector, TANAKA) if "承認されました" in t]) == 1


async def test_two_instances_expire_a_request_once(start_bot, connector, postgres_url: str) -> None:  # noqa: F811
    fast = {"STORAGE_URL": postgres_url, "APPROVAL_EXPIRY_HOURS": "0.0002", "APPROVAL_SWEEP_SECONDS": "0.2"}
    first = await start_bot(**fast)
    await start_bot(**fast)
    await request_permission(first, connector)
    await text_for(connector, TANAKA, "期限切れになりました")
    await asyncio.sleep(1.0)
    assert len([t for t in texts_to(connector, TANAKA) if "期限切れ" in t]) == 1

"""Reports and usage cases without Teams: who is told, who may act, numbering, search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from org import Directory
from org.table import load
from storage.base import Store
from tests.reports.helpers import (
    BUCHO,
    CISO,
    DX,
    FORM2_INPUTS,
    FORM4_INPUTS,
    FUKUSHI,
    SOUMU,
    TANAKA,
    report_inputs,
)
from tests.support.teams import SATO, YAMADA
from workflows import reports, usecases
from workflows.forms import Refused

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(hours=1)  # when the reported problem happened


def who(recipients: list[reports.Recipient]) -> dict[str, tuple[str, ...]]:
    return {r.person.aad_object_id: r.roles for r in recipients}


async def test_a_staff_report_reaches_manager_security_chain_of_own_division_and_dx(org: Directory) -> None:
    yamada = await org.person(YAMADA.aad_object_id)
    assert yamada is not None
    assert who(await reports.recipients(org, yamada, all_division_heads=False)) == {
        SATO.aad_object_id: ("manager",),
        CISO.aad_object_id: ("ciso",),
        SOUMU.aad_object_id: ("security_head",),  # 総務部長; 部長 of 総務部, not of 市民部
        BUCHO.aad_object_id: ("division_head",),
        DX.aad_object_id: ("dx_admin",),
    }


async def test_every_division_head_when_the_city_wants_it(org_with_other_division: Path) -> None:
    org = Directory(load(str(org_with_other_division)))
    yamada = await org.person(YAMADA.aad_object_id)
    assert yamada is not None
    only_own = who(await reports.recipients(org, yamada, all_division_heads=False))
    everyone = who(await reports.recipients(org, yamada, all_division_heads=True))
    assert FUKUSHI.aad_object_id not in only_own
    assert everyone[FUKUSHI.aad_object_id] == ("division_head",)
    assert everyone[SOUMU.aad_object_id] == ("security_head", "division_head")
    assert set(everyone) - set(only_own) == {FUKUSHI.aad_object_id}


async def test_the_reporter_is_not_notified_of_their_own_report(org: Directory) -> None:
    sato = await org.person(SATO.aad_object_id)
    assert sato is not None
    told = who(await reports.recipients(org, sato, all_division_heads=False))
    assert SATO.aad_object_id not in told
    assert told[BUCHO.aad_object_id] == ("manager", "division_head")  # 佐藤's 所属長 is the 部長


async def test_submitted_reports_get_consecutive_receipt_numbers(store: Store, org: Directory) -> None:
    first = await reports.submit(store, org, YAMADA.aad_object_id, report_inputs(EARLIER), exchange_id=None, now=NOW,
                                 all_division_heads=False)
    second = await reports.submit(store, org, TANAKA.aad_object_id, report_inputs(EARLIER, reporter="田中 次郎"),
                                  exchange_id=None, now=NOW, all_division_heads=False)
    assert first.report is not None and second.report is not None
    assert (first.report["id"], second.report["id"]) == ("R2026-0001", "R2026-0002")
    stored = await store.get(reports.REPORTS, "R2026-0001")
    assert stored is not None
    assert stored["status"] == "受付" and stored["manager_id"] == SATO.aad_object_id
    assert stored["header"]["contact"] == "内線1234"


async def test_a_report_cannot_be_in_the_future(store: Store, org: Directory) -> None:
    later = (NOW + timedelta(hours=2)).astimezone(reports.JST)
    done = await reports.submit(
        store, org, YAMADA.aad_object_id,
        report_inputs(occurred_date=later.date().isoformat(), occurred_time=f"{later:%H:%M}"),
        exchange_id=None, now=NOW, all_division_heads=False,
    )
    assert done.report is None
    assert done.form.errors == {"occurred_time": "発生日時に未来の日時は入力できません。"}
    assert await store.find(reports.REPORTS) == []


async def test_only_ones_own_answer_can_be_attached(store: Store, org: Directory) -> None:
    exchange_id = await store.append("exchanges", {"user_id": TANAKA.aad_object_id, "service": "chatbot"})
    with pytest.raises(Refused):
        await reports.submit(store, org, YAMADA.aad_object_id, report_inputs(EARLIER), exchange_id=exchange_id, now=NOW,
                             all_division_heads=False)
    own = await store.append("exchanges", {"user_id": YAMADA.aad_object_id, "service": "chatbot"})
    done = await reports.submit(store, org, YAMADA.aad_object_id, report_inputs(EARLIER), exchange_id=own, now=NOW,
                                all_division_heads=False)
    assert done.report is not None and done.report["exchange_id"] == own


async def test_only_the_manager_confirms_and_only_dx_sets_the_status(store: Store, org: Directory) -> None:
    done = await reports.submit(store, org, YAMADA.aad_object_id, report_inputs(EARLIER), exchange_id=None, now=NOW,
                                all_division_heads=False)
    assert done.report is not None
    number = done.report["id"]
    with pytest.raises(Refused, match="所属長だけ"):
        await reports.confirm(store, number, BUCHO.aad_object_id, {"cause": "x"}, NOW)
    confirmed, _ = await reports.confirm(store, number, SATO.aad_object_id, {"cause": "古い情報", "outlook": "更新する"}, NOW)
    assert confirmed is not None
    assert (confirmed["cause"], confirmed["outlook"], confirmed["confirmed_by"]) == ("古い情報", "更新する",
                                                                                    SATO.aad_object_id)
    with pytest.raises(Refused, match="DX推進課だけ"):
        await reports.set_status(store, org, number, SATO.aad_object_id, {"status": "完了"}, NOW)
    updated, _ = await reports.set_status(store, org, number, DX.aad_object_id,
                                          {"status": "対応中", "status_note": "確認中です"}, NOW)
    assert updated is not None and updated["status"] == "対応中"
    assert [h["status"] for h in updated["history"]] == ["受付", "対応中"]
    _, form = await reports.set_status(store, org, number, DX.aad_object_id, {"status": "保留"}, NOW)
    assert form.errors == {"status": "状態は選択肢から選んでください。"}


async def test_a_stale_update_does_not_overwrite_a_colleagues(store: Store, org: Directory) -> None:
    done = await reports.submit(store, org, YAMADA.aad_object_id, report_inputs(EARLIER), exchange_id=None, now=NOW,
                                all_division_heads=False)
    assert done.report is not None
    stale = done.report
    await reports.set_status(store, org, stale["id"], DX.aad_object_id, {"status": "対応中"}, NOW)
    with pytest.raises(Refused, match="ほかの方が先に"):
        await reports._change(store, stale, {"status": "完了"})
    current = await store.get(reports.REPORTS, stale["id"])
    assert current is not None and current["status"] == "対応中"


async def test_cases_are_published_by_dx_and_found_by_keyword_and_department(store: Store, org: Directory) -> None:
    form2 = await usecases.submit(store, org, YAMADA.aad_object_id, "chatgpt", FORM2_INPUTS, now=NOW)
    form4 = await usecases.submit(store, org, TANAKA.aad_object_id, "chatbot",
                                  {**FORM4_INPUTS, "department": "福祉課"}, now=NOW + timedelta(hours=1))
    assert form2.case is not None and form4.case is not None
    assert [p.aad_object_id for p in form2.reviewers] == [DX.aad_object_id]
    assert await usecases.search(store) == []  # nothing is shown before DX推進課 publishes it
    with pytest.raises(Refused, match="DX推進課だけ"):
        await usecases.publish(store, org, form2.case["id"], YAMADA.aad_object_id, NOW)
    await usecases.publish(store, org, form2.case["id"], DX.aad_object_id, NOW + timedelta(hours=2))
    await usecases.publish(store, org, form4.case["id"], DX.aad_object_id, NOW + timedelta(hours=3))
    with pytest.raises(Refused, match="公開"):
        await usecases.publish(store, org, form4.case["id"], DX.aad_object_id, NOW)
    assert [c["id"] for c in await usecases.search(store)] == [form4.case["id"], form2.case["id"]]
    assert [c["id"] for c in await usecases.search(store, "ＣＨＡＴＧＰＴ 下書き")] == [form2.case["id"]]
    assert [c["id"] for c in await usecases.search(store, department="福祉")] == [form4.case["id"]]
    assert await usecases.search(store, "下書き", department="福祉") == []


async def test_a_returned_case_is_corrected_by_its_submitter_only(store: Store, org: Directory) -> None:
    done = await usecases.submit(store, org, YAMADA.aad_object_id, "chatgpt", FORM2_INPUTS, now=NOW)
    assert done.case is not None
    case_id = done.case["id"]
    returned, _ = await usecases.send_back(store, org, case_id, DX.aad_object_id, {"review_note": "数値の根拠を"}, NOW)
    assert returned is not None and returned["status"] == "差戻し"
    with pytest.raises(Refused, match="提出した方だけ"):
        await usecases.submit(store, org, TANAKA.aad_object_id, "chatgpt", FORM2_INPUTS, now=NOW, case_id=case_id)
    again = await usecases.submit(store, org, YAMADA.aad_object_id, "chatgpt", {**FORM2_INPUTS, "hours_saved": "10"},
                                  now=NOW, case_id=case_id)
    assert again.case is not None
    assert (again.case["id"], again.case["status"], again.case["answers"]["hours_saved"]) == (case_id, "審査中", 10.0)
    assert len(await store.find(usecases.USECASES)) == 1

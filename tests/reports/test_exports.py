"""Exports: CSV that Excel opens, 様式 workbooks laid out like the guideline, one-time links."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from org import Directory
from storage.base import Store
from tests.reports.helpers import DX, FORM2_INPUTS, FORM4_INPUTS, TANAKA, report_inputs
from tests.support.teams import YAMADA
from workflows import exports, reports, usecases

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 14:00 JST
EARLIER = NOW - timedelta(hours=1)
DAY = date(2026, 11, 26)


async def _report(store: Store, org: Directory, now: datetime = NOW, **changes: str) -> dict:
    typed = report_inputs(now - timedelta(hours=1), **changes)
    done = await reports.submit(store, org, YAMADA.aad_object_id, typed, exchange_id=None, now=now,
                                all_division_heads=False)
    assert done.report is not None
    return done.report


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert b"\r\n" in content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_report_csv_has_a_bom_japanese_headers_and_no_formulas(store: Store, org: Directory) -> None:
    await _report(store, org, background="=HYPERLINK(\"http://evil\")\n二行目", occurred_date="2026-11-26",
                  occurred_time="09:15")
    built = await exports.build(store, "reports", "csv", DAY, DAY)
    assert built.count == 1 and built.file.filename == "様式3_障害発生報告_20261126-20261126.csv"
    header, row = _rows(built.file.content)
    record = dict(zip(header, row, strict=True))
    assert record["受付番号"] == "R2026-0001" and record["状態"] == "受付"
    assert record["発生日時"] == "2026-11-26 09:15" and record["報告日時"] == "2026-11-26 14:00"
    assert record["経緯"] == "'=HYPERLINK(\"http://evil\")\n二行目"
    assert record["サービス"] == "生成AI総合案内チャットボット"
    assert "佐藤 花子" in record["通知先"] and "ユーザー5" in record["通知先"]


async def test_the_period_is_whole_jst_days(store: Store, org: Directory) -> None:
    # 2026-11-25 23:30 JST is 14:30 UTC: it belongs to the 25th, not the 26th.
    await _report(store, org, now=datetime(2026, 11, 25, 14, 30, tzinfo=UTC), occurred_date="2026-11-25",
                  occurred_time="09:00")
    await _report(store, org, now=datetime(2026, 11, 25, 15, 30, tzinfo=UTC), occurred_date="2026-11-25",
                  occurred_time="09:00")
    assert (await exports.build(store, "reports", "csv", date(2026, 11, 25), date(2026, 11, 25))).count == 1
    assert (await exports.build(store, "reports", "csv", date(2026, 11, 26), date(2026, 11, 30))).count == 1


async def test_report_workbook_is_the_form3_layout(store: Store, org: Directory) -> None:
    await _report(store, org, occurred_date="2026-11-26", occurred_time="09:15", cause="=1+1")
    built = await exports.build(store, "reports", "xlsx", DAY, DAY)
    sheet = load_workbook(io.BytesIO(built.file.content))["R2026-0001"]
    assert sheet["B1"].value == "【様式3】"
    assert sheet["E2"].value == "令和8年11月26日"
    assert sheet["B4"].value == "ＤＸ推進課長"
    assert [(sheet[f"D{r}"].value, sheet[f"E{r}"].value) for r in range(6, 10)] == [
        ("所属", "市民課"), ("所属長", "佐藤 花子"), ("担当者", "山田 太郎"), ("連絡先", "内線1234")]
    assert sheet["B11"].value == "生成AI総合案内チャットボット 障害発生報告書"
    table = [(sheet[f"B{r}"].value, sheet[f"C{r}"].value) for r in range(13, 18)]
    assert [label for label, _ in table] == ["発生日時", "経緯", "原因", "今後の対応と見通し", "備考"]
    assert table[0][1] == "令和8年11月26日 09時15分"
    assert table[2][1] == "=1+1" and sheet["C15"].data_type == "s"  # text, never a formula
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
    assert "C13:F13" in sheet.merged_cells


async def test_form2_workbook_and_csv(store: Store, org: Directory) -> None:
    await usecases.submit(store, org, YAMADA.aad_object_id, "chatgpt", FORM2_INPUTS, now=NOW)
    await usecases.submit(store, org, TANAKA.aad_object_id, "chatbot", FORM4_INPUTS, now=NOW)  # not 様式2
    built = await exports.build(store, "usecases-chatgpt", "xlsx", DAY, DAY)
    workbook = load_workbook(io.BytesIO(built.file.content))
    assert workbook.sheetnames == ["U2026-0001"]
    sheet = workbook["U2026-0001"]
    assert (sheet["B1"].value, sheet["B11"].value) == ("【様式2】", "ChatGPT活用方法報告書")
    assert [sheet[f"B{r}"].value for r in range(13, 18)] == [
        "提出日", "業務名", "ChatGPT利用前の\n運用方法", "ChatGPT利用時の\n運用方法", "効果"]
    assert sheet["C14"].value == "窓口案内文の作成"
    assert "月あたり約12時間" in sheet["C17"].value
    header, row = _rows((await exports.build(store, "usecases-chatgpt", "csv", DAY, DAY)).file.content)
    assert dict(zip(header, row, strict=True))["時間削減（時間／月）"] == "12"


async def test_form4_workbook_holds_ten_cases_a_sheet(store: Store, org: Directory) -> None:
    for n in range(11):
        await usecases.submit(store, org, TANAKA.aad_object_id, "chatbot", {**FORM4_INPUTS, "task": f"業務{n + 1}"},
                              now=NOW + timedelta(minutes=n))
    built = await exports.build(store, "usecases-chatbot", "xlsx", DAY, DAY)
    workbook = load_workbook(io.BytesIO(built.file.content))
    assert workbook.sheetnames == ["様式4 (1)", "様式4 (2)"]
    first, second = workbook.worksheets
    assert first["A1"].value == "松戸市生成AI総合案内チャットボット活用事例報告書"
    assert [c.value for c in first[3]] == [
        "No.", "所属名", "班、係名", "関連事業・業務名", "活用方法(どのような場面で、誰が、どのように)",
        "想定活用頻度", "担当者\n氏名", "外線・内線"]
    assert [first[f"A{r}"].value for r in range(4, 14)] == [str(n) for n in range(1, 11)]
    assert [first[f"D{r}"].value for r in (4, 13)] == ["業務1", "業務10"]
    assert (second["A4"].value, second["D4"].value, second["D5"].value) == ("11", "業務11", None)  # empty row
    assert first["G4"].value == "山田 太郎" and first["H4"].value == "内線1234"
    assert first.page_setup.orientation == "landscape" and first.page_setup.fitToHeight == 1


async def test_an_empty_period_is_refused(store: Store) -> None:
    try:
        await exports.build(store, "reports", "xlsx", DAY, DAY)
    except exports.Refused as refused:
        assert "該当する記録はありません" in str(refused)
    else:
        raise AssertionError("an empty export was built")


async def test_a_link_works_once(store: Store, tmp_path: Path) -> None:
    file = exports.ExportFile(b"data", "様式3.xlsx", exports.XLSX)
    token, expires = await exports.offer(store, tmp_path, file, DX.aad_object_id, NOW, 600)
    assert expires == NOW + timedelta(seconds=600)
    [stored] = list((tmp_path / "exports").iterdir())
    assert token not in stored.name and token not in str(await store.find(exports.DOWNLOADS))
    taken = await exports.take(store, tmp_path, token, NOW + timedelta(seconds=1))
    assert taken == file
    assert not stored.exists()
    assert await exports.take(store, tmp_path, token, NOW + timedelta(seconds=2)) is None


async def test_an_expired_link_is_refused_and_its_file_deleted(store: Store, tmp_path: Path) -> None:
    file = exports.ExportFile(b"data", "a.csv", exports.CSV)
    token, _ = await exports.offer(store, tmp_path, file, DX.aad_object_id, NOW, 60)
    assert await exports.take(store, tmp_path, token, NOW + timedelta(seconds=61)) is None
    assert list((tmp_path / "exports").iterdir()) == []
    assert await store.find(exports.DOWNLOADS) == []


async def test_a_sweep_removes_expired_and_orphaned_files(store: Store, tmp_path: Path) -> None:
    file = exports.ExportFile(b"data", "a.csv", exports.CSV)
    old, _ = await exports.offer(store, tmp_path, file, DX.aad_object_id, NOW, 60)
    (tmp_path / "exports" / "left-by-a-crash.xlsx").write_bytes(b"x")
    fresh, _ = await exports.offer(store, tmp_path, file, DX.aad_object_id, NOW + timedelta(seconds=120), 60)
    assert len(list((tmp_path / "exports").iterdir())) == 1
    assert await exports.take(store, tmp_path, old, NOW + timedelta(seconds=121)) is None
    assert await exports.take(store, tmp_path, fresh, NOW + timedelta(seconds=121)) == file


async def test_malformed_tokens_are_refused_without_a_lookup(store: Store, tmp_path: Path) -> None:
    for token in ("", "../../etc/passwd", "x" * 200, "短い"):
        assert await exports.take(store, tmp_path, token, NOW) is None

"""Exports for DX推進課: reports and usage cases of a period, as CSV or as the filled 様式.

CSV is UTF-8 with a BOM and CRLF line ends, so Excel opens it with the Japanese intact; a cell
that Excel would read as a formula (``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.

A file reaches its requester through a one-time link (``GET /exports/<token>``): the token is
random, only its SHA-256 is stored, it expires after ``EXPORT_LINK_TTL_S`` seconds and works
once; the file lives under ``DATA_DIR/exports`` until it is downloaded or expires.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from org import DX_ADMIN, Directory
from storage.base import Doc, Store
from workflows import sheets
from workflows.forms import (
    EXPORT_FIELDS,
    FORM2_FIELDS,
    FORM4_FIELDS,
    JST,
    REPORT_CATEGORIES,
    SERVICE_NAMES,
    FormResult,
    Refused,
    validate,
)
from workflows.reports import REPORTS
from workflows.usecases import USECASES

DOWNLOADS = "exports"
AUDIT = "audit"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
MAX_DAYS = 366
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


# --- what a record looks like in a CSV row and on its 様式 -----------------------------------

def _jst(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(JST) if value else None


def _when(value: str | None) -> str:
    moment = _jst(value)
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _hours(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


_CATEGORY = dict(REPORT_CATEGORIES)
_FORM2 = {f.id: f.label for f in FORM2_FIELDS}
_FORM4 = {f.id: f.label for f in FORM4_FIELDS}


def report_row(report: Doc) -> dict[str, str]:
    header = report["header"]
    return {
        "受付番号": report["id"],
        "状態": report["status"],
        "種別": _CATEGORY.get(report["category"], report["category"]),
        "サービス": SERVICE_NAMES.get(report["service"], report["service"]),
        "所属": header["department"],
        "所属長": header["manager"],
        "担当者": header["reporter"],
        "連絡先": header["contact"],
        "発生日時": _when(report["occurred_at"]),
        "経緯": report["background"],
        "原因": report["cause"] or "",
        "今後の対応と見通し": report["outlook"] or "",
        "備考": report["remarks"] or "",
        "関連する回答": report["exchange_id"] or "",
        "報告日時": _when(report["submitted_at"]),
        "所属長確認日時": _when(report["confirmed_at"]),
        "通知先": "、".join(n["name"] for n in report["notified"]),
    }


def form2_row(case: Doc) -> dict[str, str]:
    answers = case["answers"]
    return {
        "受付番号": case["id"],
        "状態": case["status"],
        "提出日時": _when(case["submitted_at"]),
        **{_FORM2[key]: str(answers[key] or "") for key in ("department", "manager", "reporter", "contact")},
        **{_FORM2[key]: str(answers[key] or "") for key in ("task", "before", "after", "effect")},
        _FORM2["hours_saved"]: _hours(answers["hours_saved"]),
        "公開日時": _when(case["published_at"]),
    }


def form4_row(case: Doc) -> dict[str, str]:
    answers = case["answers"]
    return {
        "受付番号": case["id"],
        "状態": case["status"],
        "提出日時": _when(case["submitted_at"]),
        **{_FORM4[f.id]: str(answers[f.id] or "") for f in FORM4_FIELDS},
        "公開日時": _when(case["published_at"]),
    }


def report_form(report: Doc) -> sheets.LetterForm:
    header = report["header"]
    service = report["service"]
    title = "ChatGPT 障害発生報告書" if service == "chatgpt" else f"{SERVICE_NAMES[service]} 障害発生報告書"
    confirmed = _when(report["confirmed_at"])
    footer = "　".join(part for part in (
        f"受付番号 {report['id']}",
        f"種別 {_CATEGORY.get(report['category'], report['category'])}",
        f"状態 {report['status']}",
        f"所属長確認 {confirmed}" if confirmed else "所属長確認 未",
        f"関連する回答 {report['exchange_id']}" if report["exchange_id"] else "",
    ) if part)
    occurred = _jst(report["occurred_at"])
    return sheets.LetterForm(
        mark="【様式3】",
        sheet=report["id"],
        dated=_jst(report["submitted_at"]).date(),  # type: ignore[union-attr]
        header=[("所属", header["department"]), ("所属長", header["manager"]),
                ("担当者", header["reporter"]), ("連絡先", header["contact"])],
        title=title,
        rows=[
            ("発生日時", f"{sheets.wareki(occurred.date())} {occurred:%H時%M分}" if occurred else "", 36),
            ("経緯", report["background"], 130),
            ("原因", report["cause"] or "", 110),
            ("今後の対応と見通し", report["outlook"] or "", 110),
            ("備考", report["remarks"] or "", 70),
        ],
        footer=footer,
    )


def form2_form(case: Doc) -> sheets.LetterForm:
    answers = case["answers"]
    submitted = _jst(case["submitted_at"]).date()  # type: ignore[union-attr]
    effect = f"{answers['effect']}\n\n（定量的効果）作業時間の削減：月あたり約{_hours(answers['hours_saved'])}時間"
    return sheets.LetterForm(
        mark="【様式2】",
        sheet=case["id"],
        dated=submitted,
        header=[("所属", answers["department"]), ("所属長", answers["manager"]),
                ("担当者", answers["reporter"]), ("連絡先", answers["contact"])],
        title="ChatGPT活用方法報告書",
        rows=[
            ("提出日", sheets.wareki(submitted), 36),
            ("業務名", answers["task"], 36),
            ("ChatGPT利用前の\n運用方法", answers["before"], 130),
            ("ChatGPT利用時の\n運用方法", answers["after"], 130),
            ("効果", effect, 130),
        ],
        footer=f"受付番号 {case['id']}　状態 {case['status']}",
    )


def form4_cells(case: Doc) -> list[str]:
    answers = case["answers"]
    return [str(answers[f.id] or "") for f in FORM4_FIELDS]


@dataclass(frozen=True)
class Kind:
    label: str  # file name stem
    kind: str  # storage kind
    where: dict[str, str]
    row: Callable[[Doc], dict[str, str]]
    workbook: Callable[[list[Doc]], bytes]


KINDS = {
    "reports": Kind("様式3_障害発生報告", REPORTS, {}, report_row,
                    lambda docs: sheets.letter_workbook(report_form(d) for d in docs)),
    "usecases-chatgpt": Kind("様式2_ChatGPT活用方法報告", USECASES, {"service": "chatgpt"}, form2_row,
                             lambda docs: sheets.letter_workbook(form2_form(d) for d in docs)),
    "usecases-chatbot": Kind("様式4_チャットボット活用事例報告", USECASES, {"service": "chatbot"}, form4_row,
                             lambda docs: sheets.form4_workbook([form4_cells(d) for d in docs])),
}


# --- building a file ---------------------------------------------------------------------------

def _csv_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def to_csv(rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row.values()])
    return buffer.getvalue().encode("utf-8-sig")


async def collect(store: Store, kind: str, since: date, until: date) -> list[Doc]:
    """Records submitted from ``since`` to ``until`` (JST days, both included), oldest first."""
    spec = KINDS[kind]
    start = datetime.combine(since, datetime.min.time(), tzinfo=JST)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=JST)
    found = [
        doc for doc in await store.find(spec.kind, where=spec.where or None)
        if start <= datetime.fromisoformat(doc["submitted_at"]) < end
    ]
    return sorted(found, key=lambda d: d["submitted_at"])


def check_request(raw: dict[str, Any], now: datetime) -> FormResult:
    form = validate(EXPORT_FIELDS, raw, now.astimezone(JST).date())
    since, until = form.values.get("since"), form.values.get("until")
    if since and until and since > until:
        form.errors["until"] = "終了日は開始日以降の日付にしてください。"
    elif since and until and (until - since).days >= MAX_DAYS:
        form.errors["until"] = f"期間は{MAX_DAYS}日以内にしてください。"
    return form


@dataclass(frozen=True)
class Built:
    file: ExportFile
    count: int  # records in it


async def build(store: Store, kind: str, fmt: str, since: date, until: date) -> Built:
    spec = KINDS[kind]
    docs = await collect(store, kind, since, until)
    if not docs:
        raise Refused("指定した期間に該当する記録はありません。")
    stem = f"{spec.label}_{since:%Y%m%d}-{until:%Y%m%d}"
    if fmt == "csv":
        return Built(ExportFile(to_csv([spec.row(d) for d in docs]), f"{stem}.csv", CSV), len(docs))
    return Built(ExportFile(spec.workbook(docs), f"{stem}.xlsx", XLSX), len(docs))


# --- one-time download links ------------------------------------------------------------------

def exports_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "exports"


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def require_admin(org: Directory, actor_id: str) -> None:
    person = await org.person(actor_id)
    if person is None or not person.has_role(DX_ADMIN):
        raise Refused("出力できるのはDX推進課だけです。")


async def sweep(store: Store, data_dir: str | Path, now: datetime) -> int:
    """Delete expired links and every file no live link points to; returns files deleted."""
    live: set[str] = set()
    for doc in await store.find(DOWNLOADS):
        if datetime.fromisoformat(doc["expires_at"]) <= now:
            await store.delete(DOWNLOADS, doc["key"])
        else:
            live.add(doc["file"])
    folder = exports_dir(data_dir)
    removed = 0
    for path in folder.glob("*") if folder.is_dir() else ():
        if path.name not in live:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


async def offer(
    store: Store, data_dir: str | Path, export: ExportFile, actor_id: str, now: datetime, ttl_s: float
) -> tuple[str, datetime]:
    """Store the file and return a one-time token for it and when it expires."""
    await sweep(store, data_dir, now)
    token = secrets.token_urlsafe(32)
    key = _key(token)
    file = f"{secrets.token_hex(16)}{Path(export.filename).suffix}"
    expires = now + timedelta(seconds=ttl_s)
    # The link is recorded before the file exists, so a sweep never takes a file for an orphan.
    await store.put(DOWNLOADS, key, {
        "key": key, "file": file, "filename": export.filename, "content_type": export.content_type,
        "expires_at": expires.isoformat(), "requested_by": actor_id, "used": False,
    })
    folder = exports_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file).write_bytes(export.content)
    await store.append(AUDIT, {"event": "export.created", "actor": actor_id, "file": export.filename})
    return token, expires


async def take(store: Store, data_dir: str | Path, token: str, now: datetime | None = None) -> ExportFile | None:
    """The file behind a token, exactly once and before it expires; None otherwise."""
    now = now or datetime.now(UTC)
    if not _TOKEN.fullmatch(token or ""):
        return None
    key = _key(token)
    doc = await store.get(DOWNLOADS, key)
    if doc is None:
        return None
    path = exports_dir(data_dir) / Path(doc["file"]).name
    expired = datetime.fromisoformat(doc["expires_at"]) <= now
    claimed = None if expired else await store.update(DOWNLOADS, key, {"used": True}, expect={"used": False})
    if claimed is None:
        if expired:
            await store.delete(DOWNLOADS, key)
            path.unlink(missing_ok=True)
        return None
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        content = None
    path.unlink(missing_ok=True)
    await store.delete(DOWNLOADS, key)
    if content is None:
        return None
    await store.append(AUDIT, {"event": "export.downloaded", "actor": doc["requested_by"], "file": doc["filename"]})
    return ExportFile(content, doc["filename"], doc["content_type"])

"""The org table: a UTF-8 CSV (BOM or not) with one row a person.

It is the embedded directory, and the source of roles and the security chain for every city
(Entra ID knows departments and managers, not the guideline's roles). A malformed table stops
start-up with a message naming the line, because a wrong approver is worse than no bot.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from org.person import ROLES, SERVICES, Person

COLUMNS = (
    "aad_object_id", "name", "email", "division", "department", "role", "manager_aad_object_id",
    "permitted_services",
)
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class OrgTableError(Exception):
    """The org table cannot be used; the message (Japanese) names the file and line."""


def _split(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(";") if part.strip())


def _row(path: Path, line: int, row: dict[str, str | None]) -> Person:
    def fail(reason: str) -> OrgTableError:
        return OrgTableError(f"組織表 {path} の {line} 行目: {reason}")

    if None in row or any(row.get(c) is None for c in COLUMNS):
        raise fail(f"列の数が見出し（{len(COLUMNS)} 列）と合いません。")
    cells = {c: (row[c] or "").strip() for c in COLUMNS}
    if not _GUID.fullmatch(cells["aad_object_id"]):
        raise fail(f"aad_object_id「{cells['aad_object_id']}」が Entra ID のオブジェクト ID の形式ではありません。")
    manager = cells["manager_aad_object_id"]
    if manager and not _GUID.fullmatch(manager):
        raise fail(f"manager_aad_object_id「{manager}」が Entra ID のオブジェクト ID の形式ではありません。")
    if not cells["name"]:
        raise fail("name（氏名）が空です。")
    if not cells["department"]:
        raise fail("department（所属）が空です。")
    if cells["email"] and "@" not in cells["email"]:
        raise fail(f"email「{cells['email']}」がメールアドレスではありません。")
    roles = _split(cells["role"]) or frozenset({"staff"})
    if unknown := roles - ROLES:
        raise fail(f"role に不明な値があります: {'、'.join(sorted(unknown))}（使える値: {'; '.join(sorted(ROLES))}）")
    services = _split(cells["permitted_services"])
    if unknown := services - SERVICES:
        raise fail(f"permitted_services に不明な値があります: {'、'.join(sorted(unknown))}（chatbot または chatgpt）")
    return Person(
        aad_object_id=cells["aad_object_id"].lower(),
        name=cells["name"],
        email=cells["email"],
        division=cells["division"],
        department=cells["department"],
        roles=roles,
        manager_aad_object_id=manager.lower(),
        permitted_services=services,
    )


def parse(path: Path, lines: Iterable[str]) -> list[Person]:
    reader = csv.DictReader(lines)
    header = [h.strip() for h in reader.fieldnames or []]
    if tuple(header) != COLUMNS:
        raise OrgTableError(f"組織表 {path} の 1 行目: 見出しは「{','.join(COLUMNS)}」にしてください。")
    reader.fieldnames = header
    people: list[Person] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank lines are allowed
        person = _row(path, line, row)
        if person.aad_object_id in seen:
            raise OrgTableError(
                f"組織表 {path} の {line} 行目: aad_object_id が {seen[person.aad_object_id]} 行目と重複しています。"
            )
        seen[person.aad_object_id] = line
        people.append(person)
    by_id = {p.aad_object_id for p in people}
    for person in people:
        if person.manager_aad_object_id and person.manager_aad_object_id not in by_id:
            raise OrgTableError(
                f"組織表 {path} の {seen[person.aad_object_id]} 行目: manager_aad_object_id "
                f"{person.manager_aad_object_id} の行がありません。"
            )
    return people


def load(path: str | Path) -> list[Person]:
    path = Path(path)
    try:
        # utf-8-sig reads files with or without the BOM Excel writes.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return parse(path, handle)
    except FileNotFoundError as error:
        raise OrgTableError(f"組織表 {path} が見つかりません。ORG_TABLE で CSV の場所を指定してください。") from error
    except UnicodeDecodeError as error:
        raise OrgTableError(f"組織表 {path} が UTF-8 ではありません。UTF-8 で保存し直してください。") from error

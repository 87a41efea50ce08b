"""The org table: the sample ships valid, and a bad table stops start-up naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import StartupError, create_app
from org import DIVISION_HEAD, DX_ADMIN, MANAGER, OrgTableError
from org.table import COLUMNS, load
from settings import Settings

REPO = Path(__file__).resolve().parents[2]
HEADER = ",".join(COLUMNS)
YAMADA = "33333333-3333-3333-3333-333333333333"
SATO = "44444444-4444-4444-4444-444444444444"


def write(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "org.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_sample_table_has_the_playground_people_and_every_role() -> None:
    people = {p.aad_object_id: p for p in load(REPO / "data" / "org.csv")}
    assert people[YAMADA].name == "山田 太郎"
    assert people[YAMADA].manager_aad_object_id == SATO
    assert people[YAMADA].permitted_services == {"chatbot"}
    assert MANAGER in people[SATO].roles
    roles = set().union(*(p.roles for p in people.values()))
    assert roles == {"staff", "manager", "dx_admin", "ciso", "security_head", "division_head"}


@pytest.mark.parametrize("bom", [False, True])
def test_reads_with_or_without_bom(tmp_path: Path, bom: bool) -> None:
    path = write(tmp_path, f"{HEADER}\r\n{SATO},佐藤 花子,sato@example.com,市民部,市民課,manager; dx_admin ,,chatbot;chatgpt\r\n",
                 bom=bom)
    (person,) = load(path)
    assert person.roles == {MANAGER, DX_ADMIN}
    assert person.permitted_services == {"chatbot", "chatgpt"}
    assert person.account == "sato"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (f"{SATO},佐藤 花子,sato@example.com,市民部,市民課,boss,,", "role に不明な値"),
        ("not-a-guid,佐藤 花子,sato@example.com,市民部,市民課,manager,,", "aad_object_id"),
        (f"{SATO},佐藤 花子,sato@example.com,市民部,市民課,manager,,chatbot;gemini", "permitted_services"),
        (f"{SATO},佐藤 花子,sato@example.com,市民部,市民課,manager", "列の数"),
        (f"{SATO},,sato@example.com,市民部,市民課,manager,,", "name"),
        (f"{SATO},佐藤 花子,sato@example.com,市民部,市民課,manager,77777777-7777-7777-7777-777777777777,", "の行がありません"),
    ],
)
def test_malformed_row_names_its_line(tmp_path: Path, row: str, expected: str) -> None:
    ok = f"{YAMADA},山田 太郎,yamada@example.com,市民部,市民課,staff,,"
    path = write(tmp_path, f"{HEADER}\n{ok}\n\n{row}\n")
    with pytest.raises(OrgTableError) as raised:
        load(path)
    assert "4 行目" in str(raised.value) and expected in str(raised.value)


def test_wrong_header_and_duplicates(tmp_path: Path) -> None:
    with pytest.raises(OrgTableError, match="1 行目"):
        load(write(tmp_path, "id,name\n"))
    row = f"{SATO},佐藤 花子,sato@example.com,市民部,市民課,manager,,"
    with pytest.raises(OrgTableError, match=r"3 行目.*2 行目と重複"):
        load(write(tmp_path, f"{HEADER}\n{row}\n{row}\n"))


def test_bad_table_stops_start_up_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{SATO},佐藤 花子,sato@example.com,市民部,市民課,chief,,\n")
    settings = Settings({"ALLOW_UNAUTHENTICATED": "1", "ORG_TABLE": str(path), "DATA_DIR": str(tmp_path)})
    with pytest.raises(StartupError, match="2 行目"):
        create_app(settings)


def test_missing_table_is_a_clear_start_up_error(tmp_path: Path) -> None:
    settings = Settings({"ALLOW_UNAUTHENTICATED": "1", "ORG_TABLE": str(tmp_path / "none.csv")})
    with pytest.raises(StartupError, match="ORG_TABLE"):
        create_app(settings)


async def test_directory_roles_and_security_chain() -> None:
    from org import open_directory

    directory = open_directory(Settings({"ORG_TABLE": str(REPO / "data" / "org.csv")}))
    manager = await directory.manager_of(YAMADA)
    assert manager is not None and manager.name == "佐藤 花子"
    # A 所属長's own approver is their superior (the 部長 here).
    boss = await directory.manager_of(SATO)
    assert boss is not None and DIVISION_HEAD in boss.roles and boss.division == "市民部"
    chain = await directory.security_chain("市民部")
    assert [p.roles & {"ciso", "security_head", "division_head"} for p in chain] == [
        {"ciso"}, {"security_head", "division_head"}, {"division_head"}]
    assert [p.division for p in await directory.division_heads("総務部")] == ["総務部"]
    assert [p.department for p in await directory.dx_admins()] == ["DX推進課"]
    assert await directory.person("99999999-9999-9999-9999-999999999999") is None
    assert directory.find("YAMADA") == directory.find("yamada@example.com") == await directory.person(YAMADA)

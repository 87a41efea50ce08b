"""Department and manager from Graph over loopback HTTPS (msal client credentials, test CA)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from org import open_directory
from settings import Settings
from tests.org.graph_server import GraphServer

REPO = Path(__file__).resolve().parents[2]
YAMADA = "33333333-3333-3333-3333-333333333333"
TANAKA = "55555555-5555-5555-5555-555555555555"
SATO = "44444444-4444-4444-4444-444444444444"
HEAD = "44444444-4444-4444-4444-444444444448"


def directory(graph: GraphServer, **extra: str):
    return open_directory(Settings({"ORG_TABLE": str(REPO / "data" / "org.csv"), **graph.settings(), **extra}))


async def test_graph_department_and_manager_prevail_over_the_table(graph: GraphServer) -> None:
    # Entra ID says 山田 moved to 国保年金課 under the 部長 directly.
    graph.add(YAMADA, "山田 太郎", "国保年金課", manager=HEAD)
    graph.add(HEAD, "ユーザー8", "市民部")
    people = directory(graph)
    person = await people.person(YAMADA)
    assert person is not None
    assert person.department == "国保年金課"
    assert person.roles == {"staff"}  # roles always come from the table
    manager = await people.manager_of(YAMADA)
    assert manager is not None and manager.aad_object_id == HEAD and "division_head" in manager.roles
    await people.close()


async def test_without_a_manager_in_entra_the_table_answers(graph: GraphServer) -> None:
    graph.add(TANAKA, "田中 次郎", "")
    people = directory(graph)
    manager = await people.manager_of(TANAKA)
    assert manager is not None and manager.aad_object_id == SATO
    person = await people.person(TANAKA)
    assert person is not None and person.department == "市民課"
    await people.close()


async def test_manager_known_only_to_entra_is_still_the_approver(graph: GraphServer) -> None:
    outside = "77777777-7777-7777-7777-777777777777"
    graph.add(YAMADA, "山田 太郎", "市民課", manager=outside)
    graph.add(outside, "木村 課長", "市民課")
    people = directory(graph)
    manager = await people.manager_of(YAMADA)
    assert manager is not None and manager.name == "木村 課長" and manager.roles == {"manager"}
    await people.close()


async def test_answers_are_cached_for_the_configured_time(graph: GraphServer) -> None:
    graph.add(YAMADA, "山田 太郎", "市民課", manager=SATO)
    graph.add(SATO, "佐藤 花子", "市民課", manager=HEAD)
    people = directory(graph, GRAPH_CACHE_SECONDS="0.3")
    for _ in range(3):
        await people.person(YAMADA)
    assert graph.requests.count(f"/v1.0/users/{YAMADA}") == 1
    assert graph.tokens_issued == 1  # msal keeps the token
    await asyncio.sleep(0.4)
    graph.users[YAMADA].department = "国保年金課"
    person = await people.person(YAMADA)
    assert person is not None and person.department == "国保年金課"
    assert graph.requests.count(f"/v1.0/users/{YAMADA}") == 2
    await people.close()


async def test_graph_down_falls_back_to_the_table(graph: GraphServer) -> None:
    graph.fail_graph = True
    people = directory(graph)
    manager = await people.manager_of(YAMADA)
    assert manager is not None and manager.aad_object_id == SATO
    await people.close()


async def test_wrong_secret_falls_back_to_the_table(graph: GraphServer) -> None:
    people = directory(graph, GRAPH_CLIENT_SECRET="wrong")
    person = await people.person(YAMADA)
    assert person is not None and person.department == "市民課"
    assert graph.tokens_issued == 0
    await people.close()


async def test_untrusted_certificate_is_refused(graph: GraphServer) -> None:
    graph.add(YAMADA, "山田 太郎", "国保年金課", manager=HEAD)
    people = directory(graph, GRAPH_CA_FILE="")  # system CAs do not trust the test CA
    person = await people.person(YAMADA)
    assert person is not None and person.department == "市民課"  # Graph was not believed
    assert graph.tokens_issued == 0
    await people.close()

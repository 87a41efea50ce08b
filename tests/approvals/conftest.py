"""People, model servers and helpers for walking the approval flows over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.org.graph_server import GraphServer, running_graph
from tests.support.connector import Connector, Received
from tests.support.teams import User

# data/org.csv: 田中 is a clerk of 市民課 with no permission yet; 佐藤 is his 所属長.
TANAKA = User("user-tanaka", "55555555-5555-5555-5555-555555555555", "田中 次郎")
DX_ADMIN = User("user-5", "44444444-4444-4444-4444-444444444445", "ユーザー5")
SOUMU_HEAD = User("user-7", "44444444-4444-4444-4444-444444444447", "ユーザー7")  # not 田中's approver
OUTSIDER = User("user-outsider", "99999999-9999-9999-9999-999999999999", "外部 太郎")  # not in the table


@pytest.fixture
async def graph(tmp_path: Path) -> AsyncIterator[GraphServer]:
    async with running_graph(tmp_path) as server:
        yield server



def conversations_of(connector: Connector, user: User) -> set[str]:
    """The personal conversations with ``user``: their own and any the bot opened."""
    opened = {c["id"] for c in connector.conversations
              if any(m.get("id") in (user.aad_object_id, user.channel_id) for m in c.get("members") or [])}
    return {f"a:personal-{user.channel_id}", *opened}


def sent_to(connector: Connector, user: User) -> list[Received]:
    conversations = conversations_of(connector, user)
    return [r for r in connector.received if r.conversation_id in conversations and r.operation != "update"]


def texts_to(connector: Connector, user: User) -> list[str]:
    return [r.text for r in sent_to(connector, user) if r.text]


def actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["verb"]: a["data"] for a in card.get("actions") or [] if a.get("type") == "Action.Execute"}


def body_text(card: dict[str, Any]) -> str:
    """Every text of a card, flattened, to assert what a person reads."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value", "label"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body"))
    return "\n".join(out)


async def card_for(connector: Connector, user: User, verb: str, timeout: float = 30) -> dict[str, Any]:
    """The newest card with a ``verb`` button sent to ``user``, waiting for it if needed."""
    def has(item: Received) -> bool:
        return item.conversation_id in conversations_of(connector, user) and any(
            verb in actions(c) for c in item.cards)

    await connector.wait_for(has, timeout)
    found = [c for r in connector.received if has(r) for c in r.cards if verb in actions(c)]
    return found[-1]


async def text_for(connector: Connector, user: User, fragment: str, timeout: float = 30) -> str:
    item = await connector.wait_for(
        lambda r: r.conversation_id in conversations_of(connector, user) and fragment in r.text, timeout)
    return item.text


def invoke_card(body: Any) -> dict[str, Any]:
    """The card an ``adaptiveCard/action`` invoke answered with."""
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]

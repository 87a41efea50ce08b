"""Users, form inputs and card readers shared by the reports tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.support.connector import Connector
from tests.support.teams import User
from workflows.forms import JST

# user-5..8 of ../shared/tools/examples/playground-config.ja.yml, with their roles in data/org.csv.
DX = User("user-5", "44444444-4444-4444-4444-444444444445", "ユーザー5")  # DX推進課 (dx_admin)
CISO = User("user-6", "44444444-4444-4444-4444-444444444446", "ユーザー6")  # 副市長
SOUMU = User("user-7", "44444444-4444-4444-4444-444444444447", "ユーザー7")  # 総務部長 (and 部長 of 総務部)
BUCHO = User("user-8", "44444444-4444-4444-4444-444444444448", "ユーザー8")  # 部長 of 市民部
TANAKA = User("user-tanaka", "55555555-5555-5555-5555-555555555555", "田中 次郎")  # staff, 市民課
# A 部長 of another 部, only in the table of ``org_with_other_division``.
FUKUSHI = User("user-9", "99999999-9999-9999-9999-999999999999", "福祉 部長")



class BlockingConnector(Connector):
    """The loopback connector, refusing 1:1 chats with people who blocked the bot (as Teams does)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: set[str] = set()

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        if any(m.get("id") in self.blocked for m in body.get("members") or []):
            return web.json_response(
                {"error": {"code": "Forbidden", "message": "MessageWritesBlocked"}}, status=403
            )
        return await super()._create(request)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def report_inputs(when: datetime | None = None, **changes: str) -> dict[str, str]:
    """What 山田 types into the 様式3 form: a valid report of ``when`` (default: an hour ago)."""
    when = (when or an_hour_ago()).astimezone(JST)
    return {
        "department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎", "contact": "内線1234",
        "category": "risk", "service": "chatbot",
        "occurred_date": when.date().isoformat(), "occurred_time": f"{when:%H:%M}",
        "background": "チャットボットの回答をもとに申請期限を案内したところ、期限が誤っていた。",
        "cause": "", "outlook": "", "remarks": "",
        **changes,
    }


FORM2_INPUTS = {
    "department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎", "contact": "内線1234",
    "task": "窓口案内文の作成", "before": "職員が一から作成していた。",
    "after": "ChatGPT で下書きを作り、職員が確認・修正する。", "effect": "作成時間が約2時間から約40分に短縮した。",
    "hours_saved": "12",
}
FORM4_INPUTS = {
    "department": "市民課", "team": "窓口係", "task": "転入手続きの案内",
    "usage": "窓口で必要書類を聞かれたとき、職員がチャットボットで確認して案内する。",
    "frequency": "毎日", "person": "山田 太郎", "phone": "内線1234",
}


def delivered(connector: Connector) -> dict[str, list[dict[str, Any]]]:
    """Cards each person got in a 1:1 chat the bot opened for them (proactive), by the member id used
    (the AAD object id, or the Teams id of someone the bot has already seen)."""
    members = {c["id"]: c["members"][0]["id"] for c in connector.conversations}
    cards: dict[str, list[dict[str, Any]]] = {}
    for item in connector.received:
        if item.conversation_id in members and item.operation in ("send", "reply", "create"):
            cards.setdefault(members[item.conversation_id], []).extend(item.cards)
    return cards


def nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, depth first (inputs and actions inside Action.ShowCard included)."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from nodes(value)
    elif isinstance(card, list):
        for value in card:
            yield from nodes(value)


def texts(card: dict[str, Any]) -> str:
    """All the text a card shows (TextBlocks, facts, input values and labels), in one string."""
    return "\n".join(
        node[key] for node in nodes(card) for key in ("text", "title", "value", "label")
        if isinstance(node.get(key), str)
    )


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in nodes(card) if str(n.get("type", "")).startswith("Input.") and "id" in n}


def actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every Action.Execute, by verb."""
    return {n["verb"]: n for n in nodes(card) if n.get("type") == "Action.Execute"}


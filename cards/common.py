"""Helpers every card builder uses, so all cards share one shape and one date format.

Cards are Adaptive Card 1.5 (the newest version Teams supports for bot-sent cards) at full
width, with ``Action.Execute`` buttons (Universal Actions, see docs/architecture.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
JST = ZoneInfo("Asia/Tokyo")

_VERB = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
_WEEKDAYS = "月火水木金土日"

Element = dict[str, Any]


def adaptive_card(
    body: list[Element], actions: list[Element] | None = None, refresh: Element | None = None
) -> dict[str, Any]:
    """A whole card. ``refresh`` is what :func:`refresh_for` returns (user-specific views)."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        # Teams draws cards narrow unless told otherwise; Japanese text wraps badly there.
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    if refresh:
        card["refresh"] = refresh
    return card


def execute(
    title: str, verb: str, data: Mapping[str, Any], style: str | None = None, *, inputs: bool = True
) -> Element:
    """An ``Action.Execute`` button. ``data`` carries ids only, never prompt text.

    ``inputs=False`` sends no input values and skips input validation (e.g. キャンセル).
    """
    if not _VERB.fullmatch(verb):
        raise ValueError(f"verb must look like '<feature>.<action>': {verb!r}")
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb, "data": dict(data)}
    if style:
        action["style"] = style
    if not inputs:
        action["associatedInputs"] = "none"
    return action


def refresh_for(verb: str, data: Mapping[str, Any], user_ids: Iterable[str]) -> Element:
    """``refresh`` that lets each listed user (Teams MRIs ``29:…``, at most 60) get their own view."""
    ids = list(user_ids)
    if len(ids) > 60:
        raise ValueError("Teams refreshes cards for at most 60 users")
    return {"action": execute("更新", verb, data), "userIds": ids}


def text(value: str, **props: Any) -> Element:
    """A TextBlock that wraps (Japanese has no spaces, so unwrapped text is cut off)."""
    return {"type": "TextBlock", "text": value, "wrap": True, **props}


def fact_set(facts: Mapping[str, str] | Iterable[tuple[str, str]]) -> Element:
    pairs = facts.items() if isinstance(facts, Mapping) else facts
    return {"type": "FactSet", "facts": [{"title": t, "value": v} for t, v in pairs]}


def jst_datetime(moment: datetime) -> str:
    """``2026年11月26日(木) 14:05`` in JST; naive datetimes are refused (times are UTC-aware)."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    local = moment.astimezone(JST)
    return f"{jst_date(local.date())} {local:%H:%M}"


def jst_date(day: date) -> str:
    """``2026年11月26日(木)``."""
    return f"{day.year}年{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]})"

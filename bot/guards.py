"""Checks every message and card action passes before any handler runs.

* A per-user rate limit (3-1(6): misuse), counted in storage so that every instance of the bot
  shares it when they share PostgreSQL.
* 2章1-2 対象端末: the rule names the city's PCs. Teams reports the client's platform in the
  ``clientInfo`` entity; the value is the client's own claim, so this is a reminder of the rule
  (allow, warn or refuse as the city sets), not a control.
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import Literal

from botbuilder.schema import Activity

from bot import messages
from bot.turn import Turn
from storage.base import Store

Platform = Literal["desktop", "mobile", "unknown"]

_DESKTOP = {"windows", "mac", "macos", "linux", "web"}
_MOBILE = {"ios", "ipados", "android"}
DEVICE_NOTICES = "device_notices"
# Who is known, in this process, to have had today's reminder (the day, their keys), per store:
# once stored it stays for the day whichever instance stored it, so each person's later messages
# that day need not read it back (a store round trip for every message from a phone).
_reminded: weakref.WeakKeyDictionary[Store, tuple[str, set[str]]] = weakref.WeakKeyDictionary()


def client_platform(activity: Activity) -> Platform:
    for entity in activity.entities or []:
        if getattr(entity, "type", None) == "clientInfo":
            fields = entity.additional_properties or {}
            platform = str(fields.get("platform") or "").strip().lower()
            if platform in _DESKTOP:
                return "desktop"
            if platform in _MOBILE:
                return "mobile"
    return "unknown"


async def within_rate_limit(turn: Turn) -> bool:
    limit = turn.services.settings.int("RATE_LIMIT_PER_MINUTE")
    who = turn.actor.aad_object_id or turn.actor.channel_user_id
    if limit <= 0 or not who:
        return True
    return await turn.services.store.hit(f"messages:{who}", 60.0) <= limit


async def device_allowed(turn: Turn) -> bool:
    """Apply the 1-2 policy; False when the message must not be processed."""
    platform = client_platform(turn.context.activity)
    if platform == "desktop":
        return True
    setting = "CLIENT_MOBILE_POLICY" if platform == "mobile" else "CLIENT_UNKNOWN_POLICY"
    policy = turn.services.settings[setting]
    if policy == "refuse":
        await turn.send_text(messages.DEVICE_REFUSED)
        return False
    if policy == "warn":
        # Once a day per person: a reminder, not a nag on every message.
        today = datetime.now(UTC).date().isoformat()
        key = turn.actor.aad_object_id or turn.actor.channel_user_id
        store = turn.services.store
        day, reminded = _reminded.get(store, ("", set()))
        if day != today:
            day, reminded = _reminded[store] = (today, set())
        if key in reminded:
            return True
        if (await store.get(DEVICE_NOTICES, key) or {}).get("day") != today:
            await store.put(DEVICE_NOTICES, key, {"day": today})
            await turn.send_text(messages.DEVICE_WARNING)
        reminded.add(key)
    return True

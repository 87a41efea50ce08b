"""Messages the bot starts itself: approval requests to a 所属長, report notifications.

Teams only lets a bot write to someone it can address: the bot keeps every user's personal
conversation reference (stored, so a restart or another instance can use it) and, for
someone who never wrote to it, opens a new 1:1 conversation in the city's tenant.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botbuilder.schema.teams import TeamsChannelData, TenantInfo

from bot import wire
from bot.turn import Actor, card_attachment
from storage.base import Put, Store
from storage.snapshot import Reader

log = logging.getLogger(__name__)

REFS = "conversation_refs"
MEMBER_IDS = "member_ids"  # AAD object id -> the person's Teams id (29:…) as this bot sees it
# How long this process trusts its memory of what is stored (see Notifier._keep); at most
# KNOWN_MAX entries (a few MB for the city's 6,400 staff).
KNOWN_TTL_S = 300.0
KNOWN_MAX = 20_000
CHANNEL = "channel"  # one document: where Teams is reached (service URL, tenant, bot account)


class Notifier:
    def __init__(self, adapter: CloudAdapter, store: Store, app_id: str):
        self._adapter = adapter
        self._store = store
        self._app_id = app_id
        self._known: dict[tuple[str, str], tuple[dict[str, Any], float]] = {}

    async def remember(self, context: TurnContext) -> None:
        """Keep the personal conversation of whoever wrote, and how to reach Teams."""
        activity = context.activity
        actor = Actor.from_activity(activity)
        wanted: list[tuple[str, str, dict[str, Any]]] = [(CHANNEL, "teams", {
            "service_url": activity.service_url,
            "channel_id": activity.channel_id,
            "tenant_id": actor.tenant_id,
            "bot": {"id": activity.recipient.id, "name": activity.recipient.name} if activity.recipient else None,
        })]
        conversation_type = activity.conversation.conversation_type if activity.conversation else None
        if actor.aad_object_id and actor.channel_user_id:
            # Seen in any chat (a group chat, a channel): enough to open their 1:1 chat later.
            wanted.append((MEMBER_IDS, actor.aad_object_id, {"id": actor.channel_user_id}))
        if actor.aad_object_id and conversation_type in (None, "personal"):
            serialized = wire.serialize(TurnContext.get_conversation_reference(activity))
            # The incoming message's id changes with every message; without it the reference
            # stays the same, so it is written once (Teams does not thread replies in a 1:1 chat).
            serialized.pop("activityId", None)
            wanted.append((REFS, actor.aad_object_id,
                           {"reference": serialized, "user_id": actor.channel_user_id, "name": actor.name}))
        await self._keep(wanted)

    async def _keep(self, wanted: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Store each ``(kind, key, doc)`` unless it is stored already; compared on its own fields
        (the store adds ``created_at``/``updated_at``), and first with what this process last
        stored or found.

        Every turn passes here: comparing with the stored copies alone cost 3 reads and, as the
        timestamps never matched, 3 writes a message (bench/load.py). What the memory does not
        vouch for is read in one step and written in one step: a person's first message to each
        process (with several workers, to each of them) comes before the turn's first visible
        update. Another instance may have stored a different value meanwhile; the memory is
        trusted for ``KNOWN_TTL_S`` only.
        """
        now = time.monotonic()
        unknown = []
        for kind, key, doc in wanted:
            known = self._known.get((kind, key))
            if known is None or known[0] != doc or now - known[1] >= KNOWN_TTL_S:
                unknown.append((kind, key, doc))
        if not unknown:
            return
        stored = await self._store.get_many([(kind, key) for kind, key, _ in unknown])
        changed = [Put(kind, key, doc) for (kind, key, doc), old in zip(unknown, stored, strict=True)
                   if old is None or {field: old.get(field) for field in doc} != doc]
        if changed:
            await self._store.write(*changed)
        if len(self._known) + len(unknown) > KNOWN_MAX:
            self._known.clear()
        for kind, key, doc in unknown:
            self._known[(kind, key)] = (doc, now)

    async def send_to_user(
        self, aad_object_id: str, *, card: dict[str, Any] | None = None, text: str | None = None,
        reads: Reader | None = None,
    ) -> str | None:
        """Send to the user's personal chat; returns the activity id, or None when unreachable.
        ``reads``: documents the caller read just before (the person's conversation among them)."""
        activity = MessageFactory.attachment(card_attachment(card), text=text) if card else MessageFactory.text(text or "")
        sent: dict[str, str | None] = {}

        async def deliver(context: TurnContext) -> None:
            response = await context.send_activity(activity)
            sent["id"] = response.id if response else None

        doc = await (reads or self._store).get(REFS, aad_object_id)
        if doc:
            reference = ConversationReference().deserialize(doc["reference"])
            await self._adapter.continue_conversation(reference, deliver, bot_app_id=self._app_id)
            return sent.get("id")
        channel = await self._store.get(CHANNEL, "teams")
        if not channel or not channel.get("service_url"):
            log.warning("proactive message skipped: Teams has not contacted the bot yet")
            return None
        # Teams addresses a member by the Teams id it gave the bot (29:…) or, for someone the bot
        # has never seen, by the AAD object id in `id` (Microsoft-Teams-Samples PR #882; an
        # `aadObjectId` field alone is refused, msteams-docs #14079).
        member = await self._store.get(MEMBER_IDS, aad_object_id)
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(**channel["bot"]) if channel.get("bot") else None,
            members=[ChannelAccount(id=member["id"] if member else aad_object_id)],
            tenant_id=channel.get("tenant_id"),
            channel_data=TeamsChannelData(tenant=TenantInfo(id=channel.get("tenant_id"))),
        )

        async def opened(context: TurnContext) -> None:
            # The new conversation is remembered so later messages continue it.
            reference = TurnContext.get_conversation_reference(context.activity)
            await self._store.put(
                REFS, aad_object_id, {"reference": reference.serialize(), "user_id": aad_object_id, "name": ""}
            )
            await deliver(context)

        await self._adapter.create_conversation(
            self._app_id, opened, parameters, channel.get("channel_id") or "msteams", channel["service_url"], None
        )
        return sent.get("id")

    async def update(self, aad_object_id: str, activity_id: str, card: dict[str, Any]) -> None:
        """Replace a card the bot sent earlier in the user's personal chat."""
        doc = await self._store.get(REFS, aad_object_id)
        if not doc:
            return
        reference = ConversationReference().deserialize(doc["reference"])
        activity = Activity(type="message", id=activity_id, attachments=[card_attachment(card)])

        async def replace(context: TurnContext) -> None:
            await context.update_activity(activity)

        await self._adapter.continue_conversation(reference, replace, bot_app_id=self._app_id)

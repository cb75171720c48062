"""Channels: digest subscriptions, the messages the bot posted (so corrections reach them),
platform events handled once, and the status report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot import messages, subscriptions
from bot.permissions import Actor
from bot.replies import AnswerReply, ClaimCardReply, DigestReply, NoAnswerReply
from bot.service.core import ServiceCore
from knowledge.errors import BadInput, PermissionDenied
from knowledge.models import DigestAudience, Place, Subscription
from knowledge.posted import AfterExpiry, EditVia, PostedKind, PostedMessage, Reach

# How long `first_time` remembers a key. Slack retries an event three times
# within about five minutes; an hour leaves room for slow retries and clock skew.
EVENT_TTL = timedelta(hours=1)


class Channels(ServiceCore):
    # ---- digests -------------------------------------------------------------------

    async def subscribe(
        self, actor: Actor, place: Place, post_time: str, timezone: str, audience: DigestAudience = "public"
    ) -> Subscription:
        """Writes: a daily digest in `place`'s channel at local `post_time`.

        A public digest needs the community's own moderator or a configured
        moderator; a moderators' digest (question text, unanswered questions,
        readers' reports) needs a configured moderator, and never a DM-less
        public channel is checked by the adapter that knows channel privacy.
        """
        if audience == "moderators":
            self.policy.require_moderator(actor)
        elif not self.policy.may_manage_channel_digest(actor):
            raise PermissionDenied(messages.NOT_DIGEST_MANAGER)
        sub = subscriptions.new_subscription(
            place, post_time, timezone, by=actor.who.name, audience=audience, now=self.clock()
        )
        await self._store.digests.upsert_subscription(sub)
        return sub

    async def unsubscribe(self, actor: Actor, place: Place) -> None:
        """Writes: remove the channel's digest; BadInput when there is none."""
        if not self.policy.may_manage_channel_digest(actor):
            raise PermissionDenied(messages.NOT_DIGEST_MANAGER)
        if not place.channel_id or not await self._store.digests.remove_subscription(place.platform, place.channel_id):
            raise BadInput(messages.NO_DIGEST_HERE)

    async def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        """Read-only: digest subscriptions, of one platform or all."""
        return await self._store.digests.subscriptions(platform)

    async def subscription(self, platform: str, channel_id: str) -> Subscription | None:
        """Read-only: one channel's subscription, if any."""
        subs = await self._store.digests.subscriptions(platform)
        return next((s for s in subs if s.channel_id == channel_id), None)

    # ---- posted messages ------------------------------------------------------------

    async def remember_post(
        self,
        place: Place,
        reply: AnswerReply | ClaimCardReply | DigestReply,
        *,
        message_id: str | None,
        thread_id: str | None = None,
        edit_via: EditVia = "none",
        token: str | None = None,
        token_lifetime: timedelta | None = None,
        token_uses: int | None = None,
        after_expiry: AfterExpiry = "none",
        render: dict[str, Any] | None = None,
    ) -> int | None:
        """Writes: remember a message the adapter just posted, so later corrections reach it.

        `edit_via` and `token*` say how it can be edited and until when; `after_expiry`
        what is left once that lapses (a bot edit, a threaded note, nothing). Returns
        the row id, or None when the reply shows no claim or the place has no channel.
        """
        claim_ids = shown_claims(reply)
        if not claim_ids or not place.channel_id:
            return None
        if isinstance(reply, AnswerReply) and reply.parts:
            # A message of several questions: how to rebuild it, question by question.
            render = {**(render or {}), "message": reply.question, "parts": parts_layout(reply)}
        now = self.clock()
        kind: PostedKind = (
            "answer" if isinstance(reply, AnswerReply) else "claim" if isinstance(reply, ClaimCardReply) else "digest"
        )
        posted = PostedMessage(
            platform=place.platform,
            community_id=place.community_id,
            channel_id=place.channel_id,
            message_id=message_id,
            thread_id=thread_id,
            kind=kind,
            claim_ids=claim_ids,
            question_id=reply.question_id if isinstance(reply, AnswerReply) else None,
            render=render or {},
            content_version=reply.content_version if isinstance(reply, AnswerReply) else self.content_version,
            edit_via=edit_via,
            edit_token=token,
            edit_until=now + token_lifetime if token_lifetime else None,
            edit_uses=token_uses,
            after_expiry=after_expiry,
            is_private=place.is_private,
            posted_at=now,
        )
        return await self._store.posted.record(posted)

    async def reach(self, change_id: int) -> Reach:
        """Read-only: how many posted messages one change reaches, and how their updates ended."""
        return (await self._store.outbox.reach([change_id]))[change_id]

    # ---- at most once across processes --------------------------------------------

    async def first_time(self, key: str, ttl: timedelta = EVENT_TTL) -> bool:
        """Writes: True for the first caller to present `key` within `ttl`, in any process.

        Adapters use it for platform deliveries that may repeat (a Slack
        event id retried onto another worker): handle the event only when
        this returns True. Keys are shared by every process on the database.
        """
        return await self._store.events.claim_event_once(key, self.clock(), ttl)

    # ---- status ----------------------------------------------------------------------

    async def status(self) -> dict[str, Any]:
        """Read-only: what `talksbot status` shows. No secret is ever part of it."""
        await self.refresh()
        return {
            "database": self.location,
            "schema_version": await self._store.db.schema_version(),
            "content_version": self.content_version,
            "curated_version": int(await self._store.claims.get_meta("curated_version") or 0),
            "claims": self.live.size,
            "claims_by_status": self.live.counts_by_status(),
            "sources": len(self.live.sources),
            "open_suggestions": await self._store.suggestions.count_open(),
            "moderation": self.policy.describe(),
            "digests": [r.model_dump() for r in await self._store.digests.last_runs()],
            "subscriptions": [s.model_dump(mode="json") for s in await self._store.digests.subscriptions()],
            "posted_messages": await self._store.posted.count(),
            "outbox": await self._store.outbox.counts(),
            "outbox_failures": [f.model_dump() for f in await self._store.outbox.failures()],
        }


def parts_layout(reply: AnswerReply) -> list[dict[str, Any]]:
    """Each question of a several-question answer: its text, log row, claims and suggestions,
    so a later correction rebuilds the message as it was laid out (`current_reply`)."""
    return [
        {
            "question": part.question,
            "question_id": part.question_id,
            "claim_ids": [v.claim_id for v in part.claims] if isinstance(part, AnswerReply) else [],
            "suggestions": part.suggestions if isinstance(part, NoAnswerReply) else [],
        }
        for part in reply.questions()
    ]


def shown_claims(reply: AnswerReply | ClaimCardReply | DigestReply) -> list[str]:
    """The claim ids a reply shows, in order, once each (of every question it answers)."""
    if isinstance(reply, AnswerReply):
        ids = [v.claim_id for part in reply.questions() if isinstance(part, AnswerReply) for v in part.claims]
    elif isinstance(reply, ClaimCardReply):
        ids = [reply.claim.claim_id]
    else:
        ids = [i.claim_id for s in reply.sections for i in s.items if i.claim_id]
    return list(dict.fromkeys(ids))

"""Moderation: corrections, retractions, restorations, new claims, their history, and
readers' suggested corrections waiting for a moderator."""

from __future__ import annotations

from datetime import timedelta

from bot import corrections, messages
from bot.permissions import Actor
from bot.replies import HistoryReply
from bot.service.core import ServiceCore
from knowledge.answering.phrasing import phrasing_key
from knowledge.errors import NotFound
from knowledge.models import ClaimState, HistoryEntry, Moderator, Suggestion

SUGGESTIONS_PER_HOUR = 5
# The history actions whose reach (posted messages updated) a moderator is shown.
REACHING_ACTIONS = ("correct", "retract", "restore")


class Moderation(ServiceCore):
    async def correct(
        self, actor: Actor, claim_id: str, text: str, reason: str, url: str | None = None
    ) -> HistoryEntry:
        """Writes: a corrected statement for `claim_id` (moderators only)."""
        statement = corrections.clean_text(text, "new statement", messages.MAX_STATEMENT_CHARS)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        link = corrections.clean_url(url)
        by, cid = await self._moderated(actor, claim_id)
        return await self._append(cid, "correct", by, text=statement, reason=why, url=link)

    async def retract(self, actor: Actor, claim_id: str, reason: str) -> HistoryEntry:
        """Writes: retract `claim_id` (moderators only); it stops appearing in answers."""
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        by, cid = await self._moderated(actor, claim_id)
        return await self._append(cid, "retract", by, reason=why, allowed_from=("active", "corrected"))

    async def restore(self, actor: Actor, claim_id: str, reason: str | None = None) -> HistoryEntry:
        """Writes: return a corrected or retracted claim to its article wording (moderators only)."""
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS, required=False)
        by, cid = await self._moderated(actor, claim_id)
        return await self._append(cid, "restore", by, reason=why, allowed_from=("corrected", "retracted"))

    async def _append(self, claim_id: str, action: corrections.Action, by: Moderator, **kw: object) -> HistoryEntry:
        try:
            entry, _version = await self._store.moderation.append_action(
                claim_id,
                action,
                by,
                self.clock(),
                **kw,  # type: ignore[arg-type]
            )
        except NotFound:
            raise self.unknown_claim(claim_id) from None
        await self.refresh()
        return entry

    async def add_claim(self, actor: Actor, *, item_id: int | None = None, **fields: object) -> ClaimState:
        """Writes: a new claim quoting a seed exactly, or an outside URL (moderators only).

        `fields` are those of `corrections.build_claim`; validation runs before any write.
        """
        by = self._moderator(actor)
        claim, reason = corrections.build_claim(self.seeds, **fields)  # type: ignore[arg-type]
        item = await self.queue_item(actor, item_id) if item_id is not None else None
        await self._store.moderation.add_claim(claim, by, self.clock(), reason)
        if item is not None:
            # "Answer with a new claim": the question that prompted it is answered by it from now on.
            await self._store.queue.teach(item.id, item.text, phrasing_key(item.text), claim.id, by, self.clock())
        await self.refresh()
        return (await self.live.states([claim.id]))[claim.id]

    async def history(self, actor: Actor, claim_id: str) -> HistoryReply:
        """Read-only: a claim's moderation history (moderators only)."""
        self.policy.require_moderator(actor)
        entries = await self._store.moderation.history(claim_id.strip())
        if entries is None:
            raise self.unknown_claim(claim_id)
        reach = await self._store.outbox.reach([e.id for e in entries if e.action in REACHING_ACTIONS])
        return HistoryReply(claim_id.strip(), entries, reach)

    # ---- suggestions from readers ------------------------------------------------

    async def suggest(self, actor: Actor, claim_id: str, text: str, reason: str) -> Suggestion:
        """Writes: a reader's proposed correction, stored for moderators; never shown as fact.

        Rate-limited per user (SUGGESTIONS_PER_HOUR).
        """
        statement = corrections.clean_text(text, "suggested statement", messages.MAX_STATEMENT_CHARS)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        assert statement is not None and why is not None
        by = corrections.clean_moderator(actor.who)
        cid = await self._existing(claim_id)
        now = self.clock()
        return await self._store.suggestions.add(
            cid, statement, why, by, now, per_window=SUGGESTIONS_PER_HOUR, since=now - timedelta(hours=1)
        )

    async def open_suggestions(self, actor: Actor) -> list[Suggestion]:
        """Read-only: suggestions waiting for a decision (moderators only)."""
        self.policy.require_moderator(actor)
        return await self._store.suggestions.list("open")

"""The review queue: unanswered questions, readers' "wrong" reports, suggestions and ingest
candidates, and what moderators decide about them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot import corrections, messages
from bot.permissions import Actor
from bot.replies import QUEUE_KINDS, QueueListing, QueueSection
from bot.service.core import ServiceCore
from bot.service.intake import EXPIRE_AFTER
from knowledge.answering.phrasing import phrasing_key
from knowledge.articles.ingest import claim_slug
from knowledge.errors import BadInput, NotFound
from knowledge.models import MODERATOR_IMPORTANCE, Claim, HistoryEntry, QueueItem, QueueKind, Suggestion, TaughtPhrasing
from knowledge.store.queue import READER_KINDS

AcceptAs = Literal["new", "supports", "conflicts"]
ACCEPT_AS: tuple[AcceptAs, ...] = ("new", "supports", "conflicts")


@dataclass(frozen=True)
class Decision:
    """A moderator's accept or reject of a suggestion or an ingest candidate."""

    item_id: int
    kind: str
    accepted: bool
    claim_id: str | None
    # For an accepted suggestion: who suggested it (credited in the history).
    credit: str | None = None
    # The history row an accepted suggestion wrote: its reach is what the moderator is told.
    change_id: int | None = None
    # For an accepted candidate: how ("new", "supports", "conflicts") and the claim it supports
    # or conflicts with.
    accepted_as: str | None = None
    linked: str | None = None


class Review(ServiceCore):
    async def queue_listing(self, actor: Actor, per_kind: int = 50, kind: QueueKind | None = None) -> QueueListing:
        """The open review queue, kind by kind: each kind's oldest `per_kind` items and its
        total, so ten thousand unanswered questions hide no suggestion or candidate.
        Moderators only (items hold readers' words).

        Writes: first closes reader items nobody added to for EXPIRE_AFTER.
        """
        self.policy.require_moderator(actor)
        now = self.clock()
        await self._store.queue.expire(now - EXPIRE_AFTER, now)
        counts = await self._store.queue.open_counts()
        sections = []
        for k in QUEUE_KINDS if kind is None else (kind,):
            items = await self._store.queue.items("open", per_kind, kind=k) if counts.get(k) else []
            sections.append(QueueSection(k, await self._with_candidates(items), counts.get(k, 0)))
        return QueueListing(sections)

    async def queue(self, actor: Actor, limit: int = 50) -> list[QueueItem]:
        """Open review items: each kind's oldest `limit`, kind by kind (moderators only).
        Writes only what `queue_listing` does (expiry)."""
        return (await self.queue_listing(actor, limit)).items

    async def dismiss_many(
        self,
        actor: Actor,
        reason: str,
        *,
        kind: QueueKind | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> tuple[int, int]:
        """Writes, in one transaction: dismiss every open unanswered question and wrong report
        (or those of `kind`) numbered `first`…`last` (open-ended when not given), without
        changing any fact. Suggestions and candidates are decided one by one. Moderators
        only. Returns (dismissed, other open items in the range given that stayed open)."""
        by = self._moderator(actor)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        assert why is not None
        if kind is not None and kind not in READER_KINDS:
            raise BadInput(messages.BULK_DISMISS_KINDS)
        low, high = first if first is not None else 1, last if last is not None else 2**62
        if low < 1 or high < low:
            raise BadInput(messages.BULK_DISMISS_RANGE)
        kinds = (kind,) if kind is not None else READER_KINDS
        done, left = await self._store.queue.dismiss_many(kinds, low, high, by, self.clock(), why)
        # Items of other kinds "stay" only where the moderator named a range.
        return done, left if first is not None or last is not None else 0

    async def teach(self, actor: Actor, item_id: int, claim_id: str) -> TaughtPhrasing:
        """Writes: link a queue item's question to a claim; from then on that phrasing and its
        close variants are answered with the claim, in every process (content version bump)."""
        by, cid = await self._moderated(actor, claim_id)
        item = await self.queue_item(actor, item_id)
        if item.kind not in ("unanswered", "wrong"):
            raise BadInput(messages.TEACH_NEEDS_QUESTION)
        taught, _entry, _version = await self._store.queue.teach(
            item.id, item.text, phrasing_key(item.text), cid, by, self.clock()
        )
        await self.refresh()
        return taught

    async def unteach(self, actor: Actor, item_id: int) -> TaughtPhrasing:
        """Writes: undo what was taught from a queue item; the question goes back to the queue."""
        by = self._moderator(actor)
        taught = await self._store.queue.taught_for_item(item_id)
        if taught is None:
            raise BadInput(messages.nothing_taught(item_id))
        undone, _version = await self._store.queue.unteach(taught.id, by, self.clock())
        await self.refresh()
        return undone

    async def dismiss(self, actor: Actor, item_id: int, reason: str) -> QueueItem:
        """Writes: close a queue item without changing any fact (off-topic, not in the articles, abuse)."""
        by = self._moderator(actor)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        item = await self.queue_item(actor, item_id)
        if item.kind == "suggestion" and item.suggestion_id is not None:
            await self._store.suggestions.decide(item.suggestion_id, accept=False, by=by, at=self.clock(), reason=why)
            return await self.queue_item(actor, item_id)
        return await self._store.queue.close(item_id, "dismissed", by, self.clock(), why)

    async def decide_suggestion(
        self, actor: Actor, item_id: int, *, accept: bool, reason: str | None = None
    ) -> tuple[Suggestion, HistoryEntry | None]:
        """Writes: accept (a correction by this moderator, crediting the suggester) or reject a suggestion."""
        by = self._moderator(actor)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS, required=not accept)
        item = await self.queue_item(actor, item_id)
        if item.kind != "suggestion" or item.suggestion_id is None:
            raise BadInput(messages.NOT_A_SUGGESTION.format(id=item_id))
        decided, entry, _version = await self._store.suggestions.decide(
            item.suggestion_id, accept=accept, by=by, at=self.clock(), reason=why
        )
        await self.refresh()
        return decided, entry

    async def decide(
        self,
        actor: Actor,
        item_id: int,
        *,
        accept: bool,
        reason: str | None = None,
        text: str | None = None,
        accept_as: AcceptAs | None = None,
        claim: str | None = None,
    ) -> Decision:
        """Writes: accept or reject a suggestion or an ingest candidate (moderators only).

        For a suggestion `reason` is the reason shown (required to reject). For a
        candidate `text` replaces the drafted claim text (edit-and-accept; on a
        supporting quote it makes the quote a new claim of its own); a reject
        records `reason`. `accept_as` overrides what the candidate proposed, in the
        same step: "new" (a claim of its own), "supports" (one more quote of `claim`)
        or "conflicts" (a new claim linked to `claim` as disagreeing with it).
        """
        item = await self.queue_item(actor, item_id)
        if item.kind == "suggestion":
            if (text and text.strip()) or accept_as or claim:
                raise BadInput(messages.TEXT_ONLY_FOR_CANDIDATES)
            decided, entry = await self.decide_suggestion(actor, item_id, accept=accept, reason=reason)
            credit = decided.by.name if accept else None
            return Decision(item_id, item.kind, accept, decided.claim_id, credit, entry.id if entry else None)
        if item.kind != "candidate":
            raise BadInput(messages.NOT_DECIDABLE.format(id=item_id))
        if accept:
            return await self._accept_candidate(actor, item_id, text, accept_as, claim)
        by = self._moderator(actor)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        assert why is not None
        await self._store.candidates.reject(item_id, by, self.clock(), why)
        return Decision(item_id, item.kind, False, item.claim_ids[0] if item.claim_ids else None)

    async def accept_from_chat(self, actor: Actor, item_id: int, words: str | None = None) -> Decision:
        """Writes: chat's "accept ITEM [words]". The words are the reason shown for a
        suggestion, or the claim text to use instead of the draft for an ingest candidate."""
        item = await self.queue_item(actor, item_id)
        if item.kind == "candidate":
            return await self.decide(actor, item_id, accept=True, text=words)
        return await self.decide(actor, item_id, accept=True, reason=words)

    async def _accept_candidate(
        self, actor: Actor, item_id: int, text: str | None, accept_as: AcceptAs | None, picked: str | None
    ) -> Decision:
        by = self._moderator(actor)
        statement = corrections.clean_text(text, "claim text", messages.MAX_STATEMENT_CHARS, required=False)
        cand = await self._store.candidates.get(item_id)
        if cand is None:
            raise NotFound(messages.unknown_item(item_id))
        if accept_as is None:
            # As proposed; a new text makes a proposed support a claim of its own.
            accept_as = "new" if cand.proposal == "supports" and statement is not None else cand.proposal
        if accept_as == "new" and picked:
            raise BadInput(messages.NEW_TAKES_NO_CLAIM)
        target = None
        if accept_as != "new":
            if not picked and not cand.claim_id:
                raise BadInput(messages.pick_a_claim(accept_as))
            target = await self._existing(picked) if picked else cand.claim_id
        if accept_as == "supports" and statement is not None:
            raise BadInput(messages.SUPPORT_TAKES_NO_TEXT)
        claim = None
        if accept_as != "supports":
            wording = statement or cand.text
            if cand.proposal == "supports" and statement is None:
                # A proposed support's text is the supported claim's: the new claim says what its quote says.
                wording = cand.quote.quote
            claim = Claim(
                id=claim_slug(wording),
                text=wording,
                topic=cand.topic,
                entities=cand.entities,
                said_by=cand.said_by,
                importance=MODERATOR_IMPORTANCE,
                conflicts=[target] if accept_as == "conflicts" and target else [],
                quotes=[cand.quote],
                origin="moderator",
            )
        accepted = await self._store.candidates.accept(item_id, claim, by, self.clock(), supports=target)
        await self.refresh()
        return Decision(item_id, "candidate", True, accepted.claim_id, accepted_as=accept_as, linked=target)

"""What every part of the service shares: the store, the live index, the operator's
moderation policy, the clock, and the few lookups more than one part needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from bot import corrections, messages
from bot.permissions import Actor, ModerationPolicy
from bot.replies import ClaimView, QuoteView
from bot.service.live_index import LiveIndex
from bot.shorten import shorten
from knowledge.articles.sources import Seed, load_seeds
from knowledge.errors import NotFound
from knowledge.models import ClaimState, Moderator, Place, QueueItem, Source
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store

Clock = Callable[[], datetime]

CLI = Place(platform="cli")
DID_YOU_MEAN = 3
POSTED_RETENTION = timedelta(days=30)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ServiceCore:
    """The state the service's parts share; built once per process by `bot.wiring`."""

    def __init__(
        self,
        store: Store,
        *,
        policy: ModerationPolicy | None = None,
        clock: Clock = utc_now,
        seeds_path: Path | None = None,
        curated_path: Path | None = None,
        posted_retention: timedelta = POSTED_RETENTION,
        public_url: str | None = None,
    ) -> None:
        self._store = store
        self.live = LiveIndex(store)
        self.posted_retention = posted_retention
        self.policy = policy or ModerationPolicy()
        self.clock = clock
        self.seeds_path = seeds_path or seeds_dir()
        self.curated_path = curated_path or curated_claims_file()
        self._seeds: dict[str, Seed] | None = None
        # Where the web pages are served (TALKSBOT_PUBLIC_URL): every claim view carries its page's address.
        self.public_url = public_url

    @property
    def location(self) -> str:
        """Where the database is (a path, or a URL without its password)."""
        return self._store.location

    @property
    def content_version(self) -> int:
        """The content version this process's answers currently reflect."""
        return self.live.version

    async def refresh(self) -> None:
        """Bring the index up to the store's content version. One read when nothing changed."""
        await self.live.refresh()

    @property
    def seeds(self) -> dict[str, Seed]:
        if self._seeds is None:
            self._seeds = load_seeds(self.seeds_path)
        return self._seeds

    # ---- claims as replies show them ----------------------------------------------

    def view(self, state: ClaimState, score: float = 0.0) -> ClaimView:
        """A claim as every reply shows it: current text, quotes with their sources, conflicts."""
        claim = state.claim
        quotes = []
        for q in claim.quotes:
            src = self.live.sources.get(q.source_id) or Source(id=q.source_id)
            label = src.label or messages.source_label(src.opening)
            quotes.append(QuoteView(q.source_id, label, src.outlet, src.title, q.quote, q.start, q.end))
        conflicts = [(c, self.live.text_of(c)) for c in claim.conflicts if self.live.has(c)]
        return ClaimView(
            claim_id=claim.id,
            text=state.current_text,
            original_text=claim.text,
            status=state.status,
            quotes=quotes,
            score=score,
            correction=state.correction,
            retraction_reason=state.retraction_reason,
            conflicts=conflicts,
            said_by=claim.said_by,
            topic=claim.topic,
            origin=claim.origin,
            source_url=claim.source_url,
            in_curated=state.in_curated,
            page_url=f"{self.public_url.rstrip('/')}/claims/{quote(claim.id, safe='')}" if self.public_url else None,
        )

    def did_you_mean(self, claim_id: str, limit: int = DID_YOU_MEAN) -> list[str]:
        """Up to `limit` existing claim ids closest to a mistyped one."""
        return self.live.nearest_ids(claim_id, limit)

    def unknown_claim(self, claim_id: str) -> NotFound:
        """The error for an unknown id, naming up to three close ones."""
        # Echoed cut to the longest an id may be: the rest was never an id.
        shown = shorten(claim_id.strip(), corrections.MAX_CLAIM_ID)
        return NotFound(messages.unknown_claim(shown, self.did_you_mean(claim_id)))

    # ---- who is acting ---------------------------------------------------------------

    def may_moderate(self, actor: Actor) -> bool:
        return self.policy.may_moderate(actor)

    def _moderator(self, actor: Actor) -> Moderator:
        """The acting moderator, cleaned for storing; PermissionDenied for anyone else."""
        return corrections.clean_moderator(self.policy.require_moderator(actor))

    async def _moderated(self, actor: Actor, claim_id: str) -> tuple[Moderator, str]:
        by = self._moderator(actor)
        return by, await self._existing(claim_id)

    async def _existing(self, claim_id: str) -> str:
        """`claim_id` stripped, once the live index knows it; NotFound with close ids otherwise."""
        await self.refresh()
        cid = claim_id.strip()
        if not self.live.has(cid):
            raise self.unknown_claim(cid)
        return cid

    # ---- the review queue, read by several parts ----------------------------------------

    async def queue_item(self, actor: Actor, item_id: int) -> QueueItem:
        """Read-only: one review item with its ingest candidate (moderators only)."""
        self.policy.require_moderator(actor)
        item = await self._store.queue.get(item_id)
        if item is None:
            raise NotFound(messages.unknown_item(item_id))
        return (await self._with_candidates([item]))[0]

    async def _with_candidates(self, items: list[QueueItem]) -> list[QueueItem]:
        found = await self._store.candidates.for_items([i.id for i in items if i.kind == "candidate"])
        return [i.model_copy(update={"candidate": found[i.id]}) if i.id in found else i for i in items]

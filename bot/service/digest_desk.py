"""What the digest scheduler and a digest preview may do, and nothing more: read the
due subscriptions, claim and record runs, and read what a digest shows."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.replies import ClaimView
from bot.service.core import ServiceCore
from knowledge.models import DigestRun, HistoryEntry, QuestionStats, QueueItem, Subscription


class DigestDesk:
    """Built by `bot.wiring` over the service's core; handed to `DigestScheduler` and `build_digest`."""

    def __init__(self, core: ServiceCore) -> None:
        self._core = core
        self._store = core._store
        self.clock = core.clock

    async def subscriptions(self, platform: str) -> list[Subscription]:
        """Read-only: the platform's digest subscriptions."""
        return await self._store.digests.subscriptions(platform)

    async def claim_run(
        self, platform: str, channel_id: str, local_date: str, worker: str, lease: timedelta
    ) -> DigestRun | None:
        """Writes: claim today's digest run for a channel, or None when another process has it."""
        now = self.clock()
        return await self._store.digests.claim_run(platform, channel_id, local_date, worker, now, now - lease)

    async def runs_taken(self, platform: str, keys: list[tuple[str, str]], lease: timedelta) -> set[tuple[str, str]]:
        """Read-only: which (channel, local date) runs another process has taken or finished."""
        return await self._store.digests.taken(platform, keys, self.clock() - lease)

    async def record_attempt(
        self, run: DigestRun, *, ok: bool, final: bool, error: str | None, period_start: datetime
    ) -> bool:
        """Writes: one attempt's outcome; False when this process no longer owns the run."""
        return await self._store.digests.record_attempt(
            run, ok=ok, final=final, error=error, now=self.clock(), period_start=period_start
        )

    # ---- what a digest shows (read-only) ----------------------------------------------

    async def refresh(self) -> None:
        await self._core.refresh()

    async def changes_since(self, since: datetime, until: datetime) -> list[HistoryEntry]:
        """Every moderator change in [since, until] (public facts: shown everywhere)."""
        return [e for e in await self._store.moderation.history_since(since) if e.at <= until]

    async def question_stats(self, since: datetime, platform: str, community_id: str | None) -> QuestionStats:
        """One community's public questions since `since`."""
        return await self._store.activity.question_stats(since, platform, community_id)

    async def wrong_reports(self, since: datetime, platform: str, community_id: str | None) -> list[tuple[str, int]]:
        """(claim id, count) of one community's "wrong" verdicts since `since`."""
        rows = await self._store.activity.feedback_since(since, platform, community_id)
        return [(f.claim_id, f.count) for f in rows if f.verdict == "wrong"]

    async def queue_size(self) -> tuple[int, list[QueueItem]]:
        """How many review items are open and the three oldest (for the moderators' digest)."""
        return await self._store.queue.count_open(), await self._store.queue.items("open", 3)

    async def disagreements(self) -> list[tuple[str, str, str, str]]:
        """(id, text, other id, other text) of each pair of claims that disagree, neither
        retracted, ordered by id; from the conflict links and the index, no claim loaded."""
        live = self._core.live
        return [
            (a, live.text_of(a), b, live.text_of(b))
            for a, b in await self._store.claims.conflict_pairs()
            if live.has(a) and live.has(b) and not live.is_retracted(a) and not live.is_retracted(b)
        ]

    def most_important(self) -> list[str]:
        """Every claim that can answer at the highest importance, by id (none loaded)."""
        return self._core.live.most_important()

    async def claim_views(self, claim_ids: list[str]) -> list[ClaimView]:
        """These claims as replies show them, in the given order (only these are loaded)."""
        states = await self._core.live.states(claim_ids)
        return [self._core.view(states[c]) for c in claim_ids if c in states]

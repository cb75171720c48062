"""The scheduler posts channels side by side: a hanging channel never holds the others back,
and a process that lost its run to another never records over it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.permissions import Actor
from bot.replies import DigestReply
from bot.scheduler import DigestScheduler
from bot.service import DigestDesk, TalksService
from knowledge.models import Moderator, Place
from tests.conftest import FakeClock

OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))


class HangingPoster:
    """Never answers for one channel; records the others at once."""

    def __init__(self, hangs_on: str) -> None:
        self.hangs_on = hangs_on
        self.posted: list[str] = []
        self.hanging = asyncio.Event()

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        if channel_id == self.hangs_on:
            self.hanging.set()
            await asyncio.Event().wait()  # a platform that never responds
        self.posted.append(channel_id)


async def _no_sleep(_: float) -> None:
    return None


async def _subscribe(service: TalksService, *channels: str) -> None:
    for channel in channels:
        await service.subscribe(OPERATOR, Place(platform="test", channel_id=channel), "08:00", "UTC")


async def test_a_hanging_channel_does_not_delay_the_others(service: TalksService, clock: FakeClock) -> None:
    clock.now = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
    await _subscribe(service, "C-slow", "C1", "C2")
    poster = HangingPoster("C-slow")
    scheduler = DigestScheduler(
        DigestDesk(service), "test", poster, clock=clock, worker="w", sleep=_no_sleep, attempts=1, post_timeout=0.2
    )
    outcomes = {o.channel_id: o for o in await scheduler.run_due()}
    assert poster.hanging.is_set()
    assert sorted(poster.posted) == ["C1", "C2"]
    assert outcomes["C1"].posted and outcomes["C2"].posted
    assert not outcomes["C-slow"].posted and "within 0.2 s" in (outcomes["C-slow"].error or "")
    assert await _runs(service, "C-slow") == [("2025-02-14", "failed", 1)]


async def test_a_run_taken_over_after_its_lease_is_not_recorded_by_the_old_owner(
    service: TalksService, clock: FakeClock
) -> None:
    clock.now = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
    await _subscribe(service, "C1")
    lease = timedelta(minutes=10)
    old = await DigestDesk(service).claim_run("test", "C1", "2025-02-14", "old-worker", lease)
    assert old is not None
    clock.now += lease + timedelta(seconds=1)
    new = await DigestDesk(service).claim_run("test", "C1", "2025-02-14", "new-worker", lease)
    assert new is not None and new.claimed_by == "new-worker"
    # The old owner comes back from a long stall and tries to record its post.
    assert not await DigestDesk(service).record_attempt(old, ok=True, final=True, error=None, period_start=clock.now)
    assert await _runs(service, "C1") == [("2025-02-14", "claimed", 0)]
    assert await DigestDesk(service).record_attempt(new, ok=True, final=True, error=None, period_start=clock.now)
    assert await _runs(service, "C1") == [("2025-02-14", "posted", 1)]


def test_attempts_must_end_within_the_lease(service: TalksService) -> None:
    with pytest.raises(ValueError, match="within its lease"):
        DigestScheduler(
            DigestDesk(service), "test", HangingPoster("x"), post_timeout=200, attempts=4, lease=timedelta(minutes=10)
        )


async def _runs(service: TalksService, channel_id: str) -> list[tuple[str, str, int]]:
    """A channel's digest runs as (local date, status, attempts), oldest first."""
    return [(r.local_date, r.status, r.attempts) for r in await service._store.digests.runs("test", channel_id)]

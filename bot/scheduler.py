"""The daily digest scheduler: finds due digests and hands them to a poster.

Delivery guarantee: at most one *successful* post per channel per local day,
and at least one attempt for every due day while a process runs that day.
Each run is claimed in the database before posting (primary key: platform,
channel, local date; one BEGIN IMMEDIATE transaction), so a second process or
a restart cannot claim it again. A run left 'claimed' by a process that died
before posting is re-claimed once its lease expires. The one failure window:
a process that dies after the platform accepted the post but before the store
records it as posted will have that run re-posted after the lease: a duplicate,
never a loss.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.digest import build_digest
from bot.replies import DigestReply
from bot.service import TalksService
from bot.subscriptions import parse_post_time, parse_timezone
from knowledge.models import DigestRun, Subscription

log = logging.getLogger(__name__)


class DigestPoster(Protocol):
    """What an adapter provides: post one digest to one channel, or raise."""

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None: ...


@dataclass(frozen=True)
class RunOutcome:
    channel_id: str
    local_date: str
    posted: bool
    attempts: int
    error: str | None = None


def due_local_date(sub: Subscription, now: datetime) -> str | None:
    """The subscriber's local date if today's post time has passed, else None.

    DST: a post time that does not exist that day (clocks jump forward) falls
    at the same wall time after the jump; one that exists twice (clocks go back)
    fires at its first occurrence. Either way the local date is the run's key,
    so there is exactly one run that day.
    """
    zone = parse_timezone(sub.timezone)
    local_now = now.astimezone(zone)
    due = datetime.combine(local_now.date(), parse_post_time(sub.post_time), tzinfo=zone)
    return local_now.date().isoformat() if now >= due.astimezone(UTC) else None


class DigestScheduler:
    """Posts due digests for one platform through its poster."""

    def __init__(
        self,
        service: TalksService,
        platform: str,
        poster: DigestPoster,
        *,
        clock: Callable[[], datetime] | None = None,
        worker: str | None = None,
        attempts: int = 4,
        backoff: float = 5.0,
        lease: timedelta = timedelta(minutes=10),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.service = service
        self.platform = platform
        self.poster = poster
        self.clock = clock or service.clock
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.attempts = attempts
        self.backoff = backoff
        self.lease = lease
        self.sleep = sleep

    async def run_due(self) -> list[RunOutcome]:
        """Writes: claim and post every digest due now for this platform (one pass)."""
        outcomes = []
        for sub in await self.service.store.subscriptions(self.platform):
            now = self.clock()
            local_date = due_local_date(sub, now)
            if local_date is None:
                continue
            run = await self.service.store.claim_digest_run(
                self.platform, sub.channel_id, local_date, self.worker, now, now - self.lease
            )
            if run is None:
                continue
            outcomes.append(await self._post(run.channel_id, local_date, run))
        return outcomes

    async def _post(self, channel_id: str, local_date: str, run: DigestRun) -> RunOutcome:
        store = self.service.store
        error: str | None = None
        for attempt in range(1, self.attempts + 1):
            now = self.clock()
            digest = await build_digest(self.service, since=run.since, now=now)
            try:
                await self.poster.post_digest(channel_id, digest)
            except Exception as exc:  # the poster's failure is recorded, never lost
                error = f"{type(exc).__name__}: {exc}"[:500]
                final = attempt == self.attempts
                await store.record_digest_attempt(
                    run, ok=False, final=final, error=error, now=self.clock(), period_start=digest.period_start
                )
                if final:
                    log.error(
                        "digest for %s %s failed after %d attempts: %s", self.platform, channel_id, attempt, error
                    )
                    return RunOutcome(channel_id, local_date, False, attempt, error)
                log.warning("digest for %s %s failed (attempt %d): %s", self.platform, channel_id, attempt, error)
                await self.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            await store.record_digest_attempt(
                run, ok=True, final=True, error=None, now=self.clock(), period_start=digest.period_start
            )
            log.info("digest posted to %s %s for %s", self.platform, channel_id, local_date)
            return RunOutcome(channel_id, local_date, True, attempt)
        return RunOutcome(channel_id, local_date, False, self.attempts, error)

    async def run_forever(self, interval: float = 30.0) -> None:
        """Check for due digests every `interval` seconds until cancelled."""
        while True:
            try:
                await self.run_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("digest scheduler pass failed")
            await self.sleep(interval)

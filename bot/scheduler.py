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
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.digest import DigestScope, build_digest
from bot.ratelimit import RateLimited
from bot.replies import DigestReply
from bot.service import DigestDesk
from bot.subscriptions import parse_post_time, parse_timezone
from knowledge.models import DigestRun, Subscription

log = logging.getLogger(__name__)

# How many due channels one read checks for runs other processes took.
LOOKAHEAD = 16


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
    """Posts due digests for one platform through its poster.

    Channels are posted concurrently (at most `parallel` at once), each post
    bounded by `post_timeout`, which is shorter than the lease: one slow or
    hanging channel never delays the others, and a post that outlives its
    lease cannot race the process that took the run over, because every
    recorded attempt checks that this process still owns the run.
    """

    def __init__(
        self,
        desk: DigestDesk,
        platform: str,
        poster: DigestPoster,
        *,
        clock: Callable[[], datetime] | None = None,
        worker: str | None = None,
        attempts: int = 4,
        backoff: float = 5.0,
        lease: timedelta = timedelta(minutes=10),
        post_timeout: float = 60.0,
        parallel: int = 8,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        owns: Callable[[Subscription], bool] | None = None,
    ) -> None:
        if post_timeout * attempts + backoff * 2**attempts >= lease.total_seconds():
            raise ValueError("a run's attempts must end well within its lease")
        self.desk = desk
        self.platform = platform
        self.poster = poster
        self.clock = clock or desk.clock
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.attempts = attempts
        self.backoff = backoff
        self.lease = lease
        self.post_timeout = post_timeout
        self.sleep = sleep
        self.owns = owns or (lambda _sub: True)
        self._slots = asyncio.Semaphore(parallel)

    async def run_due(self) -> list[RunOutcome]:
        """Writes: claim and post every digest due now for this platform (one pass).

        A run is claimed only when a posting slot is free, so a process holds at most
        `parallel` claimed-but-unposted runs: with ten thousand channels due at once,
        several processes share them out as fast as each can post, and one that dies
        strands no more than `parallel` runs until their leases end.
        """
        due = [
            (sub, local_date)
            for sub in await self.desk.subscriptions(self.platform)
            if self.owns(sub) and (local_date := due_local_date(sub, self.clock())) is not None
        ]
        if due:
            # Each process starts at its own place in the list, so several walk different channels
            # rather than queueing for the same ones, and skips (one read per LOOKAHEAD channels)
            # what the others already took instead of trying to claim it.
            start = zlib.crc32(self.worker.encode()) % len(due)
            due = due[start:] + due[:start]
        posting: list[asyncio.Task[RunOutcome]] = []
        taken: set[tuple[str, str]] = set()
        try:
            for i, (sub, local_date) in enumerate(due):
                if i % LOOKAHEAD == 0:
                    ahead = [(s.channel_id, d) for s, d in due[i : i + LOOKAHEAD]]
                    taken = await self.desk.runs_taken(self.platform, ahead, self.lease)
                if (sub.channel_id, local_date) in taken:
                    continue
                await self._slots.acquire()
                try:
                    run = await self.desk.claim_run(self.platform, sub.channel_id, local_date, self.worker, self.lease)
                except BaseException:
                    self._slots.release()
                    raise
                if run is None:
                    self._slots.release()
                    continue
                posting.append(asyncio.create_task(self._post_then_free(sub, run)))
        finally:
            # Runs already claimed are posted (or recorded as failed) even when claiming fails.
            outcomes = list(await asyncio.gather(*posting))
        return outcomes

    async def _post_then_free(self, sub: Subscription, run: DigestRun) -> RunOutcome:
        try:
            return await self._post(sub, run)
        finally:
            self._slots.release()

    async def _post(self, sub: Subscription, run: DigestRun) -> RunOutcome:
        channel_id, local_date = run.channel_id, run.local_date
        error: str | None = None
        for attempt in range(1, self.attempts + 1):
            digest = await build_digest(self.desk, since=run.since, now=self.clock(), scope=DigestScope.of(sub))
            try:
                await asyncio.wait_for(self.poster.post_digest(channel_id, digest), self.post_timeout)
            except Exception as exc:  # the poster's failure is recorded, never lost
                if isinstance(exc, TimeoutError):
                    error = f"no answer from the platform within {self.post_timeout:g} s"
                else:
                    error = f"{type(exc).__name__}: {exc}"[:500]
                final = attempt == self.attempts
                owned = await self.desk.record_attempt(
                    run, ok=False, final=final, error=error, period_start=digest.period_start
                )
                if not owned:
                    log.warning("digest for %s %s was taken over by another process", self.platform, channel_id)
                    return RunOutcome(channel_id, local_date, False, attempt, "taken over")
                if final:
                    log.error(
                        "digest for %s %s failed after %d attempts: %s", self.platform, channel_id, attempt, error
                    )
                    return RunOutcome(channel_id, local_date, False, attempt, error)
                log.warning("digest for %s %s failed (attempt %d): %s", self.platform, channel_id, attempt, error)
                # A 429 says how long to wait; anything else backs off exponentially.
                wait = exc.retry_after if isinstance(exc, RateLimited) else self.backoff * 2 ** (attempt - 1)
                await self.sleep(wait)
                continue
            owned = await self.desk.record_attempt(
                run, ok=True, final=True, error=None, period_start=digest.period_start
            )
            if not owned:
                log.warning(
                    "digest for %s %s was posted after another process took the run over", self.platform, channel_id
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

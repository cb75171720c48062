"""A rate budget shared by every process on one database: the platforms' limits, kept together.

The adapters say which documented limits a request counts against
(adapters/discord/ratelimits.py, adapters/slack/ratelimits.py: the one place
per platform where those limits are written down); this module paces requests
so that the digest schedulers and outbox workers of *all* processes sharing a
database stay within them together. The budget lives in the database
(knowledge/store/budget.py): each request takes a slot with one statement,
then waits for it. No process coordinates the others and none needs to know
how many there are: a worker that dies simply stops taking slots, and the
survivors get its share at once.

`headroom` keeps the pace a little under the documented figure: a slot is the
time a request *leaves*, and the platform counts when it *arrives*, so two
requests a slot apart may arrive closer together after a scheduling hiccup.
When the platform still answers 429, `hold_off` moves the limit's row past
its Retry-After, so every process waits, not only the one that was told.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

# The share of a documented limit the budget uses (see above).
HEADROOM = 0.9


class RateLimited(Exception):
    """The platform said "not now": try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:g} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """A documented limit: `count` requests per `per` seconds, up to `burst` of them at once."""

    name: str
    count: int
    per: float
    burst: int = 1

    def interval(self, headroom: float) -> float:
        """Seconds between two slots at the paced rate."""
        return self.per / (self.count * headroom)

    def tolerance(self, headroom: float) -> float:
        """How far ahead of the steady pace a burst may run."""
        return (self.burst - 1) * self.interval(headroom)


@dataclass(frozen=True)
class Bucket:
    """One limit as it applies to one token, workspace or channel (`key` names which)."""

    key: str
    limit: Limit


class BudgetRows(Protocol):
    """Where the budget is kept: knowledge.store.budget.BudgetStore."""

    async def take(self, key: str, now: float, interval: float, tolerance: float, count: int = 1) -> float: ...

    async def hold_off(self, key: str, until: float, tolerance: float) -> None: ...


class RateBudget:
    """Paces requests against shared limits. Built once per process by `bot.wiring`."""

    def __init__(
        self,
        rows: BudgetRows,
        *,
        headroom: float = HEADROOM,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not 0 < headroom <= 1:
            raise ValueError("headroom is a share of the documented limit, in (0, 1]")
        self._rows = rows
        self.headroom = headroom
        self._clock = clock
        self._sleep = sleep

    async def take(self, buckets: Sequence[Bucket]) -> float:
        """Writes: a slot in every bucket, then waits until all of them allow the request.

        Returns the seconds waited. Slots in several buckets are taken one by one and the
        latest is waited for, so a request never goes before any of its limits allows it.
        """
        if not buckets:
            return 0.0
        start = self._clock()
        ready = start
        for bucket in buckets:
            at = await self._rows.take(
                bucket.key,
                self._clock(),
                bucket.limit.interval(self.headroom),
                bucket.limit.tolerance(self.headroom),
            )
            ready = max(ready, at)
        wait = ready - self._clock()
        if wait > 0:
            await self._sleep(wait)
        return max(0.0, self._clock() - start)

    async def hold_off(self, buckets: Sequence[Bucket], seconds: float) -> None:
        """Writes: the platform answered 429 with Retry-After `seconds`: no process sends
        against these buckets before then."""
        until = self._clock() + max(0.0, seconds)
        for bucket in buckets:
            await self._rows.hold_off(bucket.key, until, bucket.limit.tolerance(self.headroom))

"""Two workers on one database never exceed a platform's limit together.

Each worker is what a process has: its own store connections, its own rate
budget, its own discord.py client and digest poster. They share only the
PostgreSQL database. The fake Discord (tests/fanout_fakes.py) counts requests
in every sliding second and answers 429 to any request over Discord's global
limit of 50 per second per token; the test fails on any such breach. The
budget runs at 80% of the limit, so two workers pacing themselves alone (each
at 40 per second) would breach it at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord
import pytest

from adapters.discord.poster import ChannelPoster
from bot.ratelimit import RateBudget
from bot.replies import DigestItem, DigestReply, DigestSection
from knowledge.store import Store
from tests.conftest import fresh_location
from tests.fanout_fakes import DISCORD_TOKEN, FakeDiscord, serve

POSTS_EACH = 60
DIGEST = DigestReply(
    period_start=datetime(2025, 2, 13, 9, 0, tzinfo=UTC),
    period_end=datetime(2025, 2, 14, 9, 0, tzinfo=UTC),
    sections=[DigestSection("Nothing new", [DigestItem(text="Nothing new.")])],
    has_news=False,
)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    runner, base = await serve(fake.app)
    monkeypatch.setattr(discord.http.Route, "BASE", f"{base}/api/v10")
    try:
        yield fake
    finally:
        await runner.cleanup()


async def _worker(location: str, first_channel: int, posted: list[float]) -> None:
    """One process's worth: store, budget, client, poster; POSTS_EACH digests, 10 at a time."""
    async with Store.open(location) as store:
        client = discord.Client(intents=discord.Intents.none())
        await client.http.static_login(DISCORD_TOKEN)
        try:
            poster = ChannelPoster(client, budget=RateBudget(store.budget, headroom=0.8))
            slots = asyncio.Semaphore(10)

            async def post(channel: int) -> None:
                async with slots:
                    await poster.post_digest(str(channel), DIGEST)
                    posted.append(time.monotonic())

            await asyncio.gather(*(post(first_channel + i) for i in range(POSTS_EACH)))
        finally:
            await client.http.close()


async def test_two_workers_stay_within_the_global_limit_together(
    request: pytest.FixtureRequest, tmp_path: object, fake: FakeDiscord
) -> None:
    location = fresh_location(request, "postgresql", tmp_path)  # type: ignore[arg-type]
    async with Store.open(location):
        pass  # migrated once, before the workers race to open it
    posted: list[float] = []
    start = time.monotonic()
    await asyncio.gather(
        _worker(location, 1_300_000_000_000_000_000, posted),
        _worker(location, 1_300_000_000_000_001_000, posted),
    )
    elapsed = time.monotonic() - start
    assert len(posted) == 2 * POSTS_EACH
    assert sum(len(p) for p in fake.record.posts.values()) == 2 * POSTS_EACH
    assert fake.record.breaches == 0, f"{fake.record.breaches} requests over the limit"
    assert fake.global_window.peak <= FakeDiscord.GLOBAL_PER_SECOND
    # Paced, not merely lucky: 120 posts at 40 per second take about 3 seconds.
    assert elapsed >= (2 * POSTS_EACH - 1) / (FakeDiscord.GLOBAL_PER_SECOND * 0.8) * 0.95

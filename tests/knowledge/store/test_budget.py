"""The shared rate budget's rows, on both backends: slots handed out one interval apart, a burst
allowed ahead of the pace, and a platform's Retry-After holding everyone off."""

from __future__ import annotations

import pytest

from knowledge.store import Store

NOW = 1_800_000_000.0


@pytest.fixture
async def store(location: str) -> Store:  # type: ignore[misc]
    async with Store.open(location) as s:
        yield s


async def test_slots_follow_one_interval_apart_however_many_ask_at_once(store: Store) -> None:
    slots = [await store.budget.take("k", NOW, 0.1, 0.0) for _ in range(5)]
    assert slots == pytest.approx([NOW, NOW + 0.1, NOW + 0.2, NOW + 0.3, NOW + 0.4])
    # Another limit is not slowed by this one.
    assert await store.budget.take("other", NOW, 0.1, 0.0) == pytest.approx(NOW)


async def test_a_burst_goes_at_once_then_the_pace_holds(store: Store) -> None:
    slots = [await store.budget.take("k", NOW, 1.0, 2.0) for _ in range(5)]
    assert slots == pytest.approx([NOW, NOW, NOW, NOW + 1, NOW + 2])


async def test_an_idle_limit_does_not_save_up_more_than_its_burst(store: Store) -> None:
    await store.budget.take("k", NOW, 1.0, 0.0)
    later = NOW + 100
    assert [await store.budget.take("k", later, 1.0, 0.0) for _ in range(2)] == pytest.approx([later, later + 1])


async def test_a_retry_after_holds_off_every_taker_until_it_ends(store: Store) -> None:
    await store.budget.hold_off("k", NOW + 30, tolerance=2.0)
    assert await store.budget.take("k", NOW, 1.0, 2.0) == pytest.approx(NOW + 30)

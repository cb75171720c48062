"""The review queue's intake on both backends: people counted once per item, hourly limits per
person and community, expiry, counts and listing by kind, and bulk dismiss."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from knowledge.models import Moderator
from knowledge.store import Store
from knowledge.store.queue import EXPIRED_BY, Contributor, Limits

NOW = datetime(2025, 2, 20, 9, 0, tzinfo=UTC)
MOD = Moderator(platform="cli", user_id="ana", name="Ana")
LIMITS = Limits(per_person=3, per_community=5)


def reader(n: int, community: str = "discord:1") -> Contributor:
    return Contributor(person=f"person-{n}", community=community)


async def test_one_person_counts_once_however_often_they_add(location: str) -> None:
    async with Store.open(location) as store:
        ids = {
            await store.queue.note("wrong", "k", "Q?", NOW + timedelta(seconds=s), by=reader(1), limits=LIMITS)
            for s in range(50)
        }
        assert len(ids) == 1 and None not in ids
        await store.queue.note("wrong", "k", "Q?", NOW, by=reader(2), limits=LIMITS)
        [item] = await store.queue.items("open")
        assert item.asked == 2
        # Nobody known (the CLI): every addition counts, and no limit applies.
        for _ in range(10):
            await store.queue.note("unanswered", "cli", "Q?", NOW, by=Contributor(None, "cli:-"), limits=LIMITS)
        [cli_item] = await store.queue.items("open", kind="unanswered")
        assert cli_item.asked == 10


async def test_a_person_and_a_community_are_limited_per_hour(location: str) -> None:
    async with Store.open(location) as store:
        added = [
            await store.queue.note("unanswered", f"p{n}", "Q?", NOW, by=reader(1), limits=LIMITS) for n in range(5)
        ]
        assert [a is not None for a in added] == [True, True, True, False, False]
        # What a person already added stays free: asking again changes nothing and is not refused.
        assert await store.queue.note("unanswered", "p0", "Q?", NOW, by=reader(1), limits=LIMITS) == added[0]
        # Others in the same community fill it up to its limit: 3 + 2 more.
        assert await store.queue.note("unanswered", "q0", "Q?", NOW, by=reader(2), limits=LIMITS) is not None
        assert await store.queue.note("unanswered", "q1", "Q?", NOW, by=reader(3), limits=LIMITS) is not None
        assert await store.queue.note("unanswered", "q2", "Q?", NOW, by=reader(4), limits=LIMITS) is None
        # Another community is not affected; an hour later the first person may add again.
        assert await store.queue.note("unanswered", "r0", "Q?", NOW, by=reader(5, "slack:T1"), limits=LIMITS)
        later = NOW + timedelta(hours=1, seconds=1)
        assert await store.queue.note("unanswered", "p9", "Q?", later, by=reader(1), limits=LIMITS) is not None
        assert (await store.queue.open_counts())["unanswered"] == 7


async def test_untouched_reader_items_expire_and_others_stay(location: str) -> None:
    async with Store.open(location) as store:
        old = NOW - timedelta(days=31)
        await store.queue.note("unanswered", "old", "Old?", old, by=reader(1))
        await store.queue.note("wrong", "old", "Old wrong?", old, by=reader(1))
        await store.queue.note("unanswered", "revived", "Revived?", old, by=reader(1))
        await store.queue.note("unanswered", "revived", "Revived?", NOW - timedelta(days=1), by=reader(2))
        await store.queue.note("suggestion", "old-s", "Old suggestion", old)
        assert await store.queue.expire(NOW - timedelta(days=30), NOW) == 2
        assert {i.text for i in await store.queue.items("open")} == {"Revived?", "Old suggestion"}
        closed = [i for i in await store.queue.items("dismissed")]
        assert {i.closed_by for i in closed} == {EXPIRED_BY} and len(closed) == 2


async def test_listing_by_kind_and_bulk_dismiss_of_reader_kinds(location: str) -> None:
    async with Store.open(location) as store:
        for n in range(30):
            await store.queue.note("unanswered", f"u{n}", f"Junk {n}?", NOW + timedelta(seconds=n))
        suggestion = await store.queue.note("suggestion", "s", "A suggestion", NOW + timedelta(minutes=5))
        await store.queue.note("wrong", "w", "Wrong?", NOW + timedelta(minutes=6))
        assert await store.queue.open_counts() == {"unanswered": 30, "suggestion": 1, "wrong": 1}
        assert [i.text for i in await store.queue.items("open", 2, kind="unanswered")] == ["Junk 0?", "Junk 1?"]
        assert [i.id for i in await store.queue.items("open", 2, kind="suggestion")] == [suggestion]
        first = min(i.id for i in await store.queue.items("open", 100))
        done, left = await store.queue.dismiss_many(("unanswered", "wrong"), first, first + 10_000, MOD, NOW, "flood")
        assert (done, left) == (31, 1)
        assert await store.queue.open_counts() == {"suggestion": 1}
        [one] = await store.queue.items("dismissed", 1)
        assert (one.closed_by, one.close_reason) == ("Ana", "flood")

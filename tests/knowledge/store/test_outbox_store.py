"""Posted messages and the outbox, on both backends: queued in the change's own transaction,
claimed once with a lease, one row per channel at a time, finished only by its holder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from knowledge.models import Claim, Moderator, Quote
from knowledge.posted import PostedMessage
from knowledge.store import Store

T0 = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
MOD = Moderator(platform="cli", user_id="ana", name="Ana")


@pytest.fixture
async def db(location: str) -> AsyncIterator[Store]:
    async with Store.open(location) as store:
        async with store.db.transaction() as conn:
            # Two bare claims are enough: the outbox never reads quotes or sources.
            await conn.execute(
                "INSERT INTO sources (id, sha256) VALUES ('s1', 'x') ON CONFLICT (id) DO NOTHING",
            )
        for cid in ("claim-a", "claim-b"):
            claim = Claim(
                id=cid, text=f"{cid} text", topic="t", quotes=[Quote(source_id="s1", start=0, end=4, quote="abcd")]
            )
            await store.moderation.add_claim(claim, MOD, T0, "test")
        yield store


def posted(channel: str, *claims: str, platform: str = "discord", at: datetime = T0) -> PostedMessage:
    return PostedMessage(
        platform=platform,
        channel_id=channel,
        message_id=f"m-{channel}-{'-'.join(claims)}",
        kind="answer",
        claim_ids=list(claims),
        edit_via="bot",
        posted_at=at,
    )


async def correct(store: Store, claim_id: str, at: datetime = T0) -> int:
    entry, _ = await store.moderation.append_action(claim_id, "correct", MOD, at, text="new", reason="why")
    return entry.id


async def test_a_correction_queues_one_update_per_message_showing_the_claim(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a", "claim-b"))
    await db.posted.record(posted("c2", "claim-a"))
    await db.posted.record(posted("c3", "claim-b"))
    change = await correct(db, "claim-a")
    reach = (await db.outbox.reach([change]))[change]
    assert reach.queued == 2 and reach.pending == 2


async def test_a_failed_change_queues_nothing(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a"))
    with pytest.raises(Exception):  # noqa: B017 - the claim does not exist: the whole transaction rolls back
        await db.moderation.append_action("no-such-claim", "correct", MOD, T0, text="x", reason="y")
    assert await db.outbox.counts() == {}


async def test_two_workers_never_take_the_same_row(db: Store) -> None:
    for channel in ("c1", "c2", "c3"):
        await db.posted.record(posted(channel, "claim-a"))
    await correct(db, "claim-a")
    first = await db.outbox.claim("discord", "w1", T0, T0 - LEASE, limit=2)
    second = await db.outbox.claim("discord", "w2", T0, T0 - LEASE, limit=10)
    assert len(first) == 2 and len(second) == 1
    assert not {i.id for i in first} & {i.id for i in second}
    assert await db.outbox.claim("discord", "w3", T0, T0 - LEASE, limit=10) == []


async def test_one_channel_is_served_in_order_one_row_at_a_time(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a"))
    first_change = await correct(db, "claim-a")
    second_change = await correct(db, "claim-a", T0 + timedelta(seconds=1))
    [item] = await db.outbox.claim("discord", "w1", T0, T0 - LEASE, limit=10)
    assert item.change_id == first_change
    # The second correction waits while the first is in flight, even for another worker.
    assert await db.outbox.claim("discord", "w2", T0, T0 - LEASE, limit=10) == []
    assert await db.outbox.finish(item, "updated", T0)
    [next_item] = await db.outbox.claim("discord", "w2", T0, T0 - LEASE, limit=10)
    assert next_item.change_id == second_change


async def test_a_row_waiting_for_a_rate_limit_holds_its_channel(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a"))
    await correct(db, "claim-a")
    await correct(db, "claim-a", T0 + timedelta(seconds=1))
    [item] = await db.outbox.claim("discord", "w1", T0, T0 - LEASE, limit=10)
    assert await db.outbox.retry_later(item, T0 + timedelta(seconds=30), "rate limited", used_token=False)
    assert await db.outbox.claim("discord", "w1", T0 + timedelta(seconds=29), T0 - LEASE, limit=10) == []
    later = T0 + timedelta(seconds=30)
    [again] = await db.outbox.claim("discord", "w1", later, later - LEASE, limit=10)
    assert again.id == item.id and again.attempts == 2


async def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_record(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a"))
    await correct(db, "claim-a")
    [item] = await db.outbox.claim("discord", "crashed", T0, T0 - LEASE, limit=10)
    assert await db.outbox.claim("discord", "w2", T0 + LEASE / 2, T0 - LEASE / 2, limit=10) == []
    later = T0 + LEASE + timedelta(seconds=1)
    [taken] = await db.outbox.claim("discord", "w2", later, later - LEASE, limit=10)
    assert taken.id == item.id and taken.claimed_by == "w2"
    assert not await db.outbox.finish(item, "updated", later)
    assert await db.outbox.finish(taken, "updated", later)
    change = item.change_id
    assert (await db.outbox.reach([change]))[change].updated == 1


async def test_a_deleted_message_drops_its_later_updates_too(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a"))
    first = await correct(db, "claim-a")
    second = await correct(db, "claim-a", T0 + timedelta(seconds=1))
    [item] = await db.outbox.claim("discord", "w1", T0, T0 - LEASE, limit=10)
    assert await db.outbox.finish(item, "gone", T0, error="Unknown Message")
    reach = await db.outbox.reach([first, second])
    assert reach[first].gone == 1 and reach[second].gone == 1
    # A later change no longer queues anything for it.
    third = await correct(db, "claim-a", T0 + timedelta(seconds=2))
    assert (await db.outbox.reach([third]))[third].queued == 0


async def test_platforms_drain_only_their_own_rows(db: Store) -> None:
    await db.posted.record(posted("c1", "claim-a", platform="slack"))
    await correct(db, "claim-a")
    assert await db.outbox.claim("discord", "w1", T0, T0 - LEASE, limit=10) == []
    assert len(await db.outbox.claim("slack", "w1", T0, T0 - LEASE, limit=10)) == 1


async def test_pruning_keeps_messages_with_updates_still_to_deliver(db: Store) -> None:
    await db.posted.record(posted("old", "claim-a", at=T0 - timedelta(days=40)))
    await db.posted.record(posted("old-waiting", "claim-b", at=T0 - timedelta(days=40)))
    await db.posted.record(posted("new", "claim-a", at=T0))
    await correct(db, "claim-b")
    assert await db.posted.prune(T0 - timedelta(days=30)) == 1
    assert await db.posted.count() == 2

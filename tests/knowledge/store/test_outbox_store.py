"""Posted messages and the outbox, on both backends: queued in the change's own transaction,
claimed once with a lease, one row per channel at a time, finished only by its holder."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from knowledge.models import Claim, Moderator, Quote
from knowledge.posted import PostedMessage
from knowledge.store import Store
from knowledge.store.outbox import CLAIMABLE

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


# ---- a pass costs the same at any backlog in one channel ---------------------------------------------


async def _queue_backlog(store: Store, rows: int, channel: str) -> None:
    """`rows` pending updates in one channel (one posted message each), written directly:
    the shape 100,000 messages showing one corrected claim leave behind."""
    async with store.db.transaction() as conn:
        first = await conn.fetchone("SELECT coalesce(max(id), 0) FROM posted_messages")
        assert first is not None
        start = int(first[0]) + 1
        await conn.executemany(
            "INSERT INTO posted_messages (id, platform, channel_id, message_id, kind, claim_ids, content_version, "
            "edit_via, posted_at) VALUES (?, 'discord', ?, ?, 'answer', '[\"claim-a\"]', 1, 'bot', ?)",
            [(start + n, channel, f"m{start + n}", T0.isoformat()) for n in range(rows)],
        )
        await conn.executemany(
            "INSERT INTO outbox (posted_id, platform, channel_key, change_id, claim_id, content_version, created_at) "
            "VALUES (?, 'discord', ?, 1, 'claim-a', 2, ?)",
            [(start + n, f"discord:{channel}", T0.isoformat()) for n in range(rows)],
        )


async def _pass_cost(store: Store, worker: str) -> tuple[int, int]:
    """(rows taken, work done) by one claim pass: SQLite virtual-machine steps counted by a
    progress handler on the writer; on PostgreSQL, rows the claim query's plan read (EXPLAIN
    ANALYZE of the same SQL), then the real pass. Counts, not clocks."""
    if store.db.dialect == "sqlite":
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        raw = store.db._writer.raw  # type: ignore[attr-defined]
        await raw.set_progress_handler(count, 10)
        try:
            taken = await store.outbox.claim("discord", worker, T0, T0 - LEASE, limit=4)
        finally:
            await raw.set_progress_handler(None, 10)
        return len(taken), steps
    stamp, expired = T0.isoformat(), (T0 - LEASE).isoformat()
    args = ("discord", "discord", stamp, expired, "discord", 4, "discord", stamp, expired, 4)
    async with store.db.transaction() as conn:
        await conn.execute("ANALYZE outbox")
        [(plan,)] = await conn.fetchall("EXPLAIN (ANALYZE, FORMAT JSON) " + CLAIMABLE, args)
    read = _rows_read(json.loads(plan)[0]["Plan"])
    return len(await store.outbox.claim("discord", worker, T0, T0 - LEASE, limit=4)), read


def _rows_read(node: dict[str, Any]) -> int:
    """Rows every scan node of a PostgreSQL plan produced or filtered out, times its loops."""
    own = 0
    if "Scan" in node["Node Type"]:
        own = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
    return own + sum(_rows_read(child) for child in node.get("Plans", []))


async def test_a_pass_costs_the_same_with_500_or_4000_rows_queued_in_one_channel(db: Store) -> None:
    costs = {}
    for rows, channel in ((500, "small"), (4000, "large")):
        await _queue_backlog(db, rows, channel)
        # The head is due: one row is taken, nothing more from that channel.
        taken, due = await _pass_cost(db, f"w-{channel}")
        assert taken == 1
        # The head is in flight: nothing may be taken, and finding that out is cheap too.
        taken, blocked = await _pass_cost(db, f"w2-{channel}")
        assert taken == 0
        costs[rows] = (due, blocked)
        async with db.db.transaction() as conn:  # this channel done; the next size stands alone
            await conn.execute("UPDATE outbox SET status = 'updated' WHERE channel_key = ?", (f"discord:{channel}",))
    (small_due, small_blocked), (large_due, large_blocked) = costs[500], costs[4000]
    # Eight times the backlog: the old query did about eight times the work; this one the same.
    assert large_due < 1.5 * small_due + 50, costs
    assert large_blocked < 1.5 * small_blocked + 50, costs

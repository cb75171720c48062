"""The outbox: one queued update per posted message a moderator change touches. Its SQL lives here.

`enqueue_for_change` runs inside the transaction that records the change, so a
change and its updates are committed together or not at all. Workers take
rows with a lease (as digest runs are taken): a row is 'claimed' by one worker
until it records an outcome or its lease runs out. Within one channel only the
oldest unfinished row can be taken, so two changes to one message arrive in
the order they were made, even across processes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from knowledge.posted import OutboxFailure, OutboxItem, OutboxStatus, Reach
from knowledge.store.columns import Columns
from knowledge.store.connection import Conn, Database, Row
from knowledge.store.posted import POSTED, after_delivery, posted_from_row

_ITEM = Columns("id, change_id, claim_id, content_version, status, attempts, claimed_by", alias="o")
_FAILURE = Columns("id, platform, claim_id, last_error AS error")


async def enqueue_for_change(conn: Conn, claim_id: str, change_id: int, version: int, now: datetime) -> int:
    """Inside the change's transaction: one pending update per live posted message showing
    `claim_id`; returns how many were queued. They are due at once (`not_before` NULL), whatever
    the clocks of the moderator's and the worker's processes say. Private messages are queued too, so their
    skip is counted where moderators look."""
    return await conn.execute(
        "INSERT INTO outbox (posted_id, platform, channel_key, change_id, claim_id, content_version, not_before, "
        "created_at) SELECT p.id, p.platform, p.platform || ':' || p.channel_id, ?, ?, ?, NULL, ? "
        "FROM posted_claims c JOIN posted_messages p ON p.id = c.posted_id "
        "WHERE c.claim_id = ? AND p.gone_at IS NULL ORDER BY p.id",
        (change_id, claim_id, version, now.isoformat(), claim_id),
    )


# The rows a pass may take: each channel's head (its oldest unfinished row), when due,
# oldest first. Two index-only paths (migration 10), neither of which reads a long
# channel's backlog:
#   1. `early`: the K oldest unfinished rows (outbox_unfinished_by_id). Every head older
#      than the last of them is among them, as its channel's first row there; when they
#      hold enough due heads, those are the answer (the usual case: many channels).
#   2. otherwise (one channel's backlog fills the K rows, or heads wait or are in flight)
#      the channels are walked one at a time (outbox_unfinished, by channel): from one
#      head the next is the first index entry past its channel, two index seeks a step.
# So a pass costs O(K + channels with a backlog) index seeks at worst, the same with 10
# or 100,000 rows queued in one channel. (Asking for "unfinished rows with no earlier
# unfinished row in their channel" read every row of a long channel to fill LIMIT, each
# pass.) PostgreSQL's planner must not walk the primary key instead (it guesses that
# unfinished rows are spread evenly; they sit above every finished one): each lookup is
# a scalar subquery, never a join, and each ordered read asks for an order only its
# index gives: (channel_key, id), or (platform, id) with platform as a range. The same
# SQL runs on SQLite and PostgreSQL; the `status IN (…)` terms repeat the partial
# indexes' own WHERE, which both need.
EARLY_ROWS = 64
_UNFINISHED = "status IN ('pending', 'claimed')"
_DUE = (
    "(o.not_before IS NULL OR o.not_before <= ?) "
    "AND (o.status = 'pending' OR (o.status = 'claimed' AND o.claimed_at < ?))"
)
CLAIMABLE = (
    "WITH RECURSIVE early(id, channel_key) AS ("
    f" SELECT n.id, n.channel_key FROM outbox n WHERE n.platform >= ? AND n.platform <= ? AND n.{_UNFINISHED}"
    f" ORDER BY n.platform, n.id LIMIT {EARLY_ROWS}"
    "), early_due(id) AS ("
    f" SELECT (SELECT o.id FROM outbox o WHERE o.id = firsts.id AND {_DUE})"
    " FROM (SELECT min(e.id) AS id FROM early e GROUP BY e.channel_key) firsts"
    "), heads(id) AS ("
    f" SELECT (SELECT n.id FROM outbox n WHERE n.platform = ? AND n.{_UNFINISHED} ORDER BY n.channel_key, n.id LIMIT 1)"
    f" WHERE (SELECT count(*) FROM early) = {EARLY_ROWS} AND (SELECT count(id) FROM early_due) < ?"
    " UNION ALL"
    f" SELECT (SELECT n.id FROM outbox n WHERE n.platform = ? AND n.{_UNFINISHED}"
    " AND n.channel_key > (SELECT p.channel_key FROM outbox p WHERE p.id = heads.id)"
    " ORDER BY n.channel_key, n.id LIMIT 1)"
    " FROM heads WHERE heads.id IS NOT NULL"
    ") "
    "SELECT id FROM early_due WHERE id IS NOT NULL UNION "
    "SELECT id FROM ("
    f" SELECT (SELECT o.id FROM outbox o WHERE o.id = heads.id AND {_DUE}) AS id"
    " FROM heads WHERE heads.id IS NOT NULL"
    ") walked WHERE id IS NOT NULL ORDER BY id LIMIT ?"
)


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self, platform: str, worker: str, now: datetime, lease_expired_before: datetime, limit: int
    ) -> list[OutboxItem]:
        """Writes: take up to `limit` due rows of `platform`, at most one per channel, each the
        oldest unfinished row of its channel; a row whose worker's lease ran out is taken again.

        Each row is taken by a conditional UPDATE … RETURNING, so of two workers racing
        for one row exactly one gets it (on PostgreSQL too, where the WHERE is re-checked
        on the locked row).
        """
        stamp, expired = now.isoformat(), lease_expired_before.isoformat()
        async with self._db.transaction() as conn:
            rows = await conn.fetchall(
                CLAIMABLE, (platform, platform, stamp, expired, platform, limit, platform, stamp, expired, limit)
            )
            taken: list[int] = []
            for (outbox_id,) in rows:
                got = await conn.fetchone(
                    "UPDATE outbox SET status = 'claimed', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
                    "WHERE id = ? AND (status = 'pending' OR (status = 'claimed' AND claimed_at < ?)) RETURNING id",
                    (worker, stamp, outbox_id, expired),
                )
                if got is not None:
                    taken.append(int(got[0]))
            if not taken:
                return []
            marks = ",".join("?" * len(taken))
            items = await conn.fetchall(
                f"SELECT {_ITEM.select}, {POSTED.select} FROM outbox o JOIN posted_messages p ON p.id = o.posted_id "
                f"WHERE o.id IN ({marks}) ORDER BY o.id",
                taken,
            )
        return [_item(r) for r in items]

    async def finish(
        self,
        item: OutboxItem,
        status: OutboxStatus,
        now: datetime,
        *,
        error: str | None = None,
        version: int | None = None,
        used_token: bool = False,
    ) -> bool:
        """Writes: the outcome of a delivery, only while `item.claimed_by` still holds it.

        Returns False (writing nothing) when the lease ran out and another worker took it over.
        """
        async with self._db.transaction() as conn:
            n = await conn.execute(
                "UPDATE outbox SET status = ?, done_at = ?, last_error = ? "
                "WHERE id = ? AND claimed_by = ? AND status = 'claimed'",
                (status, now.isoformat(), error, item.id, item.claimed_by),
            )
            if n:
                await after_delivery(
                    conn,
                    item.posted.id,
                    version=version,
                    used_token=used_token,
                    gone_at=now if status == "gone" else None,
                )
                if status == "gone":
                    # The channel deleted the message: nothing later can reach it either.
                    await conn.execute(
                        "UPDATE outbox SET status = 'gone', done_at = ?, last_error = ? "
                        "WHERE posted_id = ? AND status = 'pending'",
                        (now.isoformat(), error, item.posted.id),
                    )
        return n > 0

    async def retry_later(self, item: OutboxItem, not_before: datetime, error: str, *, used_token: bool) -> bool:
        """Writes: hand a row back (rate limited or failed for now) to be taken again at `not_before`.

        Its channel waits with it, which keeps that channel's updates in order.
        """
        async with self._db.transaction() as conn:
            n = await conn.execute(
                "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, claimed_by = NULL, "
                "claimed_at = NULL WHERE id = ? AND claimed_by = ? AND status = 'claimed'",
                (not_before.isoformat(), error, item.id, item.claimed_by),
            )
            if n and used_token:
                await after_delivery(conn, item.posted.id, version=None, used_token=True, gone_at=None)
        return n > 0

    async def reach(self, change_ids: list[int]) -> dict[int, Reach]:
        """Read-only: per change, how many updates were queued and how each ended."""
        if not change_ids:
            return {}
        marks = ",".join("?" * len(change_ids))
        async with self._db.reading(snapshot=False) as conn:
            rows = await conn.fetchall(
                f"SELECT change_id, status, count(*) FROM outbox WHERE change_id IN ({marks}) "
                "GROUP BY change_id, status",
                change_ids,
            )
        out = {c: Reach() for c in change_ids}
        for change_id, status, n in rows:
            reach = out[int(change_id)]
            reach.queued += int(n)
            key = "pending" if status in ("pending", "claimed") else status
            setattr(reach, key, getattr(reach, key) + int(n))
        return out

    async def counts(self) -> dict[str, dict[str, int]]:
        """Read-only: outbox rows by platform and status (for `talksbot status`)."""
        async with self._db.reading(snapshot=False) as conn:
            rows = await conn.fetchall("SELECT platform, status, count(*) FROM outbox GROUP BY platform, status")
        out: dict[str, dict[str, int]] = {}
        for platform, status, n in rows:
            out.setdefault(platform, {})[status] = int(n)
        return out

    async def failures(self, limit: int = 5) -> list[OutboxFailure]:
        """Read-only: the latest failed deliveries, newest first."""
        async with self._db.reading(snapshot=False) as conn:
            rows = await conn.fetchall(
                f"SELECT {_FAILURE.select} FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?", (limit,)
            )
        return [OutboxFailure(**_FAILURE.read(r)) for r in rows]

    async def next_due(self, platform: str) -> datetime | None:
        """Read-only: when the earliest waiting row of `platform` becomes due; None when none waits,
        `datetime.min` (UTC) when one is due already."""
        async with self._db.reading(snapshot=False) as conn:
            row = await conn.fetchone(
                "SELECT count(*), min(not_before), sum(CASE WHEN not_before IS NULL THEN 1 ELSE 0 END) "
                "FROM outbox WHERE platform = ? AND status = 'pending'",
                (platform,),
            )
        if row is None or not row[0]:
            return None
        if row[2] or row[1] is None:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.fromisoformat(row[1])


def _item(r: Row) -> OutboxItem:
    return OutboxItem(**_ITEM.read(r), posted=posted_from_row(r, start=len(_ITEM)))

"""Digest subscriptions and digest runs: their SQL, in one place.

A run is keyed by (platform, channel, local date): claiming it is what makes
one post per channel per day hold across processes. Its claimant holds a
lease; every later write checks that the claimant still owns it. On
PostgreSQL, workers claim with `FOR UPDATE SKIP LOCKED`, so N schedulers
looking at the same due run never queue behind each other and exactly one
gets it.
"""

from __future__ import annotations

from datetime import datetime

from knowledge.models import DigestRun, DigestRunRecord, Subscription
from knowledge.store.columns import Columns, timestamp
from knowledge.store.connection import Database, Dialect

_SUBSCRIPTION = Columns(
    "platform, channel_id, post_time, timezone, created_by, created_at, community_id, audience",
    convert={"created_at": timestamp},
)
_RECORD = Columns("platform, channel_id, local_date, status, attempts", alias="r")

_RUN_WHERE = "FROM digest_runs WHERE platform = ? AND channel_id = ? AND local_date = ?"
_SELECT_RUN: dict[Dialect, str] = {
    # BEGIN IMMEDIATE already makes each claim wait for the one before it.
    "sqlite": f"SELECT status, claimed_at {_RUN_WHERE}",
    # N workers: a row another worker is claiming is skipped rather than
    # waited for; that worker holds it (or its lease logic hands it over later).
    "postgresql": f"SELECT status, claimed_at {_RUN_WHERE} FOR UPDATE SKIP LOCKED",
}


class DigestStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert_subscription(self, sub: Subscription) -> None:
        """Writes: subscribe a channel, or change its time, timezone and audience."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO digest_subscriptions (platform, channel_id, post_time, timezone, created_by, created_at, "
                "community_id, audience) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (platform, channel_id) DO UPDATE SET "
                "post_time = excluded.post_time, timezone = excluded.timezone, created_by = excluded.created_by, "
                "community_id = excluded.community_id, audience = excluded.audience",
                (
                    sub.platform,
                    sub.channel_id,
                    sub.post_time,
                    sub.timezone,
                    sub.created_by,
                    sub.created_at.isoformat(),
                    sub.community_id,
                    sub.audience,
                ),
            )

    async def remove_subscription(self, platform: str, channel_id: str) -> bool:
        """Writes: unsubscribe; returns False when the channel was not subscribed."""
        async with self._db.transaction() as conn:
            n = await conn.execute(
                "DELETE FROM digest_subscriptions WHERE platform = ? AND channel_id = ?", (platform, channel_id)
            )
        return n > 0

    async def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        """Read-only."""
        sql = f"SELECT {_SUBSCRIPTION.select} FROM digest_subscriptions"
        args: tuple[str, ...] = ()
        if platform is not None:
            sql, args = sql + " WHERE platform = ?", (platform,)
        async with self._db.reading() as conn:
            rows = await conn.fetchall(sql + " ORDER BY platform, channel_id", args)
        return [Subscription(**_SUBSCRIPTION.read(r)) for r in rows]

    async def claim_run(
        self,
        platform: str,
        channel_id: str,
        local_date: str,
        worker: str,
        now: datetime,
        lease_expired_before: datetime,
    ) -> DigestRun | None:
        """Writes: claim today's run for a channel, or return None if it is taken.

        A run still 'claimed' after its lease (its poster crashed) may be
        claimed again; 'posted' and 'failed' runs are final.
        """
        key = (platform, channel_id, local_date)
        async with self._db.transaction() as conn:
            row = await conn.fetchone(_SELECT_RUN[conn.dialect], key)
            if row is None:
                # Absent, or (PostgreSQL) locked by a worker claiming it right now:
                # the insert wins only when nobody has the row, otherwise it is taken.
                inserted = await conn.execute(
                    "INSERT INTO digest_runs (platform, channel_id, local_date, claimed_at, claimed_by, status) "
                    "VALUES (?,?,?,?,?, 'claimed') ON CONFLICT (platform, channel_id, local_date) DO NOTHING",
                    (*key, now.isoformat(), worker),
                )
                if inserted == 0:
                    return None
            elif row[0] == "claimed" and datetime.fromisoformat(row[1]) < lease_expired_before:
                await conn.execute(
                    "UPDATE digest_runs SET claimed_at = ?, claimed_by = ? "
                    "WHERE platform = ? AND channel_id = ? AND local_date = ?",
                    (now.isoformat(), worker, *key),
                )
            else:
                return None
            last = await conn.fetchone(
                "SELECT max(posted_at) FROM digest_runs WHERE platform = ? AND channel_id = ? AND status = 'posted'",
                (platform, channel_id),
            )
        since = datetime.fromisoformat(last[0]) if last and last[0] else None
        return DigestRun(
            platform=platform, channel_id=channel_id, local_date=local_date, claimed_by=worker, since=since
        )

    async def taken(
        self, platform: str, keys: list[tuple[str, str]], lease_expired_before: datetime
    ) -> set[tuple[str, str]]:
        """Read-only: which of these (channel, local date) runs exist and cannot be claimed now
        (posted, failed, or claimed under a lease still running). One query for many channels,
        so a scheduler skips what another process took without a write transaction each."""
        if not keys:
            return set()
        channels = sorted({c for c, _ in keys})
        marks = ",".join("?" * len(channels))
        async with self._db.reading(snapshot=False) as conn:
            rows = await conn.fetchall(
                f"SELECT channel_id, local_date, status, claimed_at FROM digest_runs "
                f"WHERE platform = ? AND channel_id IN ({marks})",
                (platform, *channels),
            )
        wanted = set(keys)
        expired = lease_expired_before.isoformat()
        return {
            (str(c), str(d))
            for c, d, status, claimed_at in rows
            if (str(c), str(d)) in wanted and (status != "claimed" or str(claimed_at) >= expired)
        }

    async def record_attempt(
        self, run: DigestRun, *, ok: bool, final: bool, error: str | None, now: datetime, period_start: datetime
    ) -> bool:
        """Writes: one posting attempt's outcome, only while `run.claimed_by` still owns the run.

        Returns False (and writes nothing) when another process took the run
        over after this one's lease ran out.
        """
        status = "posted" if ok else ("failed" if final else "claimed")
        async with self._db.transaction() as conn:
            n = await conn.execute(
                "UPDATE digest_runs SET attempts = attempts + 1, status = ?, last_error = ?, "
                "posted_at = CASE WHEN ? = 1 THEN ? ELSE posted_at END, period_start = ?, claimed_at = ? "
                "WHERE platform = ? AND channel_id = ? AND local_date = ? AND claimed_by = ? AND status = 'claimed'",
                (
                    status,
                    error,
                    int(ok),
                    now.isoformat(),
                    period_start.isoformat(),
                    now.isoformat(),
                    run.platform,
                    run.channel_id,
                    run.local_date,
                    run.claimed_by,
                ),
            )
        return n > 0

    async def runs(self, platform: str, channel_id: str) -> list[DigestRunRecord]:
        """Read-only: a channel's runs, oldest first."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_RECORD.select} FROM digest_runs r WHERE r.platform = ? AND r.channel_id = ? "
                "ORDER BY r.local_date",
                (platform, channel_id),
            )
        return [DigestRunRecord(**_RECORD.read(r)) for r in rows]

    async def last_runs(self) -> list[DigestRunRecord]:
        """Read-only: each channel's latest run, by platform and channel."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_RECORD.select} FROM digest_runs r "
                "WHERE r.local_date = (SELECT max(local_date) FROM digest_runs x "
                "WHERE x.platform = r.platform AND x.channel_id = r.channel_id) ORDER BY r.platform, r.channel_id"
            )
        return [DigestRunRecord(**_RECORD.read(r)) for r in rows]

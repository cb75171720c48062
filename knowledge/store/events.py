"""Events handled at most once across every process sharing the database.

Platforms deliver some events more than once (Slack retries an event it
thinks went unanswered, and behind a load balancer the retry reaches another
worker). A key recorded here is claimed by exactly one caller; keys expire
after a time to live so the table stays small.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from knowledge.store.connection import Database


class EventStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_event_once(self, key: str, now: datetime, ttl: timedelta) -> bool:
        """Writes: record `key`; True only for the first caller within `ttl`, in any process.

        Also deletes keys older than `ttl` (in the same transaction), so an
        expired key counts as new again. Both backends make the insert
        atomic: the primary key admits one row, and `ON CONFLICT DO NOTHING`
        reports 0 rows to every later caller instead of failing.
        """
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM processed_events WHERE seen_at < ?", ((now - ttl).isoformat(),))
            inserted = await conn.execute(
                "INSERT INTO processed_events (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, now.isoformat()),
            )
        return inserted == 1

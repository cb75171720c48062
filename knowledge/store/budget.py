"""The rate budget every process on one database shares: its SQL, in one place.

Each limit is one row holding the time its next request may go (the generic
cell rate algorithm's "theoretical arrival time", in seconds since the epoch).
Taking a slot is one `INSERT … ON CONFLICT DO UPDATE … RETURNING`: the row is
locked for that statement only, so processes never wait for each other longer
than one update, and two of them can never be handed the same slot. No
coordinator process is involved; the database is the coordinator.
"""

from __future__ import annotations

from knowledge.store.connection import Database, Dialect

# The inserted value is now + spend, so `excluded.tat - spend` is now: the row becomes
# max(stored, now) + spend, and the slots handed out are the `count` intervals before it.
_LATER: dict[Dialect, str] = {"sqlite": "max", "postgresql": "greatest"}


def _take(dialect: Dialect) -> str:
    later = _LATER[dialect]
    return (
        "INSERT INTO rate_budget (key, tat) VALUES (?, ?) "
        f"ON CONFLICT (key) DO UPDATE SET tat = {later}(rate_budget.tat, excluded.tat - ?) + ? "
        "RETURNING tat"
    )


class BudgetStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, key: str, now: float, interval: float, tolerance: float, count: int = 1) -> float:
        """Writes: reserve `count` slots of the limit `key`; returns when the first may be used.

        GCRA: the row's time moves `interval` per slot; a slot is usable `tolerance` seconds
        before the row's time (the burst a limit allows), never before `now`. The caller
        waits until the returned time; the slots after the first follow `interval` apart.
        """
        spend = interval * count
        async with self._db.transaction() as conn:
            row = await conn.fetchone(_take(conn.dialect), (key, now + spend, tolerance, spend))
        assert row is not None
        # The row now holds the time after our slots; ours start `spend` before it.
        first = float(row[0]) - spend - tolerance
        return max(now, first)

    async def hold_off(self, key: str, until: float, tolerance: float) -> None:
        """Writes: the platform said "not before `until`": no process gets a slot of `key` earlier
        (the row moves past `until` by the burst tolerance, which slots are handed out ahead of it)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rate_budget (key, tat) VALUES (?, ?) "
                f"ON CONFLICT (key) DO UPDATE SET tat = {_LATER[conn.dialect]}(rate_budget.tat, excluded.tat)",
                (key, until + tolerance),
            )

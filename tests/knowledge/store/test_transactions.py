"""`Database.transaction()` on both backends: whatever fails, the single writer comes back usable.

Failures are real, not mocked: a foreign key declared DEFERRABLE INITIALLY DEFERRED
is checked only at COMMIT, so inserting an orphan makes COMMIT itself fail; and
SQLite's `INSERT OR ROLLBACK` ends the transaction inside the block, before
the context manager gets to roll back.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from knowledge.store import Store
from tests.knowledge.store.raw import raw_fetch

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
# Both dialects accept this schema; the child's foreign key is checked at COMMIT only.
PROBE_TABLES = (
    "CREATE TABLE probe_parent (id INTEGER PRIMARY KEY)",
    "CREATE TABLE probe_child (parent_id INTEGER NOT NULL REFERENCES probe_parent(id) DEFERRABLE INITIALLY DEFERRED)",
)
COMMIT_FAILED = (sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)


async def _with_probe_tables(location: str) -> None:
    async with Store.open(location):  # migrate first: the store refuses a schema it did not make
        pass
    for sql in PROBE_TABLES:
        await raw_fetch(location, sql)


async def test_a_failing_commit_leaves_the_writer_usable(location: str) -> None:
    await _with_probe_tables(location)
    async with Store.open(location) as store:
        with pytest.raises(COMMIT_FAILED):
            async with store.db.transaction() as conn:
                await conn.execute("INSERT INTO probe_child (parent_id) VALUES (?)", (42,))
        # The next writes start their own transactions and commit.
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO probe_parent (id) VALUES (?)", (1,))
            await conn.execute("INSERT INTO probe_child (parent_id) VALUES (?)", (1,))
        assert await store.events.claim_event_once("slack:Ev1", NOW, timedelta(hours=1))
    # Nothing of the failed transaction was kept; everything after it was.
    assert await raw_fetch(location, "SELECT parent_id FROM probe_child") == [(1,)]
    assert await raw_fetch(location, "SELECT key FROM processed_events") == [("slack:Ev1",)]


async def test_an_error_raised_in_the_block_rolls_back_and_reaches_the_caller(location: str) -> None:
    await _with_probe_tables(location)
    async with Store.open(location) as store:
        with pytest.raises(LookupError, match="the caller's own error"):
            async with store.db.transaction() as conn:
                await conn.execute("INSERT INTO probe_parent (id) VALUES (?)", (7,))
                raise LookupError("the caller's own error")
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO probe_parent (id) VALUES (?)", (8,))
    assert await raw_fetch(location, "SELECT id FROM probe_parent") == [(8,)]


async def test_a_transaction_sqlite_already_ended_is_not_rolled_back_twice(tmp_path: Path) -> None:
    # `INSERT OR ROLLBACK` ends the transaction itself and raises IntegrityError: a second
    # ROLLBACK would fail ("no transaction is active") and hide that error from the caller.
    location = str(tmp_path / "t.db")
    await _with_probe_tables(location)
    async with Store.open(location) as store:
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO probe_parent (id) VALUES (?)", (1,))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            async with store.db.transaction() as conn:
                await conn.execute("INSERT INTO probe_parent (id) VALUES (?)", (2,))
                await conn.execute("INSERT OR ROLLBACK INTO probe_parent (id) VALUES (?)", (1,))
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO probe_parent (id) VALUES (?)", (3,))
    assert await raw_fetch(location, "SELECT id FROM probe_parent ORDER BY id") == [(1,), (3,)]

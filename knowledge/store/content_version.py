"""The content version: one monotonic number bumped with every change to what can be answered.

Every change bumps it in the same transaction as the change and stamps the
claims it touched (`claims.changed_in`) or records their removal
(`claim_removals`), so a process holding version N learns everything it must
reload with two small reads (see `ClaimStore.changes_since`).

On PostgreSQL the bump is also announced with NOTIFY in the same transaction:
PostgreSQL delivers it only if and when that transaction commits, so a
listener never hears of a version it cannot yet read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.store.connection import Conn

# The LISTEN/NOTIFY channel; the payload is the new content version.
NOTIFY_CHANNEL = "talksbot_content"


@dataclass(frozen=True)
class Changes:
    """What moved between two content versions."""

    version: int
    changed: list[str]
    removed: list[str]


async def lock_content(conn: Conn) -> None:
    """Inside a transaction: wait for, then hold, the right to change content until commit.

    Content writes read before they write (is the claim still there? what did
    the curated sync already load?). SQLite's BEGIN IMMEDIATE already holds
    the one write lock for the whole transaction; PostgreSQL's READ COMMITTED
    writers run side by side, so they queue on the content-version row here.
    """
    if conn.dialect == "postgresql":
        await conn.fetchone("SELECT version FROM content_version WHERE id = 1 FOR UPDATE")


async def bump_version(conn: Conn, changed: Iterable[str] = (), removed: Iterable[str] = ()) -> int:
    """Inside a transaction: the next content version, stamped on `changed` and `removed` claims.

    On PostgreSQL also queues NOTIFY talksbot_content '<version>', sent at commit.
    """
    row = await conn.fetchone("UPDATE content_version SET version = version + 1 WHERE id = 1 RETURNING version")
    assert row is not None, "migration 3 creates the content_version row"
    version = int(row[0])
    changed_ids = sorted(set(changed))
    if changed_ids:
        await conn.executemany("UPDATE claims SET changed_in = ? WHERE id = ?", [(version, c) for c in changed_ids])
        await conn.executemany("DELETE FROM claim_removals WHERE claim_id = ?", [(c,) for c in changed_ids])
    await conn.executemany(
        "INSERT INTO claim_removals (claim_id, removed_in) VALUES (?, ?) "
        "ON CONFLICT (claim_id) DO UPDATE SET removed_in = excluded.removed_in",
        [(c, version) for c in sorted(set(removed))],
    )
    if conn.dialect == "postgresql":
        await conn.execute("SELECT pg_notify(?, ?)", (NOTIFY_CHANNEL, str(version)))
    return version

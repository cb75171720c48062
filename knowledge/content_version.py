"""The content version: one monotonic number bumped with every change to what can be answered.

Every change bumps it in the same transaction as the change and stamps the
claims it touched (`claims.changed_in`) or records their removal
(`claim_removals`), so a process holding version N learns everything it must
reload with two small reads (see `ClaimStore.changes_since`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.connection import Conn


@dataclass(frozen=True)
class Changes:
    """What moved between two content versions."""

    version: int
    changed: list[str]
    removed: list[str]


async def bump_version(conn: Conn, changed: Iterable[str] = (), removed: Iterable[str] = ()) -> int:
    """Inside a transaction: the next content version, stamped on `changed` and `removed` claims."""
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
    return version

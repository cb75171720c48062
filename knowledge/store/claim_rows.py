"""Writing claim rows: shared by the curated sync and by moderators adding claims. Inside a transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from knowledge.models import Claim
from knowledge.store.connection import Conn


def claim_digest(claim: Claim) -> str:
    """A hash of everything curated about a claim; equal digests need no rewrite."""
    return hashlib.sha256(claim.model_dump_json().encode()).hexdigest()


async def claim_exists(conn: Conn, claim_id: str) -> bool:
    return await conn.fetchone("SELECT 1 FROM claims WHERE id = ?", (claim_id,)) is not None


async def write_claims(conn: Conn, claims: Sequence[Claim], now: datetime) -> None:
    """Inside a transaction: insert or replace claims with their quotes and conflict links."""
    stamp = now.isoformat()
    await conn.executemany(
        "INSERT INTO claims (id, text, topic, entities, said_by, importance, keywords, origin, source_url, "
        "in_curated, created_at, digest) VALUES (?,?,?,?,?,?,?,?,?,1,?,?) ON CONFLICT (id) DO UPDATE SET "
        "text=excluded.text, topic=excluded.topic, entities=excluded.entities, said_by=excluded.said_by, "
        "importance=excluded.importance, keywords=excluded.keywords, origin=excluded.origin, "
        "source_url=excluded.source_url, in_curated=1, digest=excluded.digest",
        [
            (
                c.id,
                c.text,
                c.topic,
                json.dumps(c.entities),
                c.said_by,
                c.importance,
                json.dumps(c.keywords),
                c.origin,
                c.source_url,
                stamp,
                claim_digest(c),
            )
            for c in claims
        ],
    )
    # Quotes a moderator accepted from an ingested article (item_id set) are not the
    # curated file's to replace: a curated reload keeps them.
    await conn.executemany("DELETE FROM quotes WHERE claim_id = ? AND item_id IS NULL", [(c.id,) for c in claims])
    await conn.executemany(
        'INSERT INTO quotes (claim_id, position, source_id, start, "end", quote) VALUES (?,?,?,?,?,?)',
        [(c.id, i, q.source_id, q.start, q.end, q.quote) for c in claims for i, q in enumerate(c.quotes)],
    )


async def write_conflicts(conn: Conn, claims: Sequence[Claim]) -> None:
    # Links to claims outside the curated file (accepted from an ingested article) survive a reload.
    # EXISTS, not IN (SELECT ...): the IN list would be rebuilt from every claim for each
    # claim written, quadratic at scale (120,000 claims took over 10 minutes).
    await conn.executemany(
        "DELETE FROM conflicts WHERE claim_id = ? AND EXISTS "
        "(SELECT 1 FROM claims WHERE claims.id = conflicts.other_id AND claims.origin = 'curated')",
        [(c.id,) for c in claims],
    )
    await conn.executemany(
        "INSERT INTO conflicts (claim_id, other_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(c.id, o) for c in claims for o in c.conflicts],
    )

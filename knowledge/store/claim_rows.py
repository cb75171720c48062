"""Writing claim rows: shared by the curated sync and by moderators adding claims. Inside a transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from knowledge.models import Claim, Quote
from knowledge.store.connection import Conn

# Accepted quotes sort after a claim's curated ones and never collide with their
# positions (0…n-1), however many quotes the curated file gives the claim later.
ACCEPTED_POSITION = 1_000_000


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
    # curated file's to replace: a curated reload keeps them. Once the file states such
    # a quote itself (folded in from `talksbot export-claims`), the file's copy takes its
    # place at the file's position and keeps its item: the quote is stored once.
    accepted = await _accepted_quotes(conn, [c.id for c in claims])
    await conn.executemany("DELETE FROM quotes WHERE claim_id = ? AND item_id IS NULL", [(c.id,) for c in claims])
    folded = [(c.id, q.source_id, q.start, q.end) for c in claims for q in c.quotes if _span(c.id, q) in accepted]
    await conn.executemany(
        'DELETE FROM quotes WHERE claim_id = ? AND source_id = ? AND start = ? AND "end" = ? AND item_id IS NOT NULL',
        folded,
    )
    # An accepted quote the file does not state keeps its place after the file's quotes
    # (where an older talksbot put an accepted new claim's quote at position 0).
    await conn.executemany(
        "UPDATE quotes SET position = ? + item_id WHERE claim_id = ? AND item_id IS NOT NULL AND position < ?",
        [(ACCEPTED_POSITION, cid, ACCEPTED_POSITION) for cid in sorted({k[0] for k in accepted})],
    )
    await conn.executemany(
        'INSERT INTO quotes (claim_id, position, source_id, start, "end", quote, item_id) VALUES (?,?,?,?,?,?,?)',
        [
            (c.id, i, q.source_id, q.start, q.end, q.quote, accepted.get(_span(c.id, q)))
            for c in claims
            for i, q in enumerate(c.quotes)
        ],
    )


def _span(claim_id: str, q: Quote) -> tuple[str, str, int, int]:
    return (claim_id, q.source_id, q.start, q.end)


async def _accepted_quotes(conn: Conn, claim_ids: Sequence[str]) -> dict[tuple[str, str, int, int], int]:
    """The quotes of these claims accepted from ingest candidates: (claim, source, start, end) → item."""
    found: dict[tuple[str, str, int, int], int] = {}
    # Both backends cap bound parameters; a reload at scale writes more claims than that.
    for at in range(0, len(claim_ids), _IDS_PER_QUERY):
        chunk = claim_ids[at : at + _IDS_PER_QUERY]
        marks = ",".join("?" * len(chunk))
        rows = await conn.fetchall(
            f'SELECT claim_id, source_id, start, "end", item_id FROM quotes WHERE item_id IS NOT NULL '
            f"AND claim_id IN ({marks})",
            tuple(chunk),
        )
        found.update({(r[0], r[1], r[2], r[3]): r[4] for r in rows})
    return found


_IDS_PER_QUERY = 10_000


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

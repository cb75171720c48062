"""Ingested articles and their candidate claims: their SQL, in one place.

An ingested article is a source row that keeps its raw text (`sources.body`),
so its quotes are verified against the database, not a file. Each proposal is
a `candidates` row behind one 'candidate' item of the review queue. Nothing
here changes what can be answered until a moderator accepts a candidate; the
accept then writes the claim or quote, its history row, closes the item and
bumps the content version, all in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from knowledge import messages
from knowledge.articles.curated import quote_problems
from knowledge.articles.ingest import Proposal
from knowledge.articles.reading import read_article
from knowledge.articles.sources import Seed
from knowledge.errors import BadInput, NotFound
from knowledge.models import Candidate, Claim, HistoryEntry, IngestedArticle, Moderator, Quote, Source
from knowledge.store.claim_rows import claim_exists, write_claims, write_conflicts
from knowledge.store.columns import Columns, from_json
from knowledge.store.connection import Conn, Database, Row
from knowledge.store.content_version import bump_version, lock_content
from knowledge.store.moderation import insert_action
from knowledge.store.queue import close_item

# Accepted quotes sort after a claim's curated ones and never collide with their
# positions (0…n-1), however many quotes the curated file gives the claim later.
ACCEPTED_POSITION = 1_000_000

_CANDIDATE = Columns(
    "item_id, source_id, proposal, claim_id, text, topic, entities, said_by, quote_start, quote_end, quote, "
    "similarity, accepted_claim_id",
    convert={"entities": from_json, "similarity": float},
)
_INGESTED = Columns("id AS source_id, body AS text")


class DuplicateArticle(BadInput):
    """The same text (by sha256) is already a source."""

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        super().__init__(messages.duplicate_article(source_id))


@dataclass(frozen=True)
class Accepted:
    claim_id: str
    entry: HistoryEntry
    version: int


class CandidateStore:
    """Ingested sources, the candidates proposed from them, and their acceptance."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_article(
        self,
        source: Source,
        text: str,
        sha256: str,
        proposals: Sequence[Proposal],
        by: Moderator,
        at: datetime,
    ) -> tuple[Source, list[int]]:
        """Writes, in one transaction: the source with its raw text and one queue item per
        proposal. Raises DuplicateArticle when the same text is already a source. If the
        source id is taken by another text, the id gets the text's hash appended."""
        async with self._db.transaction() as conn:
            # Serialises ingests on PostgreSQL too, so the same text cannot slip in twice at once.
            await lock_content(conn)
            same = await conn.fetchone("SELECT id FROM sources WHERE sha256 = ? ORDER BY id", (sha256,))
            if same is not None:
                raise DuplicateArticle(same[0])
            if await conn.fetchone("SELECT 1 FROM sources WHERE id = ?", (source.id,)) is not None:
                source = source.model_copy(update={"id": f"{source.id}_{sha256[:16]}"})
                proposals = [_moved(p, source.id) for p in proposals]
                if await conn.fetchone("SELECT 1 FROM sources WHERE id = ?", (source.id,)) is not None:
                    raise BadInput(messages.source_name_taken(source.id))
            await conn.execute(
                "INSERT INTO sources (id, outlet, title, date, url, dateline, sha256, opening, body, origin, "
                "added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?,'ingested',?,?)",
                (
                    source.id,
                    source.outlet,
                    source.title,
                    source.date,
                    source.url,
                    source.dateline,
                    sha256,
                    source.opening,
                    text,
                    by.name,
                    at.isoformat(),
                ),
            )
            items = [await _insert_candidate(conn, p, at) for p in proposals]
        return source.model_copy(update={"origin": "ingested"}), items

    async def ingested_articles(self) -> list[IngestedArticle]:
        """Read-only: every ingested article with its raw text, by source id."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(f"SELECT {_INGESTED.select} FROM sources WHERE origin = 'ingested' ORDER BY id")
        return [IngestedArticle(**_INGESTED.read(r)) for r in rows]

    async def get(self, item_id: int) -> Candidate | None:
        """Read-only."""
        found = await self.for_items([item_id])
        return found.get(item_id)

    async def for_items(self, item_ids: Sequence[int]) -> dict[int, Candidate]:
        """Read-only: the candidates behind these queue items (others are skipped)."""
        if not item_ids:
            return {}
        marks = ",".join("?" * len(item_ids))
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_CANDIDATE.select} FROM candidates WHERE item_id IN ({marks})", tuple(item_ids)
            )
        return {c.item_id: c for c in map(_candidate, rows)}

    async def accept(self, item_id: int, claim: Claim | None, by: Moderator, at: datetime) -> Accepted:
        """Writes, in one transaction: verify the candidate's quote against the stored article
        text at its offsets, then either add it to the supported claim (`claim` None) or write
        `claim` (new, or linked both ways as a conflict); the 'add' history row by `by`, the
        queue item closed as accepted, and a content-version bump."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            row = await conn.fetchone(f"SELECT {_CANDIDATE.select} FROM candidates WHERE item_id = ?", (item_id,))
            if row is None:
                raise NotFound(messages.not_a_candidate(item_id))
            cand = _candidate(row)
            await _verify(conn, cand.quote)
            reason = f"accepted ingest candidate #{item_id} ({cand.proposal}, source {cand.source_id})"
            await close_item(conn, item_id, "accepted", by, at, reason)
            if claim is None:
                target = cand.claim_id or ""
                if not await claim_exists(conn, target):
                    raise BadInput(messages.candidate_claim_gone(target))
                q = cand.quote
                await conn.execute(
                    'INSERT INTO quotes (claim_id, position, source_id, start, "end", quote, item_id) '
                    "VALUES (?,?,?,?,?,?,?)",
                    (target, ACCEPTED_POSITION + item_id, q.source_id, q.start, q.end, q.quote, item_id),
                )
                entry = await insert_action(conn, target, "add", by, at, text=q.quote, reason=reason)
                changed = [target]
            else:
                claim = claim.model_copy(update={"id": await _free_id(conn, claim.id)})
                linked = [c for c in claim.conflicts if await claim_exists(conn, c)]
                claim = claim.model_copy(update={"conflicts": linked})
                await write_claims(conn, [claim], at)
                await conn.execute("UPDATE quotes SET item_id = ? WHERE claim_id = ?", (item_id, claim.id))
                await write_conflicts(conn, [claim])
                await conn.executemany(
                    "INSERT INTO conflicts (claim_id, other_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(other, claim.id) for other in linked],
                )
                entry = await insert_action(conn, claim.id, "add", by, at, text=claim.text, reason=reason)
                target = claim.id
                changed = [claim.id, *linked]
            await conn.execute("UPDATE candidates SET accepted_claim_id = ? WHERE item_id = ?", (target, item_id))
            version = await bump_version(conn, changed)
        return Accepted(target, entry, version)

    async def reject(self, item_id: int, by: Moderator, at: datetime, reason: str) -> None:
        """Writes: close a candidate's item as rejected, recording who and why. Nothing else changes."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            if await conn.fetchone("SELECT 1 FROM candidates WHERE item_id = ?", (item_id,)) is None:
                raise NotFound(messages.not_a_candidate(item_id))
            await close_item(conn, item_id, "rejected", by, at, reason)

    async def exported_claim_ids(self) -> list[str]:
        """Read-only: claims that hold something accepted from an ingested article: the claims
        it created and the curated claims that gained a quote or a conflict link from it."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                "SELECT DISTINCT claim_id FROM quotes WHERE item_id IS NOT NULL "
                "UNION SELECT claim_id FROM conflicts WHERE other_id IN "
                "(SELECT accepted_claim_id FROM candidates WHERE accepted_claim_id IS NOT NULL) "
                "ORDER BY 1"
            )
        return [r[0] for r in rows]


async def _verify(conn: Conn, quote: Quote) -> None:
    """The quote must still be verbatim at its offsets in the stored text, off boilerplate and footnotes."""
    row = await conn.fetchone("SELECT body FROM sources WHERE id = ?", (quote.source_id,))
    if row is None or row[0] is None:
        raise BadInput(messages.article_not_stored(quote.source_id))
    seed = Seed(Source(id=quote.source_id), read_article(quote.source_id, row[0]))
    problems = quote_problems("candidate", quote, {quote.source_id: seed})
    if problems:
        raise BadInput(messages.quote_no_longer_checks_out(problems[0]))


async def _free_id(conn: Conn, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… when the id is taken (checked inside the transaction)."""
    candidate, n = wanted, 1
    while await claim_exists(conn, candidate):
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


async def _insert_candidate(conn: Conn, p: Proposal, at: datetime) -> int:
    q = p.quote
    row = await conn.fetchone(
        "INSERT INTO queue_items (kind, group_key, text, claim_ids, first_at, last_at) "
        "VALUES ('candidate', ?, ?, ?, ?, ?) RETURNING id",
        (
            # One sentence may support several claims: one open item for each.
            f"candidate {q.source_id} {q.start}:{q.end} {p.kind} {p.claim_id or ''}",
            p.text if p.kind != "supports" else q.quote,
            json.dumps([p.claim_id] if p.claim_id else []),
            at.isoformat(),
            at.isoformat(),
        ),
    )
    assert row is not None
    await conn.execute(
        f"INSERT INTO candidates ({_CANDIDATE.select}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
        (
            row[0],
            q.source_id,
            p.kind,
            p.claim_id,
            p.text,
            p.topic,
            json.dumps(p.entities),
            p.said_by,
            q.start,
            q.end,
            q.quote,
            p.similarity,
        ),
    )
    return int(row[0])


def _moved(p: Proposal, source_id: str) -> Proposal:
    quote = p.quote.model_copy(update={"source_id": source_id})
    return Proposal(p.kind, quote, p.text, p.claim_id, p.similarity, p.topic, p.entities, p.said_by)


def _candidate(r: Row) -> Candidate:
    v = _CANDIDATE.read(r)
    quote = Quote(source_id=v["source_id"], start=v.pop("quote_start"), end=v.pop("quote_end"), quote=v.pop("quote"))
    return Candidate(**v, quote=quote)

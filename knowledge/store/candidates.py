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
import re
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
from knowledge.store.claim_rows import ACCEPTED_POSITION, claim_exists, write_claims, write_conflicts
from knowledge.store.columns import Columns, from_json
from knowledge.store.connection import Conn, Database, Row
from knowledge.store.content_version import bump_version, lock_content
from knowledge.store.moderation import insert_action
from knowledge.store.queue import close_item

_CANDIDATE = Columns(
    "item_id, source_id, proposal, claim_id, text, topic, entities, said_by, quote_start, quote_end, quote, "
    "similarity, accepted_claim_id",
    convert={"entities": from_json, "similarity": float},
)
_INGESTED = Columns("id AS source_id, body AS text, added_by, added_at")


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

    async def add_candidates(self, source_id: str, proposals: Sequence[Proposal], at: datetime) -> list[int]:
        """Writes, in one transaction: one queue item per proposal from an article already stored
        (the ones `talksbot ingest` held back), skipping any span already proposed."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            taken = {
                (r[0], r[1], r[2])
                for r in await conn.fetchall(
                    "SELECT quote_start, quote_end, claim_id FROM candidates WHERE source_id = ?", (source_id,)
                )
            }
            return [
                await _insert_candidate(conn, p, at)
                for p in proposals
                if (p.quote.start, p.quote.end, p.claim_id) not in taken
            ]

    async def proposed_spans(self, source_id: str) -> set[tuple[int, int, str | None]]:
        """Read-only: the (start, end, claim) of every candidate already made from this source,
        decided or not (a sentence may be proposed for several claims, once each)."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                "SELECT quote_start, quote_end, claim_id FROM candidates WHERE source_id = ?", (source_id,)
            )
        return {(int(r[0]), int(r[1]), r[2]) for r in rows}

    async def stored_text(self, source_id: str) -> str | None:
        """Read-only: the raw text of an ingested article, or None when no such article is stored."""
        async with self._db.reading() as conn:
            row = await conn.fetchone(
                "SELECT body FROM sources WHERE id = ? AND origin = 'ingested' AND body IS NOT NULL", (source_id,)
            )
        return None if row is None else str(row[0])

    async def open_count(self, source_id: str | None = None) -> int:
        """Read-only: how many candidates are open (of one source when given)."""
        where, args = ("AND c.source_id = ?", (source_id,)) if source_id else ("", ())
        async with self._db.reading() as conn:
            row = await conn.fetchone(
                "SELECT count(*) FROM candidates c JOIN queue_items q ON q.id = c.item_id "
                f"WHERE q.status = 'open' {where}",
                args,
            )
        return int(row[0]) if row else 0

    async def reject_source(self, source_id: str, by: Moderator, at: datetime, reason: str) -> int:
        """Writes, in one transaction: close every open candidate of one source as rejected,
        recording who and why; returns how many. Nothing else changes."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            return await conn.execute(
                "UPDATE queue_items SET status = 'rejected', closed_by = ?, closed_at = ?, close_reason = ? "
                "WHERE status = 'open' AND kind = 'candidate' AND id IN "
                "(SELECT item_id FROM candidates WHERE source_id = ?)",
                (by.name, at.isoformat(), reason, source_id),
            )

    async def ingested_articles(self) -> list[IngestedArticle]:
        """Read-only: every ingested article with its raw text, by source id."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_INGESTED.select} FROM sources WHERE origin = 'ingested' AND body IS NOT NULL ORDER BY id"
            )
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

    async def accept(
        self, item_id: int, claim: Claim | None, by: Moderator, at: datetime, *, supports: str | None = None
    ) -> Accepted:
        """Writes, in one transaction: verify the candidate's quote against the stored article
        text at its offsets, then either add it as a quote of the claim `supports` (default: the
        claim the candidate proposed to support) when `claim` is None, or write `claim` (new, or
        linked both ways as a conflict); the 'add' history row by `by` (its reason says how it
        was accepted, see `accepted_as`), the queue item closed as accepted, and a
        content-version bump."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            row = await conn.fetchone(f"SELECT {_CANDIDATE.select} FROM candidates WHERE item_id = ?", (item_id,))
            if row is None:
                raise NotFound(messages.not_a_candidate(item_id))
            cand = _candidate(row)
            await _verify(conn, cand.quote)
            q = cand.quote
            if claim is None:
                target = supports or cand.claim_id or ""
                if not await claim_exists(conn, target):
                    raise BadInput(messages.candidate_claim_gone(target))
                if await conn.fetchone(
                    'SELECT 1 FROM quotes WHERE claim_id = ? AND source_id = ? AND start = ? AND "end" = ?',
                    (target, q.source_id, q.start, q.end),
                ):
                    raise BadInput(messages.already_quoted(target))
                reason = accepted_reason(item_id, "supports", cand.source_id)
                await close_item(conn, item_id, "accepted", by, at, reason)
                await conn.execute(
                    'INSERT INTO quotes (claim_id, position, source_id, start, "end", quote, item_id) '
                    "VALUES (?,?,?,?,?,?,?)",
                    (target, ACCEPTED_POSITION + item_id, q.source_id, q.start, q.end, q.quote, item_id),
                )
                entry = await insert_action(conn, target, "add", by, at, text=q.quote, reason=reason)
                changed = [target]
            elif claim.conflicts and (made := await _claim_made_from(conn, cand)) is not None:
                # One sentence, several conflict candidates (it contradicts several claims): the
                # first accepted made its claim; each later one links that claim, never a second.
                linked = [c for c in claim.conflicts if c != made and await claim_exists(conn, c)]
                reason = accepted_reason(item_id, "conflicts", cand.source_id, linked)
                await close_item(conn, item_id, "accepted", by, at, reason)
                await conn.executemany(
                    "INSERT INTO conflicts (claim_id, other_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [pair for other in linked for pair in ((made, other), (other, made))],
                )
                text_row = await conn.fetchone("SELECT text FROM claims WHERE id = ?", (made,))
                entry = await insert_action(
                    conn, made, "add", by, at, text=text_row[0] if text_row else None, reason=reason
                )
                target = made
                changed = [made, *linked]
            else:
                if not claim.conflicts and (made := await _claim_made_from(conn, cand)) is not None:
                    # A sentence already made a claim: a second claim of it would repeat the first.
                    raise BadInput(messages.sentence_already_claimed(made))
                claim = claim.model_copy(update={"id": await _free_id(conn, claim.id)})
                linked = [c for c in claim.conflicts if await claim_exists(conn, c)]
                claim = claim.model_copy(update={"conflicts": linked})
                reason = accepted_reason(item_id, "conflicts" if linked else "new", cand.source_id, linked)
                await close_item(conn, item_id, "accepted", by, at, reason)
                await write_claims(conn, [claim], at)
                # After the curated file's positions, like a supporting quote: a later curated
                # entry for this claim (folded from `export-claims`) never collides with it.
                await conn.execute(
                    "UPDATE quotes SET item_id = ?, position = ? + position WHERE claim_id = ?",
                    (item_id, ACCEPTED_POSITION + item_id, claim.id),
                )
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
                # Links to the claims candidates created (not to curated claims that only gained a
                # quote: their curated links need no export).
                "UNION SELECT claim_id FROM conflicts WHERE other_id IN "
                "(SELECT accepted_claim_id FROM candidates c JOIN claims ON claims.id = c.accepted_claim_id "
                "WHERE claims.origin = 'moderator') "
                "ORDER BY 1"
            )
        return [r[0] for r in rows]


_AS = {"new": "a new claim", "supports": "a supporting quote", "conflicts": "a claim conflicting with "}
# Written by `accepted_reason` alone; anchored, one pass (ids are slugs, lists comma-separated).
_ACCEPTED = re.compile(
    r"accepted ingest candidate #\d+ as (?:(a new claim)|(a supporting quote)|a claim conflicting with "
    r"([a-z0-9-]+(?:, [a-z0-9-]+)*)) \(source "
)


def accepted_reason(item_id: int, how: str, source_id: str, linked: Sequence[str] = ()) -> str:
    """The reason of the 'add' history row an accepted candidate writes: which item, how it
    was accepted (a new claim, a supporting quote, a claim conflicting with others) and from
    which source. `accepted_as` reads it back."""
    what = _AS[how] + (", ".join(linked) if how == "conflicts" else "")
    return f"accepted ingest candidate #{item_id} as {what} (source {source_id})"


def accepted_as(reason: str | None) -> tuple[str, list[str]] | None:
    """How an 'add' history row's candidate was accepted ("new", "supports" or "conflicts",
    with the claims it conflicts with), or None when the row is not an accepted candidate."""
    found = _ACCEPTED.match(reason or "")
    if found is None:
        return None
    if found.group(1):
        return "new", []
    if found.group(2):
        return "supports", []
    return "conflicts", found.group(3).split(", ")


async def _verify(conn: Conn, quote: Quote) -> None:
    """The quote must still be verbatim at its offsets in the stored text, off boilerplate and footnotes."""
    row = await conn.fetchone("SELECT body FROM sources WHERE id = ?", (quote.source_id,))
    if row is None or row[0] is None:
        raise BadInput(messages.article_not_stored(quote.source_id))
    seed = Seed(Source(id=quote.source_id), read_article(quote.source_id, row[0]))
    problems = quote_problems("candidate", quote, {quote.source_id: seed})
    if problems:
        raise BadInput(messages.quote_no_longer_checks_out(problems[0]))


async def _claim_made_from(conn: Conn, cand: Candidate) -> str | None:
    """The claim an earlier accept made of the same sentence (as a new claim or a conflict,
    not a supporting quote of another claim), while it exists; None when there is none."""
    rows = await conn.fetchall(
        "SELECT c.item_id, c.accepted_claim_id, h.reason FROM candidates c "
        "JOIN corrections h ON h.claim_id = c.accepted_claim_id AND h.action = 'add' "
        "WHERE c.source_id = ? AND c.quote_start = ? AND c.quote_end = ? AND c.item_id <> ? "
        "AND c.accepted_claim_id IS NOT NULL ORDER BY c.item_id, h.id",
        (cand.source_id, cand.quote.start, cand.quote.end, cand.item_id),
    )
    for item_id, claim_id, reason in rows:
        how = accepted_as(reason)
        made = (
            how is not None
            and how[0] != "supports"
            and str(reason).startswith(f"accepted ingest candidate #{item_id} ")
        )
        if made and await claim_exists(conn, claim_id):
            return str(claim_id)
    return None


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

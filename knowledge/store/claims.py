"""Claims, quotes, sources and the content version: their SQL, in one place.

The content version is one monotonic number in the database. Every change to
what can be answered bumps it in the same transaction as the change and stamps
the claims it touched (`claims.changed_in`) or records their removal
(`claim_removals`), so any process can bring its index up to date with two
small reads: what changed since the version it holds, and what left.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime

from knowledge.history import derive_state
from knowledge.models import Claim, ClaimState, HistoryEntry, Quote, Source
from knowledge.store.claim_rows import claim_digest, write_claims, write_conflicts
from knowledge.store.columns import Columns
from knowledge.store.connection import Conn, Database, fetchval
from knowledge.store.content_version import Changes, bump_version, lock_content
from knowledge.store.moderation import select_history

_SOURCE = Columns("id, outlet, title, date, url, dateline, opening, origin")
# Converted by hand in `load_states`, which shares repeated strings between claims.
_CLAIM = Columns("id, text, topic, entities, said_by, importance, keywords, origin, source_url, in_curated")


@dataclass(frozen=True)
class SyncResult:
    written: int
    flagged: int
    removed: int
    version: int


class ClaimStore:
    """Reads and curated writes of claims and sources."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ---- meta and version ------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        """Read-only."""
        async with self._db.reading() as conn:
            return await fetchval(conn, "SELECT value FROM meta WHERE key = ?", (key,))

    async def content_version(self) -> int:
        """Read-only: the one number every process compares before answering."""
        async with self._db.reading(snapshot=False) as conn:
            return int(await fetchval(conn, "SELECT version FROM content_version WHERE id = 1", default=0))

    async def count(self) -> int:
        """Read-only: how many claims the store holds (retracted ones included)."""
        async with self._db.reading() as conn:
            return int(await fetchval(conn, "SELECT count(*) FROM claims", default=0))

    async def moderated_ids(self) -> set[str]:
        """Read-only: the claims with any moderation history: the only ones whose status
        can be other than active (an index snapshot's statuses are checked against them)."""
        async with self._db.reading() as conn:
            return {r[0] for r in await conn.fetchall("SELECT DISTINCT claim_id FROM corrections")}

    async def changes_since(self, version: int) -> Changes:
        """Read-only: claims changed or removed after `version`, from one snapshot."""
        async with self._db.reading() as conn:
            now = int(await fetchval(conn, "SELECT version FROM content_version WHERE id = 1", default=0))
            changed = [r[0] for r in await conn.fetchall("SELECT id FROM claims WHERE changed_in > ?", (version,))]
            removed = [
                r[0]
                for r in await conn.fetchall("SELECT claim_id FROM claim_removals WHERE removed_in > ?", (version,))
            ]
        return Changes(now, sorted(changed), sorted(removed))

    # ---- curated sync ------------------------------------------------------------

    async def sync_curated(
        self,
        sources: Iterable[tuple[Source, str]],
        claims: list[Claim],
        *,
        digest: str,
        curated_version: int,
        now: datetime,
    ) -> SyncResult:
        """Writes: bring the curated claims and sources in line with the file, in one transaction.

        Only claims whose content differs are rewritten, and only they (plus
        removed ones) are stamped with the new content version. Moderator-added
        claims and every history row are kept. A curated claim that left the
        file but has history stays, flagged `in_curated = 0`; one without any
        history is removed.
        """
        async with self._db.transaction() as conn:
            # Two processes starting at once must not both decide what is dirty.
            await lock_content(conn)
            for source, sha in sources:
                await conn.execute(
                    # `origin` only on insert: an ingested article folded into seeds/ keeps its row as it is.
                    "INSERT INTO sources (id, outlet, title, date, url, dateline, sha256, opening, origin) "
                    "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET outlet=excluded.outlet, "
                    "title=excluded.title, date=excluded.date, url=excluded.url, dateline=excluded.dateline, "
                    "sha256=excluded.sha256, opening=excluded.opening",
                    (
                        source.id,
                        source.outlet,
                        source.title,
                        source.date,
                        source.url,
                        source.dateline,
                        sha,
                        source.opening,
                        source.origin,
                    ),
                )
            rows = await conn.fetchall("SELECT id, digest, in_curated, origin FROM claims")
            stored = {r[0]: (r[1], bool(r[2])) for r in rows}
            old = {r[0]: bool(r[2]) for r in rows if r[3] == "curated"}
            with_history = {r[0] for r in await conn.fetchall("SELECT DISTINCT claim_id FROM corrections")}
            new_ids = {c.id for c in claims}
            gone = set(old) - new_ids
            flagged = sorted(i for i in gone & with_history if old[i])
            deleted = sorted(gone - with_history)
            changed = [c for c in claims if stored.get(c.id) != (claim_digest(c), True)]
            # A claim the file now states exactly as the database already serves it (folded in
            # from `talksbot export-claims`: accepted quotes and links included) is adopted:
            # only its digest is recorded, nothing is rewritten and the content version stays.
            served = await _served_claims(conn, [c.id for c in changed if c.id in stored and stored[c.id][1]])
            adopted = [c for c in changed if c.id in served and _same_content(c, served[c.id])]
            dirty = [c for c in changed if not (c.id in served and _same_content(c, served[c.id]))]
            await conn.executemany(
                "UPDATE claims SET digest = ? WHERE id = ?", [(claim_digest(c), c.id) for c in adopted]
            )
            await conn.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in deleted])
            await conn.executemany("UPDATE claims SET in_curated = 0 WHERE id = ?", [(i,) for i in flagged])
            await write_claims(conn, dirty, now)
            await write_conflicts(conn, dirty)
            for key, value in (("curated_digest", digest), ("curated_version", str(curated_version))):
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
            version = await fetchval(conn, "SELECT version FROM content_version WHERE id = 1", default=0)
            if dirty or flagged or deleted:
                version = await bump_version(conn, [c.id for c in dirty] + flagged, deleted)
        return SyncResult(len(dirty), len(flagged), len(deleted), int(version))

    # ---- reads -------------------------------------------------------------------

    async def list_sources(self) -> list[Source]:
        """Read-only."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(f"SELECT {_SOURCE.select} FROM sources ORDER BY id")
        return [Source(**_SOURCE.read(r)) for r in rows]

    async def conflict_pairs(self) -> list[tuple[str, str]]:
        """Read-only: every pair of claims linked as disagreeing, each once (lower id first), sorted.

        The links alone: a digest shows where sources disagree without loading the claims.
        """
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                "SELECT DISTINCT CASE WHEN claim_id < other_id THEN claim_id ELSE other_id END, "
                "CASE WHEN claim_id < other_id THEN other_id ELSE claim_id END FROM conflicts ORDER BY 1, 2"
            )
        return [(r[0], r[1]) for r in rows]

    async def claim_ids(self) -> list[str]:
        """Read-only: every claim id, sorted."""
        async with self._db.reading() as conn:
            return [r[0] for r in await conn.fetchall("SELECT id FROM claims ORDER BY id")]

    async def get_state(self, claim_id: str) -> ClaimState | None:
        """Read-only: one claim with its derived status, or None."""
        states = await self.load_states([claim_id])
        return states[0] if states else None

    async def state_pages(self, size: int) -> AsyncIterator[list[ClaimState]]:
        """Read-only: every claim, in `load_states` order, `size` at a time.

        For a caller that processes the whole store (building the index) and
        must not hold 120,000 claims at once. Each page is read on its own:
        a claim changed meanwhile shows its old or new state, so read the
        content version before the first page and apply what changed since.
        """
        async with self._db.reading() as conn:
            ids = [r[0] for r in await conn.fetchall("SELECT id FROM claims ORDER BY created_at, id")]
        for at in range(0, len(ids), size):
            yield await self.load_states(ids[at : at + size])

    async def load_states(self, claim_ids: list[str] | None = None) -> list[ClaimState]:
        """Read-only: every claim (or the given ones) with its status derived from its history.

        Rows were validated when they were written, so models are built with
        `model_construct` (no second validation), sharing one fields-set per
        model and one copy of each repeated short string (topic, names, source
        ids): a store of 150,000 claims then fits the memory target.
        """
        if claim_ids is not None and len(claim_ids) > _IDS_PER_QUERY:
            # Both backends cap bound parameters (PostgreSQL at 32,767); a
            # curated reload at scale can change more claims than that.
            chunks = [claim_ids[i : i + _IDS_PER_QUERY] for i in range(0, len(claim_ids), _IDS_PER_QUERY)]
            return [state for chunk in chunks for state in await self.load_states(chunk)]
        where, args = "", tuple[str, ...]()
        if claim_ids is not None:
            if not claim_ids:
                return []
            marks = ",".join("?" * len(claim_ids))
            where, args = f" WHERE {{col}} IN ({marks})", tuple(claim_ids)
        shared: dict[str, str] = {}
        states: list[ClaimState] = []
        async with self._db.reading() as conn:
            quotes: dict[str, list[Quote]] = defaultdict(list)
            # Short rows are unpacked by name right under their SELECT; the claim row goes through _CLAIM.
            async for claim_id, source_id, start, end, text in conn.iterate(
                f'SELECT claim_id, source_id, start, "end", quote FROM quotes{where.format(col="claim_id")} '
                "ORDER BY claim_id, position",
                args,
            ):
                quotes[claim_id].append(
                    Quote.model_construct(
                        _QUOTE_FIELDS,
                        source_id=shared.setdefault(source_id, source_id),
                        start=start,
                        end=end,
                        quote=text,
                    )
                )
            conflicts: dict[str, list[str]] = defaultdict(list)
            async for claim_id, other_id in conn.iterate(
                f"SELECT claim_id, other_id FROM conflicts{where.format(col='claim_id')} ORDER BY other_id", args
            ):
                conflicts[claim_id].append(other_id)
            taught: dict[str, list[str]] = defaultdict(list)
            live = where.format(col="claim_id").replace(" WHERE ", " AND ") if where else ""
            async for claim_id, phrasing in conn.iterate(
                f"SELECT claim_id, phrasing FROM taught_phrasings WHERE undone_at IS NULL{live} ORDER BY id", args
            ):
                taught[claim_id].append(phrasing)
            history: dict[str, list[HistoryEntry]] = defaultdict(list)
            for entry in await select_history(conn, where.format(col="claim_id"), args):
                history[entry.claim_id].append(entry)
            async for row in conn.iterate(
                f"SELECT {_CLAIM.select} FROM claims{where.format(col='id')} ORDER BY created_at, id", args
            ):
                r = _CLAIM.read(row)
                claim_id, said_by = r["id"], r["said_by"]
                claim = Claim.model_construct(
                    _CLAIM_FIELDS,
                    id=claim_id,
                    text=r["text"],
                    topic=shared.setdefault(r["topic"], r["topic"]),
                    entities=[shared.setdefault(e, e) for e in json.loads(r["entities"])],
                    said_by=said_by if said_by is None else shared.setdefault(said_by, said_by),
                    importance=r["importance"],
                    keywords=[shared.setdefault(k, k) for k in json.loads(r["keywords"])],
                    conflicts=conflicts.pop(claim_id, []),
                    quotes=quotes.pop(claim_id, []),
                    origin=shared.setdefault(r["origin"], r["origin"]),
                    source_url=r["source_url"],
                )
                in_curated = bool(r["in_curated"])
                entries = history.get(claim_id)
                if entries:
                    state = derive_state(claim, entries, in_curated=in_curated)
                    state.taught = taught.pop(claim_id, [])
                    states.append(state)
                else:  # what derive_state returns for an empty history
                    states.append(
                        ClaimState.model_construct(
                            _STATE_FIELDS,
                            claim=claim,
                            status="active",
                            correction=None,
                            retraction_reason=None,
                            in_curated=in_curated,
                            taught=taught.pop(claim_id, []),
                        )
                    )
        return states


_IDS_PER_QUERY = 10_000


async def _served_claims(conn: Conn, claim_ids: list[str]) -> dict[str, Claim]:
    """Inside a transaction: these claims as the database serves them, quotes (accepted ones
    included, in order) and conflict links with them."""
    found: dict[str, Claim] = {}
    for at in range(0, len(claim_ids), _IDS_PER_QUERY):
        chunk = claim_ids[at : at + _IDS_PER_QUERY]
        marks, args = ",".join("?" * len(chunk)), tuple(chunk)
        quotes: dict[str, list[Quote]] = defaultdict(list)
        for claim_id, source_id, start, end, text in await conn.fetchall(
            f'SELECT claim_id, source_id, start, "end", quote FROM quotes WHERE claim_id IN ({marks}) '
            "ORDER BY claim_id, position",
            args,
        ):
            quotes[claim_id].append(Quote(source_id=source_id, start=start, end=end, quote=text))
        conflicts: dict[str, list[str]] = defaultdict(list)
        for claim_id, other_id in await conn.fetchall(
            f"SELECT claim_id, other_id FROM conflicts WHERE claim_id IN ({marks}) ORDER BY other_id", args
        ):
            conflicts[claim_id].append(other_id)
        for row in await conn.fetchall(f"SELECT {_CLAIM.select} FROM claims WHERE id IN ({marks})", args):
            r = _CLAIM.read(row)
            found[r["id"]] = Claim(
                id=r["id"],
                text=r["text"],
                topic=r["topic"],
                entities=json.loads(r["entities"]),
                said_by=r["said_by"],
                importance=r["importance"],
                keywords=json.loads(r["keywords"]),
                conflicts=conflicts.get(r["id"], []),
                quotes=quotes.get(r["id"], []),
                origin=r["origin"],
                source_url=r["source_url"],
            )
    return found


def _same_content(a: Claim, b: Claim) -> bool:
    """Whether two claims would be served alike: every field, quotes in order, links as a set."""
    return a.model_copy(update={"conflicts": sorted(set(a.conflicts))}) == b.model_copy(
        update={"conflicts": sorted(set(b.conflicts))}
    )


# One fields-set per model for `model_construct` (every field is set, so
# assigning a field later adds nothing to it; Quote is frozen).
_CLAIM_FIELDS = set(Claim.model_fields)
_QUOTE_FIELDS = set(Quote.model_fields)
_STATE_FIELDS = set(ClaimState.model_fields)

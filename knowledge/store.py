"""The claim store: all SQL lives here; callers get models, never rows.

Every method that writes says so in its docstring and runs in one
transaction; read methods are read-only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiosqlite

from knowledge.database import Transactions, connect
from knowledge.errors import BadInput, NotFound
from knowledge.history import derive_state
from knowledge.models import (
    Action,
    Claim,
    ClaimState,
    DigestRun,
    HistoryEntry,
    Moderator,
    Quote,
    Source,
    Subscription,
)


class Store:
    """A talksbot SQLite database. Create with `async with Store.open(path) as store`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._tx = Transactions(conn)
        self.path = path

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path, *, create: bool = True) -> AsyncIterator[Store]:
        """Open (migrating if needed) the database at `path`; with `create`, build a missing one."""
        conn = await connect(path, create=create)
        try:
            yield cls(conn, path)
        finally:
            await conn.close()

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolls back and re-raises on any error."""
        return self._tx.transaction()

    # ---- meta ---------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        async with self._tx.reading() as db, db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def change_marker(self) -> tuple[int, int]:
        """(last correction id, claim count): moves when claims or corrections change."""
        async with self._tx.reading() as db:
            async with db.execute("SELECT coalesce(max(id), 0) FROM corrections") as cur:
                row = await cur.fetchone()
            async with db.execute("SELECT count(*) FROM claims") as cur:
                row2 = await cur.fetchone()
        return (int(row[0]) if row else 0, int(row2[0]) if row2 else 0)

    # ---- building from the curated file --------------------------------------

    async def sync_curated(
        self,
        sources: Iterable[tuple[Source, str]],
        claims: list[Claim],
        digest: str,
        now: datetime,
    ) -> tuple[int, int]:
        """Writes: replace the curated claims and sources in one transaction.

        Moderator-added claims and every correction are kept. A curated claim
        that left the file but has corrections stays, flagged `in_curated = 0`;
        one without any history is removed. Returns (claims written, flagged).
        """
        async with self.transaction() as db:
            for source, sha in sources:
                await db.execute(
                    "INSERT INTO sources (id, outlet, title, date, url, dateline, sha256) VALUES (?,?,?,?,?,?,?) "
                    "ON CONFLICT(id) DO UPDATE SET outlet=excluded.outlet, title=excluded.title, date=excluded.date, "
                    "url=excluded.url, dateline=excluded.dateline, sha256=excluded.sha256",
                    (source.id, source.outlet, source.title, source.date, source.url, source.dateline, sha),
                )
            new_ids = {c.id for c in claims}
            async with db.execute("SELECT id FROM claims WHERE origin = 'curated'") as cur:
                old_ids = {r[0] async for r in cur}
            async with db.execute("SELECT DISTINCT claim_id FROM corrections") as cur:
                with_history = {r[0] async for r in cur}
            gone = old_ids - new_ids
            flagged = gone & with_history
            await db.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in gone - with_history])
            await db.executemany("UPDATE claims SET in_curated = 0 WHERE id = ?", [(i,) for i in flagged])
            await db.execute("DELETE FROM conflicts WHERE claim_id IN (SELECT id FROM claims WHERE origin = 'curated')")
            await self._write_claims(db, claims, now)
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ('curated_digest', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (digest,),
            )
        return len(claims), len(flagged)

    async def _write_claims(self, db: aiosqlite.Connection, claims: list[Claim], now: datetime) -> None:
        stamp = now.isoformat()
        await db.executemany(
            "INSERT INTO claims (id, text, topic, entities, said_by, importance, keywords, origin, source_url, "
            "in_curated, created_at) VALUES (?,?,?,?,?,?,?,?,?,1,?) ON CONFLICT(id) DO UPDATE SET "
            "text=excluded.text, topic=excluded.topic, entities=excluded.entities, said_by=excluded.said_by, "
            "importance=excluded.importance, keywords=excluded.keywords, origin=excluded.origin, "
            "source_url=excluded.source_url, in_curated=1",
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
                )
                for c in claims
            ],
        )
        await db.executemany("DELETE FROM quotes WHERE claim_id = ?", [(c.id,) for c in claims])
        await db.executemany(
            "INSERT INTO quotes (claim_id, position, source_id, start, end, quote) VALUES (?,?,?,?,?,?)",
            [(c.id, i, q.source_id, q.start, q.end, q.quote) for c in claims for i, q in enumerate(c.quotes)],
        )
        await db.executemany(
            "INSERT OR IGNORE INTO conflicts (claim_id, other_id) VALUES (?, ?)",
            [(c.id, o) for c in claims for o in c.conflicts],
        )

    # ---- reading claims ------------------------------------------------------

    async def list_sources(self) -> list[Source]:
        async with (
            self._tx.reading() as db,
            db.execute("SELECT id, outlet, title, date, url, dateline FROM sources ORDER BY id") as cur,
        ):
            return [Source(id=r[0], outlet=r[1], title=r[2], date=r[3], url=r[4], dateline=r[5]) async for r in cur]

    async def load_states(self, claim_ids: list[str] | None = None) -> list[ClaimState]:
        """Every claim (or the given ones) with its status derived from its history.

        Rows were validated when they were written, so models are built with
        `model_construct` (no second validation), sharing one fields-set per
        model and one copy of each repeated short string (topic, names, source
        ids): a store of 150,000 claims then fits the memory target. The
        values are exactly those validation would produce.
        """
        where, args = "", tuple[str, ...]()
        if claim_ids is not None:
            if not claim_ids:
                return []
            marks = ",".join("?" * len(claim_ids))
            where, args = f" WHERE c.id IN ({marks})", tuple(claim_ids)
        shared: dict[str, str] = {}
        states: list[ClaimState] = []
        async with self._tx.reading() as db:
            quotes: dict[str, list[Quote]] = defaultdict(list)
            async with db.execute(
                f"SELECT q.claim_id, q.source_id, q.start, q.end, q.quote FROM quotes q "
                f"{where.replace('c.id', 'q.claim_id')} ORDER BY q.claim_id, q.position",
                args,
            ) as cur:
                async for r in cur:
                    quotes[r[0]].append(
                        Quote.model_construct(
                            _QUOTE_FIELDS, source_id=shared.setdefault(r[1], r[1]), start=r[2], end=r[3], quote=r[4]
                        )
                    )
            conflicts: dict[str, list[str]] = defaultdict(list)
            async with db.execute(
                f"SELECT claim_id, other_id FROM conflicts {where.replace('c.id', 'claim_id')} ORDER BY other_id",
                args,
            ) as cur:
                async for r in cur:
                    conflicts[r[0]].append(r[1])
            history = await self._history_rows(db, where.replace("c.id", "claim_id"), args)
            async with db.execute(
                "SELECT c.id, c.text, c.topic, c.entities, c.said_by, c.importance, c.keywords, c.origin, "
                f"c.source_url, c.in_curated FROM claims c{where} ORDER BY c.rowid",
                args,
            ) as cur:
                async for r in cur:
                    claim = Claim.model_construct(
                        _CLAIM_FIELDS,
                        id=r[0],
                        text=r[1],
                        topic=shared.setdefault(r[2], r[2]),
                        entities=[shared.setdefault(e, e) for e in json.loads(r[3])],
                        said_by=r[4] if r[4] is None else shared.setdefault(r[4], r[4]),
                        importance=r[5],
                        keywords=[shared.setdefault(k, k) for k in json.loads(r[6])],
                        conflicts=conflicts.pop(r[0], []),
                        quotes=quotes.pop(r[0], []),
                        origin=shared.setdefault(r[7], r[7]),
                        source_url=r[8],
                    )
                    entries = history.get(r[0])
                    if entries:
                        states.append(derive_state(claim, entries, in_curated=bool(r[9])))
                    else:  # what derive_state returns for an empty history
                        states.append(
                            ClaimState.model_construct(
                                _STATE_FIELDS,
                                claim=claim,
                                status="active",
                                correction=None,
                                retraction_reason=None,
                                in_curated=bool(r[9]),
                            )
                        )
        return states

    async def get_state(self, claim_id: str) -> ClaimState:
        states = await self.load_states([claim_id])
        if not states:
            raise NotFound(f"There is no claim with id “{claim_id}”.")
        return states[0]

    async def claim_ids(self) -> list[str]:
        async with self._tx.reading() as db, db.execute("SELECT id FROM claims ORDER BY id") as cur:
            return [r[0] async for r in cur]

    # ---- corrections (append-only) ------------------------------------------

    async def _history_rows(
        self, db: aiosqlite.Connection, where: str, args: tuple[str, ...]
    ) -> dict[str, list[HistoryEntry]]:
        out: dict[str, list[HistoryEntry]] = defaultdict(list)
        for entry in await _select_history(db, where, args):
            out[entry.claim_id].append(entry)
        return out

    async def history(self, claim_id: str) -> list[HistoryEntry]:
        """A claim's moderation history, oldest first. Raises NotFound for unknown ids."""
        await self.get_state(claim_id)
        async with self._tx.reading() as db:
            rows = await self._history_rows(db, "WHERE claim_id = ?", (claim_id,))
        return rows.get(claim_id, [])

    async def history_since(self, since: datetime) -> list[HistoryEntry]:
        """Every moderator action at or after `since`, oldest first."""
        async with self._tx.reading() as db:
            return await _select_history(db, "WHERE at >= ?", (since.isoformat(),))

    async def append_action(
        self,
        claim_id: str,
        action: Action,
        by: Moderator,
        at: datetime,
        *,
        text: str | None = None,
        reason: str | None = None,
        url: str | None = None,
        allowed_from: tuple[str, ...] | None = None,
    ) -> HistoryEntry:
        """Writes one history row. The claim's current status is re-checked inside
        the transaction (`allowed_from`), so two racing moderators cannot both
        restore or retract from a state that no longer holds."""
        async with self.transaction() as db:
            async with db.execute("SELECT 1 FROM claims WHERE id = ?", (claim_id,)) as cur:
                if await cur.fetchone() is None:
                    raise NotFound(f"There is no claim with id “{claim_id}”.")
            if allowed_from is not None:
                rows = await self._history_rows(db, "WHERE claim_id = ?", (claim_id,))
                status = derive_state(_placeholder(claim_id), rows.get(claim_id, [])).status
                if status not in allowed_from:
                    raise BadInput(f"Claim “{claim_id}” is {status}; nothing to {action}.")
            return await self._insert_action(db, claim_id, action, by, at, text, reason, url)

    async def _insert_action(
        self,
        db: aiosqlite.Connection,
        claim_id: str,
        action: Action,
        by: Moderator,
        at: datetime,
        text: str | None,
        reason: str | None,
        url: str | None,
    ) -> HistoryEntry:
        async with db.execute(
            "INSERT INTO corrections (claim_id, action, text, reason, url, by_platform, by_user_id, by_name, at) "
            "VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            (claim_id, action, text, reason, url, by.platform, by.user_id, by.name, at.isoformat()),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return HistoryEntry(
            id=row[0], claim_id=claim_id, action=action, text=text, reason=reason, url=url, by=by, at=at
        )

    async def add_claim(self, claim: Claim, by: Moderator, at: datetime, reason: str) -> HistoryEntry:
        """Writes the new claim, its quotes and its 'add' history row in one transaction."""
        async with self.transaction() as db:
            async with db.execute("SELECT 1 FROM claims WHERE id = ?", (claim.id,)) as cur:
                if await cur.fetchone() is not None:
                    raise BadInput(f"A claim with id “{claim.id}” already exists.")
            await self._write_claims(db, [claim], at)
            return await self._insert_action(db, claim.id, "add", by, at, claim.text, reason, claim.source_url)

    # ---- question log and feedback --------------------------------------------

    async def log_question(
        self, question: str, platform: str, answered: bool, top_claim_id: str | None, at: datetime
    ) -> int:
        """Writes one question-log row and returns its id."""
        async with (
            self.transaction() as db,
            db.execute(
                "INSERT INTO question_log (asked_at, platform, question, answered, top_claim_id) "
                "VALUES (?,?,?,?,?) RETURNING id",
                (at.isoformat(), platform, question, int(answered), top_claim_id),
            ) as cur,
        ):
            row = await cur.fetchone()
        assert row is not None
        return int(row[0])

    async def question_stats(self, since: datetime, limit: int = 5) -> tuple[list[tuple[str, int]], int, int]:
        """(most-asked questions with counts, total asked, unanswered) since `since`."""
        async with self._tx.reading() as db:
            async with db.execute(
                "SELECT lower(trim(question)) AS q, count(*) AS n FROM question_log WHERE asked_at >= ? "
                "GROUP BY q ORDER BY n DESC, max(id) DESC LIMIT ?",
                (since.isoformat(), limit),
            ) as cur:
                top = [(r[0], int(r[1])) async for r in cur]
            async with db.execute(
                "SELECT count(*), coalesce(sum(answered = 0), 0) FROM question_log WHERE asked_at >= ?",
                (since.isoformat(),),
            ) as cur:
                row = await cur.fetchone()
        total, unanswered = (int(row[0]), int(row[1])) if row else (0, 0)
        return top, total, unanswered

    async def record_feedback(
        self, platform: str, user_id: str, question_id: int | None, claim_id: str, verdict: str, at: datetime
    ) -> None:
        """Writes (or replaces) one user's verdict on one answer."""
        if verdict not in ("helpful", "wrong"):
            raise BadInput("Feedback must be “helpful” or “wrong”.")
        async with self.transaction() as db:
            if question_id is not None:
                async with db.execute("SELECT 1 FROM question_log WHERE id = ?", (question_id,)) as cur:
                    if await cur.fetchone() is None:
                        question_id = None
            await db.execute(
                "INSERT INTO feedback (at, platform, user_id, question_id, claim_id, verdict) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(platform, user_id, question_id, claim_id) DO UPDATE SET verdict = excluded.verdict, "
                "at = excluded.at",
                (at.isoformat(), platform, user_id, question_id, claim_id, verdict),
            )

    async def feedback_since(self, since: datetime) -> list[tuple[str, str, int]]:
        """(claim id, verdict, count) for feedback given since `since`."""
        async with (
            self._tx.reading() as db,
            db.execute(
                "SELECT claim_id, verdict, count(*) FROM feedback WHERE at >= ? GROUP BY claim_id, verdict "
                "ORDER BY count(*) DESC, claim_id",
                (since.isoformat(),),
            ) as cur,
        ):
            return [(r[0], r[1], int(r[2])) async for r in cur]

    # ---- digest subscriptions and runs -----------------------------------------

    async def upsert_subscription(self, sub: Subscription) -> None:
        """Writes: subscribe a channel, or change its time and timezone."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO digest_subscriptions (platform, channel_id, post_time, timezone, created_by, created_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(platform, channel_id) DO UPDATE SET post_time = excluded.post_time, "
                "timezone = excluded.timezone, created_by = excluded.created_by",
                (sub.platform, sub.channel_id, sub.post_time, sub.timezone, sub.created_by, sub.created_at.isoformat()),
            )

    async def remove_subscription(self, platform: str, channel_id: str) -> bool:
        """Writes: unsubscribe; returns False when the channel was not subscribed."""
        async with (
            self.transaction() as db,
            db.execute(
                "DELETE FROM digest_subscriptions WHERE platform = ? AND channel_id = ?", (platform, channel_id)
            ) as cur,
        ):
            return cur.rowcount > 0

    async def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        sql = "SELECT platform, channel_id, post_time, timezone, created_by, created_at FROM digest_subscriptions"
        args: tuple[str, ...] = ()
        if platform is not None:
            sql, args = sql + " WHERE platform = ?", (platform,)
        async with self._tx.reading() as db, db.execute(sql + " ORDER BY platform, channel_id", args) as cur:
            return [_subscription(r) async for r in cur]

    async def claim_digest_run(
        self,
        platform: str,
        channel_id: str,
        local_date: str,
        worker: str,
        now: datetime,
        lease_expired_before: datetime,
    ) -> DigestRun | None:
        """Writes: claim today's run for a channel, or return None if it is taken.

        The primary key (platform, channel, local date) makes the claim unique
        across processes. A run still 'claimed' after its lease (its poster
        crashed) may be claimed again; 'posted' and 'failed' runs are final.
        """
        async with self.transaction() as db:
            async with db.execute(
                "SELECT status, claimed_at FROM digest_runs WHERE platform = ? AND channel_id = ? AND local_date = ?",
                (platform, channel_id, local_date),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                await db.execute(
                    "INSERT INTO digest_runs (platform, channel_id, local_date, claimed_at, claimed_by, status) "
                    "VALUES (?,?,?,?,?, 'claimed')",
                    (platform, channel_id, local_date, now.isoformat(), worker),
                )
            elif row[0] == "claimed" and datetime.fromisoformat(row[1]) < lease_expired_before:
                await db.execute(
                    "UPDATE digest_runs SET claimed_at = ?, claimed_by = ? "
                    "WHERE platform = ? AND channel_id = ? AND local_date = ?",
                    (now.isoformat(), worker, platform, channel_id, local_date),
                )
            else:
                return None
            async with db.execute(
                "SELECT max(posted_at) FROM digest_runs WHERE platform = ? AND channel_id = ? AND status = 'posted'",
                (platform, channel_id),
            ) as cur:
                last = await cur.fetchone()
        since = datetime.fromisoformat(last[0]) if last and last[0] else None
        return DigestRun(
            platform=platform, channel_id=channel_id, local_date=local_date, claimed_by=worker, since=since
        )

    async def record_digest_attempt(
        self, run: DigestRun, *, ok: bool, final: bool, error: str | None, now: datetime, period_start: datetime
    ) -> None:
        """Writes: one posting attempt's outcome (posted, retrying, or failed for good)."""
        status = "posted" if ok else ("failed" if final else "claimed")
        async with self.transaction() as db:
            await db.execute(
                "UPDATE digest_runs SET attempts = attempts + 1, status = ?, last_error = ?, "
                "posted_at = CASE WHEN ? THEN ? ELSE posted_at END, period_start = ?, claimed_at = ? "
                "WHERE platform = ? AND channel_id = ? AND local_date = ?",
                (
                    status,
                    error,
                    int(ok),
                    now.isoformat(),
                    period_start.isoformat(),
                    now.isoformat(),
                    run.platform,
                    run.channel_id,
                    run.local_date,
                ),
            )

    async def digest_runs(self, platform: str, channel_id: str) -> list[tuple[str, str, int]]:
        """(local date, status, attempts) of a channel's runs, oldest first."""
        async with (
            self._tx.reading() as db,
            db.execute(
                "SELECT local_date, status, attempts FROM digest_runs WHERE platform = ? AND channel_id = ? "
                "ORDER BY local_date",
                (platform, channel_id),
            ) as cur,
        ):
            return [(r[0], r[1], int(r[2])) async for r in cur]

    async def claims_changed_since(self, correction_id: int) -> list[str]:
        """Ids of claims with history rows newer than `correction_id`."""
        async with (
            self._tx.reading() as db,
            db.execute(
                "SELECT DISTINCT claim_id FROM corrections WHERE id > ? ORDER BY claim_id", (correction_id,)
            ) as cur,
        ):
            return [r[0] async for r in cur]


# One fields-set per model for `model_construct` (every field is set, so
# assigning a field later adds nothing to it; Quote is frozen).
_CLAIM_FIELDS = set(Claim.model_fields)
_QUOTE_FIELDS = set(Quote.model_fields)
_STATE_FIELDS = set(ClaimState.model_fields)


def _subscription(r: aiosqlite.Row) -> Subscription:
    return Subscription(
        platform=r[0],
        channel_id=r[1],
        post_time=r[2],
        timezone=r[3],
        created_by=r[4],
        created_at=datetime.fromisoformat(r[5]),
    )


async def _select_history(db: aiosqlite.Connection, where: str, args: tuple[str, ...]) -> list[HistoryEntry]:
    async with db.execute(
        "SELECT id, claim_id, action, text, reason, url, by_platform, by_user_id, by_name, at "
        f"FROM corrections {where} ORDER BY id",
        args,
    ) as cur:
        return [_history_entry(r) async for r in cur]


def _history_entry(r: aiosqlite.Row) -> HistoryEntry:
    return HistoryEntry(
        id=r[0],
        claim_id=r[1],
        action=r[2],
        text=r[3],
        reason=r[4],
        url=r[5],
        by=Moderator(platform=r[6], user_id=r[7], name=r[8]),
        at=datetime.fromisoformat(r[9]),
    )


def _placeholder(claim_id: str) -> Claim:
    return Claim(id=claim_id, text="", topic="")

"""The moderators' review queue and taught phrasings: their SQL, in one place.

Unanswered questions are grouped by their phrasing key (knowledge.answering.phrasing):
one open item per group, with a count and the communities that asked.
Teaching links an item's phrasing to a claim in the same transaction as its
history row and a content-version bump, so every process answers it next.
What readers add is counted by people (`queue_additions`), limited per person and
community per hour, and expires when nobody adds to it for a while.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from knowledge import messages
from knowledge.errors import BadInput, NotFound
from knowledge.models import HistoryEntry, Moderator, QueueItem, QueueKind, TaughtPhrasing
from knowledge.store.claim_rows import claim_exists
from knowledge.store.columns import Columns, from_json, timestamp
from knowledge.store.connection import Conn, Database, Row, fetchval
from knowledge.store.content_version import bump_version, lock_content
from knowledge.store.moderation import insert_action

_ITEM = Columns(
    "id, kind, text, claim_ids, suggestion_id, asked, communities, first_at, last_at, status, closed_by, close_reason",
    convert={"claim_ids": from_json, "communities": from_json, "first_at": timestamp, "last_at": timestamp},
)
_TAUGHT = Columns("id, claim_id, phrasing, group_key AS key")
_UNDOABLE = Columns("id, claim_id, phrasing, group_key AS key, item_id")
# What readers add on their own: questions nobody could answer and answers marked wrong.
# Only these are limited per person and community, counted by people, and expire.
READER_KINDS: tuple[QueueKind, ...] = ("unanswered", "wrong")
EXPIRED_BY = "talksbot (expiry)"


@dataclass(frozen=True)
class Contributor:
    """Who adds to a queue item: `person` is an opaque key (None when nobody is known, as
    on the CLI: then every addition counts), `community` a key of where they are."""

    person: str | None
    community: str


@dataclass(frozen=True)
class Limits:
    """At most `per_person` and `per_community` additions to the queue per `window`."""

    per_person: int
    per_community: int
    window: timedelta = timedelta(hours=1)


class QueueStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def note(
        self,
        kind: QueueKind,
        key: str,
        text: str,
        at: datetime,
        *,
        community: str | None = None,
        claim_ids: list[str] | None = None,
        suggestion_id: int | None = None,
        by: Contributor | None = None,
        limits: Limits | None = None,
    ) -> int | None:
        """Writes: add to the open item of this kind and key, or open one. Returns its id, or
        None when `by` is over `limits` (nothing is written then).

        `asked` counts people: a person already counted on the item adds nothing, however
        often they ask or press. The limits count a person's (and their community's)
        additions in the last window; an addition a person already made is free.
        """
        async with self._db.transaction() as conn:
            await lock_content(conn)  # PostgreSQL: two workers noting one group must not both insert
            row = await conn.fetchone(
                "SELECT id, communities, claim_ids FROM queue_items "
                "WHERE kind = ? AND group_key = ? AND status = 'open'",
                (kind, key),
            )
            if row is not None and by is not None and by.person is not None:
                counted = await conn.fetchone(
                    "SELECT 1 FROM queue_additions WHERE item_id = ? AND person = ?", (row[0], by.person)
                )
                if counted is not None:
                    return int(row[0])
            if (
                by is not None
                and limits is not None
                and by.person is not None
                and await _over_limits(conn, by, limits, at)
            ):
                return None
            if row is None:
                found = await conn.fetchone(
                    "INSERT INTO queue_items (kind, group_key, text, claim_ids, suggestion_id, asked, communities, "
                    "first_at, last_at) VALUES (?,?,?,?,?,1,?,?,?) RETURNING id",
                    (
                        kind,
                        key,
                        text,
                        json.dumps(sorted(set(claim_ids or []))),
                        suggestion_id,
                        json.dumps([community] if community else []),
                        at.isoformat(),
                        at.isoformat(),
                    ),
                )
                assert found is not None
                item_id = int(found[0])
            else:
                item_id = int(row[0])
                communities = json.loads(row[1])
                if community and community not in communities:
                    communities.append(community)
                shown = sorted(set(json.loads(row[2])) | set(claim_ids or []))
                await conn.execute(
                    "UPDATE queue_items SET asked = asked + 1, communities = ?, claim_ids = ?, last_at = ? "
                    "WHERE id = ?",
                    (json.dumps(communities), json.dumps(shown), at.isoformat(), item_id),
                )
            if by is not None:
                await conn.execute(
                    "INSERT INTO queue_additions (item_id, person, community, at) VALUES (?,?,?,?)",
                    (item_id, by.person, by.community, at.isoformat()),
                )
            return item_id

    async def expire(self, untouched_since: datetime, at: datetime) -> int:
        """Writes: close (as dismissed, by EXPIRED_BY) every open reader item nobody added to
        since `untouched_since`. Returns how many. One indexed statement."""
        async with self._db.transaction() as conn:
            marks = ",".join("?" * len(READER_KINDS))
            return await conn.execute(
                "UPDATE queue_items SET status = 'dismissed', closed_by = ?, closed_at = ?, close_reason = ? "
                f"WHERE status = 'open' AND kind IN ({marks}) AND last_at < ?",
                (
                    EXPIRED_BY,
                    at.isoformat(),
                    f"expired: nobody asked again since {untouched_since:%Y-%m-%d}",
                    *READER_KINDS,
                    untouched_since.isoformat(),
                ),
            )

    async def dismiss_many(
        self, kinds: tuple[QueueKind, ...], first: int, last: int, by: Moderator, at: datetime, reason: str
    ) -> tuple[int, int]:
        """Writes, in one transaction: dismiss every open item of `kinds` numbered `first`…`last`.
        Returns (dismissed, other open items in that range left alone)."""
        marks = ",".join("?" * len(kinds))
        async with self._db.transaction() as conn:
            await lock_content(conn)
            done = await conn.execute(
                "UPDATE queue_items SET status = 'dismissed', closed_by = ?, closed_at = ?, close_reason = ? "
                f"WHERE status = 'open' AND kind IN ({marks}) AND id BETWEEN ? AND ?",
                (by.name, at.isoformat(), reason, *kinds, first, last),
            )
            left = await fetchval(
                conn,
                "SELECT count(*) FROM queue_items WHERE status = 'open' AND id BETWEEN ? AND ?",
                (first, last),
                default=0,
            )
        return done, int(left)

    async def items(
        self, status: str | None = "open", limit: int = 50, kind: QueueKind | None = None
    ) -> list[QueueItem]:
        """Read-only: items (open by default; of one kind when given), oldest first."""
        clauses, args = [], []
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        if kind is not None:
            clauses.append("kind = ?")
            args.append(kind)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_ITEM.select} FROM queue_items{where} ORDER BY first_at, id LIMIT ?", (*args, limit)
            )
        return [_item(r) for r in rows]

    async def open_counts(self) -> dict[str, int]:
        """Read-only: how many items of each kind are open."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall("SELECT kind, count(*) FROM queue_items WHERE status = 'open' GROUP BY kind")
        return {r[0]: int(r[1]) for r in rows}

    async def get(self, item_id: int) -> QueueItem | None:
        async with self._db.reading() as conn:
            row = await conn.fetchone(f"SELECT {_ITEM.select} FROM queue_items WHERE id = ?", (item_id,))
        return _item(row) if row else None

    async def count_open(self) -> int:
        async with self._db.reading(snapshot=False) as conn:
            return int(await fetchval(conn, "SELECT count(*) FROM queue_items WHERE status = 'open'", default=0))

    async def close(self, item_id: int, status: str, by: Moderator, at: datetime, reason: str | None) -> QueueItem:
        """Writes: close an open item (dismissed, rejected…); BadInput when it is already closed."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            await close_item(conn, item_id, status, by, at, reason)
        item = await self.get(item_id)
        assert item is not None
        return item

    async def teach(
        self, item_id: int, phrasing: str, key: str, claim_id: str, by: Moderator, at: datetime
    ) -> tuple[TaughtPhrasing, HistoryEntry, int]:
        """Writes, in one transaction: the taught phrasing, the claim's 'teach' history row,
        the item closed as taught (when there is one), and a content-version bump."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            if not await claim_exists(conn, claim_id):
                raise NotFound(messages.unknown_claim(claim_id))
            if item_id:
                await close_item(conn, item_id, "taught", by, at, f"taught {claim_id}")
            row = await conn.fetchone(
                "INSERT INTO taught_phrasings (claim_id, phrasing, group_key, item_id, taught_by, taught_at) "
                "VALUES (?,?,?,?,?,?) RETURNING id",
                (claim_id, phrasing, key, item_id or None, by.name, at.isoformat()),
            )
            assert row is not None
            entry = await insert_action(conn, claim_id, "teach", by, at, text=phrasing, reason=f"queue item {item_id}")
            version = await bump_version(conn, [claim_id])
        return TaughtPhrasing(id=int(row[0]), claim_id=claim_id, phrasing=phrasing, key=key), entry, version

    async def unteach(self, taught_id: int, by: Moderator, at: datetime) -> tuple[TaughtPhrasing, int]:
        """Writes: undo one taught phrasing (kept, marked undone), with history and a version bump."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            row = await conn.fetchone(
                f"SELECT {_UNDOABLE.select} FROM taught_phrasings WHERE id = ? AND undone_at IS NULL",
                (taught_id,),
            )
            if row is None:
                raise BadInput(messages.unknown_taught(taught_id))
            found = _UNDOABLE.read(row)
            item_id = found.pop("item_id")
            taught = TaughtPhrasing(**found)
            await conn.execute("UPDATE taught_phrasings SET undone_at = ? WHERE id = ?", (at.isoformat(), taught_id))
            if item_id is not None:
                # The question goes back to the queue: nothing answers it any more.
                await conn.execute(
                    "UPDATE queue_items SET status = 'open', closed_by = NULL, closed_at = NULL, close_reason = NULL "
                    "WHERE id = ? AND NOT EXISTS (SELECT 1 FROM queue_items o WHERE o.status = 'open' "
                    "AND o.kind = queue_items.kind AND o.group_key = queue_items.group_key)",
                    (item_id,),
                )
            await insert_action(
                conn, taught.claim_id, "unteach", by, at, text=taught.phrasing, reason=f"undo #{taught_id}"
            )
            version = await bump_version(conn, [taught.claim_id])
        return taught, version

    async def taught(self) -> list[TaughtPhrasing]:
        """Read-only: every phrasing in force (a process starting from an index snapshot
        reads them here: the snapshot is a cache, and they steer answers)."""
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_TAUGHT.select} FROM taught_phrasings WHERE undone_at IS NULL ORDER BY id"
            )
        return [TaughtPhrasing(**_TAUGHT.read(r)) for r in rows]

    async def taught_for_item(self, item_id: int) -> TaughtPhrasing | None:
        async with self._db.reading() as conn:
            row = await conn.fetchone(
                f"SELECT {_TAUGHT.select} FROM taught_phrasings "
                "WHERE item_id = ? AND undone_at IS NULL ORDER BY id DESC",
                (item_id,),
            )
        return TaughtPhrasing(**_TAUGHT.read(row)) if row else None


async def _over_limits(conn: Conn, by: Contributor, limits: Limits, at: datetime) -> bool:
    """Whether `by` (or their community) already made as many additions as `limits` allow in
    the window before `at`. Each count stops at its limit, so a flood costs no more to check."""
    since = (at - limits.window).isoformat()
    for column, value, limit in (
        ("person", by.person, limits.per_person),
        ("community", by.community, limits.per_community),
    ):
        recent = await fetchval(
            conn,
            f"SELECT count(*) FROM (SELECT 1 FROM queue_additions WHERE {column} = ? AND at >= ? LIMIT ?) AS recent",
            (value, since, limit),
            default=0,
        )
        if int(recent) >= limit:
            return True
    return False


async def close_item(conn: Conn, item_id: int, status: str, by: Moderator, at: datetime, reason: str | None) -> None:
    """Inside a transaction: close an open item; NotFound or BadInput when it is not open."""
    n = await conn.execute(
        "UPDATE queue_items SET status = ?, closed_by = ?, closed_at = ?, close_reason = ? "
        "WHERE id = ? AND status = 'open'",
        (status, by.name, at.isoformat(), reason, item_id),
    )
    if n == 0:
        exists = await conn.fetchone("SELECT status FROM queue_items WHERE id = ?", (item_id,))
        if exists is None:
            raise NotFound(messages.unknown_item(item_id))
        raise BadInput(messages.item_closed(item_id, exists[0]))


def _item(r: Row) -> QueueItem:
    return QueueItem(**_ITEM.read(r))

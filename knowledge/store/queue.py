"""The moderators' review queue and taught phrasings: their SQL, in one place.

Unanswered questions are grouped by their phrasing key (knowledge.answering.phrasing):
one open item per group, with a count and the communities that asked.
Teaching links an item's phrasing to a claim in the same transaction as its
history row and a content-version bump, so every process answers it next.
"""

from __future__ import annotations

import json
from datetime import datetime

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
    ) -> int:
        """Writes: add to the open item of this kind and key (count + 1), or open one. Returns its id."""
        async with self._db.transaction() as conn:
            await lock_content(conn)  # PostgreSQL: two workers noting one group must not both insert
            row = await conn.fetchone(
                "SELECT id, communities, claim_ids FROM queue_items "
                "WHERE kind = ? AND group_key = ? AND status = 'open'",
                (kind, key),
            )
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
                return int(found[0])
            communities = json.loads(row[1])
            if community and community not in communities:
                communities.append(community)
            shown = sorted(set(json.loads(row[2])) | set(claim_ids or []))
            await conn.execute(
                "UPDATE queue_items SET asked = asked + 1, communities = ?, claim_ids = ?, last_at = ? WHERE id = ?",
                (json.dumps(communities), json.dumps(shown), at.isoformat(), row[0]),
            )
            return int(row[0])

    async def items(self, status: str | None = "open", limit: int = 50) -> list[QueueItem]:
        """Read-only: items (open by default), oldest first."""
        where, args = ("", ()) if status is None else (" WHERE status = ?", (status,))
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_ITEM.select} FROM queue_items{where} ORDER BY first_at, id LIMIT ?", (*args, limit)
            )
        return [_item(r) for r in rows]

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

    async def taught_for_item(self, item_id: int) -> TaughtPhrasing | None:
        async with self._db.reading() as conn:
            row = await conn.fetchone(
                f"SELECT {_TAUGHT.select} FROM taught_phrasings "
                "WHERE item_id = ? AND undone_at IS NULL ORDER BY id DESC",
                (item_id,),
            )
        return TaughtPhrasing(**_TAUGHT.read(row)) if row else None


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

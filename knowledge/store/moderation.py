"""The moderation history: append-only rows of who changed which claim, where and why.

Its SQL lives here. Every write re-checks the claim inside its transaction and
bumps the content version in that same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from knowledge import messages
from knowledge.errors import BadInput, NotFound
from knowledge.history import derive_state
from knowledge.models import Action, Claim, HistoryEntry, Moderator
from knowledge.store.claim_rows import claim_exists, write_claims, write_conflicts
from knowledge.store.columns import Columns, timestamp
from knowledge.store.connection import Conn, Database, Row
from knowledge.store.content_version import bump_version, lock_content
from knowledge.store.outbox import enqueue_for_change

_ENTRY = Columns(
    "id, claim_id, action, text, reason, url, by_platform, by_user_id, by_name, at, by_community_id, "
    "by_community_name, credit",
    convert={"at": timestamp},
)


async def select_history(conn: Conn, where: str, args: Sequence[str]) -> list[HistoryEntry]:
    """History rows matching `where` (a SQL fragment with ? marks), oldest first."""
    rows = await conn.fetchall(f"SELECT {_ENTRY.select} FROM corrections{where} ORDER BY id", args)
    return [_entry(r) for r in rows]


async def insert_action(
    conn: Conn,
    claim_id: str,
    action: Action,
    by: Moderator,
    at: datetime,
    text: str | None = None,
    reason: str | None = None,
    url: str | None = None,
    credit: str | None = None,
) -> HistoryEntry:
    """Inside a transaction: append one history row."""
    row = await conn.fetchone(
        "INSERT INTO corrections (claim_id, action, text, reason, url, by_platform, by_user_id, by_name, at, "
        "by_community_id, by_community_name, credit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
        (
            claim_id,
            action,
            text,
            reason,
            url,
            by.platform,
            by.user_id,
            by.name,
            at.isoformat(),
            by.community_id,
            by.community_name,
            credit,
        ),
    )
    assert row is not None
    return HistoryEntry(
        id=row[0], claim_id=claim_id, action=action, text=text, reason=reason, url=url, by=by, at=at, credit=credit
    )


class ModerationStore:
    """Corrections, retractions, restorations and added claims."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def history(self, claim_id: str) -> list[HistoryEntry] | None:
        """Read-only: a claim's history, oldest first; None when the claim does not exist."""
        async with self._db.reading() as conn:
            if not await claim_exists(conn, claim_id):
                return None
            return await select_history(conn, " WHERE claim_id = ?", (claim_id,))

    async def history_since(self, since: datetime) -> list[HistoryEntry]:
        """Read-only: every moderator action at or after `since`, oldest first."""
        async with self._db.reading() as conn:
            return await select_history(conn, " WHERE at >= ?", (since.isoformat(),))

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
    ) -> tuple[HistoryEntry, int]:
        """Writes one history row, bumps the content version and queues one outbox update per
        posted message showing the claim, in one transaction; returns the row and the version.

        The claim's current status is re-checked inside the transaction
        (`allowed_from`), so two racing moderators cannot both restore or
        retract from a state that no longer holds.
        """
        async with self._db.transaction() as conn:
            await lock_content(conn)  # the status check below must still hold at commit
            if not await claim_exists(conn, claim_id):
                raise NotFound(messages.unknown_claim(claim_id))
            if allowed_from is not None:
                rows = await select_history(conn, " WHERE claim_id = ?", (claim_id,))
                status = derive_state(Claim(id=claim_id, text="", topic=""), rows).status
                if status not in allowed_from:
                    raise BadInput(messages.nothing_to(claim_id, status, action))
            entry = await insert_action(conn, claim_id, action, by, at, text, reason, url)
            version = await bump_version(conn, [claim_id])
            # Same transaction: the change and the updates of messages already showing the claim
            # are committed together, so no posted message can miss a committed change.
            await enqueue_for_change(conn, claim_id, entry.id, version, at)
        return entry, version

    async def add_claim(self, claim: Claim, by: Moderator, at: datetime, reason: str) -> tuple[HistoryEntry, int]:
        """Writes the new claim, its quotes and its 'add' history row in one transaction."""
        async with self._db.transaction() as conn:
            await lock_content(conn)
            if await claim_exists(conn, claim.id):
                raise BadInput(messages.claim_exists(claim.id))
            await write_claims(conn, [claim], at)
            await write_conflicts(conn, [claim])
            entry = await insert_action(conn, claim.id, "add", by, at, claim.text, reason, claim.source_url)
            version = await bump_version(conn, [claim.id])
        return entry, version


def _entry(r: Row) -> HistoryEntry:
    v = _ENTRY.read(r)
    by = Moderator(
        platform=v.pop("by_platform"),
        user_id=v.pop("by_user_id"),
        name=v.pop("by_name"),
        community_id=v.pop("by_community_id"),
        community_name=v.pop("by_community_name"),
    )
    return HistoryEntry(**v, by=by)

"""Messages the bot posted (answers, claim cards, digests): their SQL, in one place.

Each row says where the message is, which claims it shows and how it can be
changed later; `posted_claims` indexes it by claim so a correction finds every
message it touches with one indexed read inside its own transaction.
"""

from __future__ import annotations

import json
from datetime import datetime

from knowledge.posted import PostedMessage
from knowledge.store.columns import Columns, flag, from_json, timestamp
from knowledge.store.connection import Conn, Database, Row

POSTED = Columns(
    "id, platform, community_id, channel_id, message_id, thread_id, kind, claim_ids, question_id, render, "
    "content_version, edit_via, edit_token, edit_until, edit_uses, after_expiry, is_private, posted_at",
    alias="p",
    convert={
        "claim_ids": from_json,
        "render": from_json,
        "edit_until": timestamp,
        "is_private": flag,
        "posted_at": timestamp,
    },
)


class PostedStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, posted: PostedMessage) -> int:
        """Writes one posted message and its claim index; returns its id."""
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                "INSERT INTO posted_messages (platform, community_id, channel_id, message_id, thread_id, kind, "
                "claim_ids, question_id, render, content_version, edit_via, edit_token, edit_until, edit_uses, "
                "after_expiry, is_private, posted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (
                    posted.platform,
                    posted.community_id,
                    posted.channel_id,
                    posted.message_id,
                    posted.thread_id,
                    posted.kind,
                    json.dumps(posted.claim_ids),
                    posted.question_id,
                    json.dumps(posted.render, sort_keys=True),
                    posted.content_version,
                    posted.edit_via,
                    posted.edit_token,
                    posted.edit_until.isoformat() if posted.edit_until else None,
                    posted.edit_uses,
                    posted.after_expiry,
                    int(posted.is_private),
                    posted.posted_at.isoformat(),
                ),
            )
            assert row is not None
            posted_id = int(row[0])
            await conn.executemany(
                "INSERT INTO posted_claims (posted_id, claim_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(posted_id, c) for c in dict.fromkeys(posted.claim_ids)],
            )
        return posted_id

    async def get(self, posted_id: int) -> PostedMessage | None:
        """Read-only."""
        async with self._db.reading(snapshot=False) as conn:
            row = await conn.fetchone(f"SELECT {POSTED.select} FROM posted_messages p WHERE p.id = ?", (posted_id,))
        return posted_from_row(row) if row else None

    async def question_text(self, question_id: int) -> str | None:
        """Read-only: the question an answer was posted for (it is shown in the answer itself)."""
        async with self._db.reading(snapshot=False) as conn:
            row = await conn.fetchone("SELECT question FROM question_log WHERE id = ?", (question_id,))
        return str(row[0]) if row else None

    async def prune(self, before: datetime) -> int:
        """Writes: forget messages posted before `before` whose updates are all delivered
        (their outbox rows go with them); returns how many were forgotten."""
        async with self._db.transaction() as conn:
            return await conn.execute(
                "DELETE FROM posted_messages WHERE posted_at < ? AND NOT EXISTS (SELECT 1 FROM outbox o "
                "WHERE o.posted_id = posted_messages.id AND o.status IN ('pending', 'claimed'))",
                (before.isoformat(),),
            )

    async def count(self) -> int:
        async with self._db.reading(snapshot=False) as conn:
            row = await conn.fetchone("SELECT count(*) FROM posted_messages")
        return int(row[0]) if row else 0


async def after_delivery(
    conn: Conn, posted_id: int, *, version: int | None, used_token: bool, gone_at: datetime | None
) -> None:
    """Inside a transaction: what a delivery changed about its message (the version it now
    shows, one response_url use spent, or that its channel deleted it)."""
    if version is not None:
        await conn.execute(
            "UPDATE posted_messages SET content_version = ? WHERE id = ? AND content_version < ?",
            (version, posted_id, version),
        )
    if used_token:
        await conn.execute(
            "UPDATE posted_messages SET edit_uses = edit_uses - 1 WHERE id = ? AND edit_uses IS NOT NULL",
            (posted_id,),
        )
    if gone_at is not None:
        await conn.execute("UPDATE posted_messages SET gone_at = ? WHERE id = ?", (gone_at.isoformat(), posted_id))


def posted_from_row(r: Row, start: int = 0) -> PostedMessage:
    """A `POSTED.select` row (or a join's row, whose posted columns begin at `start`)."""
    return PostedMessage(**POSTED.read(r, start))

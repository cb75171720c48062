"""Correction suggestions from readers who are not moderators: their SQL, in one place.

A suggestion is never a fact: it waits, open, until a moderator accepts or
rejects it. Nothing here touches claims or the content version.
"""

from __future__ import annotations

import json
from datetime import datetime

from knowledge import messages
from knowledge.errors import BadInput, NotFound
from knowledge.models import HistoryEntry, Moderator, Suggestion, community_label
from knowledge.store.claim_rows import claim_exists
from knowledge.store.columns import Columns, timestamp
from knowledge.store.connection import Database, Row, fetchval
from knowledge.store.content_version import bump_version, lock_content
from knowledge.store.moderation import insert_action
from knowledge.store.outbox import enqueue_for_change

_SUGGESTION = Columns(
    "id, claim_id, text, reason, platform, community_id, community_name, user_id, user_name, at, status, "
    "decided_by, decided_at, decision_reason",
    convert={"at": timestamp, "decided_at": timestamp},
)


class SuggestionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, claim_id: str, text: str, reason: str, by: Moderator, at: datetime, *, per_window: int, since: datetime
    ) -> Suggestion:
        """Writes one open suggestion, unless `by` already made `per_window` after `since`
        (then BadInput states the limit and when the next one fits).

        The limit is checked inside the same transaction as the insert, so two
        quick presses cannot both slip under it.
        """
        async with self._db.transaction() as conn:
            if conn.dialect == "postgresql":
                # SQLite's BEGIN IMMEDIATE serialises count-then-insert; here one
                # lock per user does, without holding up anyone else.
                await conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(?))", (f"suggest:{by.platform}:{by.user_id}",)
                )
            if not await claim_exists(conn, claim_id):
                raise NotFound(messages.unknown_claim(claim_id))
            recent = await conn.fetchone(
                # `at > since`: a suggestion leaves the window exactly when the wait below ends.
                "SELECT count(*), min(at) FROM suggestions WHERE platform = ? AND user_id = ? AND at > ?",
                (by.platform, by.user_id, since.isoformat()),
            )
            if recent is not None and int(recent[0]) >= per_window:
                # The oldest suggestion in the window leaves it first: then one more fits.
                window = at - since
                wait = datetime.fromisoformat(recent[1]) + window - at
                raise BadInput(messages.suggestion_limit(per_window, window, wait))
            row = await conn.fetchone(
                "INSERT INTO suggestions (claim_id, text, reason, platform, community_id, community_name, user_id, "
                f"user_name, at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING {_SUGGESTION.select}",
                (
                    claim_id,
                    text,
                    reason,
                    by.platform,
                    by.community_id,
                    by.community_name,
                    by.user_id,
                    by.name,
                    at.isoformat(),
                ),
            )
            assert row is not None
            suggestion = _suggestion(row)
            await conn.execute(
                "INSERT INTO queue_items (kind, group_key, text, claim_ids, suggestion_id, communities, first_at, "
                "last_at) VALUES ('suggestion', ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"suggestion {suggestion.id}",
                    text,
                    json.dumps([claim_id]),
                    suggestion.id,
                    json.dumps([_community_of(by)]),
                    at.isoformat(),
                    at.isoformat(),
                ),
            )
        return suggestion

    async def decide(
        self, suggestion_id: int, *, accept: bool, by: Moderator, at: datetime, reason: str | None
    ) -> tuple[Suggestion, HistoryEntry | None, int | None]:
        """Writes, in one transaction: accept (a correction by `by` crediting the suggester,
        with a content-version bump and outbox updates for posted messages) or reject
        (recorded with `reason`) an open suggestion, and close its queue item."""
        async with self._db.transaction() as conn:
            await lock_content(conn)  # two moderators deciding at once: the second sees it decided
            row = await conn.fetchone(f"SELECT {_SUGGESTION.select} FROM suggestions WHERE id = ?", (suggestion_id,))
            if row is None:
                raise NotFound(messages.unknown_suggestion(suggestion_id))
            suggestion = _suggestion(row)
            if suggestion.status != "open":
                raise BadInput(messages.suggestion_decided(suggestion_id, suggestion.status))
            status = "accepted" if accept else "rejected"
            await conn.execute(
                "UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ?",
                (status, by.name, at.isoformat(), reason, suggestion_id),
            )
            await conn.execute(
                "UPDATE queue_items SET status = ?, closed_by = ?, closed_at = ?, close_reason = ? "
                "WHERE suggestion_id = ? AND status = 'open'",
                (status, by.name, at.isoformat(), reason, suggestion_id),
            )
            entry, version = None, None
            if accept:
                credit = f"{suggestion.by.name} ({_community_of(suggestion.by)}, user {suggestion.by.user_id})"
                entry = await insert_action(
                    conn,
                    suggestion.claim_id,
                    "correct",
                    by,
                    at,
                    text=suggestion.text,
                    reason=reason or suggestion.reason,
                    credit=credit,
                )
                version = await bump_version(conn, [suggestion.claim_id])
                await enqueue_for_change(conn, suggestion.claim_id, entry.id, version, at)
        decided = suggestion.model_copy(update={"status": status, "decided_by": by.name, "decided_at": at})
        return decided, entry, version

    async def get(self, suggestion_id: int) -> Suggestion | None:
        """Read-only."""
        async with self._db.reading() as conn:
            row = await conn.fetchone(f"SELECT {_SUGGESTION.select} FROM suggestions WHERE id = ?", (suggestion_id,))
        return _suggestion(row) if row else None

    async def list(self, status: str | None = "open", limit: int = 100) -> list[Suggestion]:
        """Read-only: suggestions (open ones by default), oldest first."""
        where, args = ("", ()) if status is None else (" WHERE status = ?", (status,))
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_SUGGESTION.select} FROM suggestions{where} ORDER BY id LIMIT ?", (*args, limit)
            )
        return [_suggestion(r) for r in rows]

    async def count_open(self) -> int:
        async with self._db.reading() as conn:
            return int(await fetchval(conn, "SELECT count(*) FROM suggestions WHERE status = 'open'", default=0))


def _community_of(by: Moderator) -> str:
    return community_label(by.platform, by.community_id, by.community_name)


def _suggestion(r: Row) -> Suggestion:
    v = _SUGGESTION.read(r)
    by = Moderator(
        platform=v.pop("platform"),
        community_id=v.pop("community_id"),
        community_name=v.pop("community_name"),
        user_id=v.pop("user_id"),
        name=v.pop("user_name"),
    )
    return Suggestion(**v, by=by)

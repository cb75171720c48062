"""What communities ask and how readers judge answers: the question log and feedback.

Its SQL lives here. Activity is local: every read is scoped to one platform
and community, and private questions (DMs, ephemeral contexts) are never
counted for a channel.
"""

from __future__ import annotations

import json
from datetime import datetime

from knowledge import messages
from knowledge.errors import NotFound
from knowledge.models import FeedbackCount, Place, QuestionStats
from knowledge.store.columns import Columns
from knowledge.store.connection import Database

# People, not presses: one reader counts once per claim and verdict, however many answers they judged.
_FEEDBACK_COUNT = Columns("claim_id, verdict, count(DISTINCT user_id) AS count")


def _scope(platform: str, community_id: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE fragment for one community's public questions."""
    if community_id is None:
        return "platform = ? AND community_id IS NULL AND is_private = 0", (platform,)
    return "platform = ? AND community_id = ? AND is_private = 0", (platform, community_id)


class ActivityStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def log_question(self, question: str, place: Place, answered: bool, shown: list[str], at: datetime) -> int:
        """Writes one question-log row (no user identity) and returns its id."""
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                "INSERT INTO question_log (asked_at, platform, question, answered, top_claim_id, community_id, "
                "channel_id, is_private, shown_claims) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
                (
                    at.isoformat(),
                    place.platform,
                    question,
                    int(answered),
                    shown[0] if shown else None,
                    place.community_id,
                    place.channel_id,
                    int(place.is_private),
                    json.dumps(shown),
                ),
            )
        assert row is not None
        return int(row[0])

    async def question_stats(
        self, since: datetime, platform: str, community_id: str | None, limit: int = 5
    ) -> QuestionStats:
        """Read-only: one community's public questions since `since`."""
        where, args = _scope(platform, community_id)
        stamp = since.isoformat()
        async with self._db.reading() as conn:
            top = await conn.fetchall(
                f"SELECT lower(trim(question)) AS q, count(*) AS n FROM question_log WHERE {where} AND asked_at >= ? "
                "GROUP BY q ORDER BY n DESC, max(id) DESC LIMIT ?",
                (*args, stamp, limit),
            )
            unanswered_top = await conn.fetchall(
                f"SELECT lower(trim(question)) AS q, count(*) AS n FROM question_log WHERE {where} AND asked_at >= ? "
                "AND answered = 0 GROUP BY q ORDER BY n DESC, max(id) DESC LIMIT ?",
                (*args, stamp, limit),
            )
            row = await conn.fetchone(
                "SELECT count(*), coalesce(sum(CASE WHEN answered = 0 THEN 1 ELSE 0 END), 0) FROM question_log "
                f"WHERE {where} AND asked_at >= ?",
                (*args, stamp),
            )
        total, unanswered = (int(row[0]), int(row[1])) if row else (0, 0)
        return QuestionStats(
            top=[(r[0], int(r[1])) for r in top],
            total=total,
            unanswered=unanswered,
            unanswered_top=[(r[0], int(r[1])) for r in unanswered_top],
        )

    async def record_feedback(
        self, place: Place, user_id: str, question_id: int, claim_id: str, verdict: str, at: datetime
    ) -> str:
        """Writes (or replaces) one reader's verdict on one claim of one answer; returns the question.

        Raises NotFound when the answer does not exist or did not show that
        claim: a forged button can never vote on something nobody was shown.
        """
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                "SELECT shown_claims, question FROM question_log WHERE id = ? AND platform = ?",
                (question_id, place.platform),
            )
            if row is None or claim_id not in json.loads(row[0]):
                raise NotFound(messages.unknown_claim(claim_id))
            await conn.execute(
                "INSERT INTO feedback (at, platform, user_id, question_id, claim_id, verdict, community_id) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT (platform, user_id, question_id, claim_id) DO UPDATE SET "
                "verdict = excluded.verdict, at = excluded.at",
                (at.isoformat(), place.platform, user_id, question_id, claim_id, verdict, place.community_id),
            )
        return str(row[1])

    async def feedback_since(self, since: datetime, platform: str, community_id: str | None) -> list[FeedbackCount]:
        """Read-only: how many people gave each verdict on each claim in one community since
        `since`, most first: a reader who marks the same claim wrong under ten answers is one person."""
        where = "platform = ? AND community_id IS NULL" if community_id is None else "platform = ? AND community_id = ?"
        args = (platform,) if community_id is None else (platform, community_id)
        async with self._db.reading() as conn:
            rows = await conn.fetchall(
                f"SELECT {_FEEDBACK_COUNT.select} FROM feedback WHERE {where} AND at >= ? "
                "GROUP BY claim_id, verdict ORDER BY count(DISTINCT user_id) DESC, claim_id",
                (*args, since.isoformat()),
            )
        return [FeedbackCount(**_FEEDBACK_COUNT.read(r)) for r in rows]

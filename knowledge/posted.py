"""Value types for messages the bot posted and the queued updates to them.

A posted message remembers how it can still be changed: by the bot itself
(`bot`: Discord channel messages, Slack chat.update of its own posts), through
a short-lived capability (`interaction`: a Discord interaction token, 15
minutes; `response_url`: a Slack response URL, 30 minutes and 5 uses), or not
at all (`none`: ephemeral messages). `after_expiry` says what remains once the
capability lapses: a bot edit, a threaded note, or nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

PostedKind = Literal["answer", "claim", "digest"]
EditVia = Literal["bot", "interaction", "response_url", "none"]
AfterExpiry = Literal["bot", "note", "none"]
OutboxStatus = Literal["pending", "claimed", "updated", "noted", "skipped", "gone", "failed"]
# The statuses a delivery can end in (everything but pending and claimed).
FINAL_STATUSES: tuple[OutboxStatus, ...] = ("updated", "noted", "skipped", "gone", "failed")


class PostedMessage(BaseModel):
    """One public answer, claim card or digest the bot posted, and how it can be changed."""

    id: int = 0
    platform: str
    community_id: str | None = None
    channel_id: str
    # Discord message id or Slack ts; None when the platform never told us (a Slack response_url post).
    message_id: str | None = None
    thread_id: str | None = None
    kind: PostedKind
    claim_ids: list[str] = Field(default_factory=list)
    question_id: int | None = None
    # What re-rendering needs beyond the claims: a digest's period and scope, a Slack asker.
    render: dict[str, Any] = Field(default_factory=dict)
    content_version: int = 0
    edit_via: EditVia = "none"
    edit_token: str | None = None
    edit_until: datetime | None = None
    edit_uses: int | None = None
    after_expiry: AfterExpiry = "none"
    is_private: bool = False
    posted_at: datetime

    def can_use_token(self, now: datetime) -> bool:
        """Whether the interaction token or response URL still works at `now`."""
        if self.edit_via not in ("interaction", "response_url") or not self.edit_token:
            return False
        if self.edit_until is not None and now >= self.edit_until:
            return False
        return self.edit_uses is None or self.edit_uses > 0


class OutboxItem(BaseModel):
    """One queued update of one posted message, caused by one moderator change."""

    id: int
    posted: PostedMessage
    change_id: int
    claim_id: str
    content_version: int
    status: OutboxStatus
    attempts: int
    claimed_by: str | None = None


class OutboxFailure(BaseModel):
    """A delivery that failed for good: which row, where, for which claim, and why."""

    id: int
    platform: str
    claim_id: str
    error: str | None


class Reach(BaseModel):
    """How far one change went: queued updates by outcome."""

    queued: int = 0
    pending: int = 0
    updated: int = 0
    noted: int = 0
    skipped: int = 0
    gone: int = 0
    failed: int = 0

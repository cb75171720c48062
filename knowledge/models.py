"""Value types shared by the store, the matcher and the core.

They are plain pydantic models so that every layer speaks the same types and
nothing outside `knowledge.store` ever sees a database row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ClaimStatus = Literal["active", "corrected", "retracted"]
ClaimOrigin = Literal["curated", "moderator"]
Action = Literal["correct", "retract", "restore", "add"]


class Source(BaseModel):
    """One article, with only the metadata the article itself states."""

    model_config = ConfigDict(frozen=True)

    id: str
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    dateline: str | None = None

    @property
    def label(self) -> str:
        """How a quote's source is named to users: outlet and headline when known."""
        parts = [p for p in (self.outlet, self.title) if p]
        return " — ".join(parts) if parts else f"article {self.id} (outlet unknown)"


class Quote(BaseModel):
    """An exact span of an article: `article_text[start:end] == quote`."""

    model_config = ConfigDict(frozen=True)

    source_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str


class Claim(BaseModel):
    """One checkable statement with the quotes that support it."""

    id: str
    text: str
    topic: str
    entities: list[str] = Field(default_factory=list)
    said_by: str | None = None
    importance: int = Field(default=1, ge=1, le=5)
    keywords: list[str] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    origin: ClaimOrigin = "curated"
    source_url: str | None = None


class Moderator(BaseModel):
    """Who acted: a platform, the user's id there and a display name."""

    model_config = ConfigDict(frozen=True)

    platform: str
    user_id: str
    name: str


class HistoryEntry(BaseModel):
    """One append-only row of a claim's moderation history."""

    id: int
    claim_id: str
    action: Action
    text: str | None
    reason: str | None
    url: str | None
    by: Moderator
    at: datetime


class Correction(BaseModel):
    """The correction currently in force on a claim."""

    text: str
    reason: str
    by: str
    at: datetime
    url: str | None = None


class ClaimState(BaseModel):
    """A claim as users see it now: the curated record plus its derived status."""

    claim: Claim
    status: ClaimStatus = "active"
    correction: Correction | None = None
    retraction_reason: str | None = None
    in_curated: bool = True

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def current_text(self) -> str:
        return self.correction.text if self.correction else self.claim.text


class ScoredClaim(BaseModel):
    state: ClaimState
    score: float


class Answer(BaseModel):
    """What `ask` returns: up to three claims best first, or suggestions."""

    question: str
    answers: list[ScoredClaim] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    question_id: int | None = None

    @property
    def answered(self) -> bool:
        return bool(self.answers)


class Subscription(BaseModel):
    """A channel's daily digest: local posting time ("HH:MM") in an IANA timezone."""

    platform: str
    channel_id: str
    post_time: str
    timezone: str
    created_by: str
    created_at: datetime


class DigestRun(BaseModel):
    """A claimed digest run; `since` is when the channel's last digest was posted."""

    platform: str
    channel_id: str
    local_date: str
    claimed_by: str
    since: datetime | None = None

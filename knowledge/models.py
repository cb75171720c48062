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
Action = Literal["correct", "retract", "restore", "add", "teach", "unteach"]
QueueKind = Literal["unanswered", "wrong", "suggestion", "candidate"]
QueueStatus = Literal["open", "taught", "dismissed", "accepted", "rejected"]


class Source(BaseModel):
    """One article, with only the metadata the article itself states."""

    model_config = ConfigDict(frozen=True)

    id: str
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    dateline: str | None = None
    # "ingested": added with `talksbot ingest`, its text kept in the database.
    origin: Literal["seed", "ingested"] = "seed"
    # The first words of the article's body: how readers recognise an article with no headline.
    opening: str | None = None

    @property
    def label(self) -> str | None:
        """Outlet and headline when the article states them; None when it states neither
        (renderers then name it by its opening words, never by its file hash)."""
        parts = [p for p in (self.outlet, self.title) if p]
        return " — ".join(parts) if parts else None


class Quote(BaseModel):
    """An exact span of an article: `article_text[start:end] == quote`."""

    model_config = ConfigDict(frozen=True)

    source_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str


# The importance of a claim made by moderators (added, or accepted from an ingested
# article): no curator ranked it, so it gets the ranking prior's neutral point
# (`knowledge.answering.index`: 1 + prior × (importance − 3)), the curated median.
MODERATOR_IMPORTANCE = 3


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
    """Who acted: a platform, the community there (guild or team), the user's id and display name."""

    model_config = ConfigDict(frozen=True)

    platform: str
    user_id: str
    name: str
    community_id: str | None = None
    community_name: str | None = None

    @property
    def where(self) -> str:
        """Where the action came from, for history lines: "discord, Newsroom (123…)"."""
        if self.community_id is None:
            return self.platform
        label = f"{self.community_name} ({self.community_id})" if self.community_name else self.community_id
        return f"{self.platform}, {label}"


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
    # Who proposed it, when a moderator accepted a reader's suggestion.
    credit: str | None = None


class Suggestion(BaseModel):
    """A reader's proposed correction, waiting for a moderator; never shown as fact."""

    id: int
    claim_id: str
    text: str
    reason: str
    by: Moderator
    at: datetime
    status: Literal["open", "accepted", "rejected"] = "open"
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None


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
    # Phrasings moderators taught this claim to answer (the review queue's "teach").
    taught: list[str] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def current_text(self) -> str:
        return self.correction.text if self.correction else self.claim.text


class QuestionStats(BaseModel):
    """What a community asked in a period: the most-asked questions and the counts."""

    top: list[tuple[str, int]] = Field(default_factory=list)
    total: int = 0
    unanswered: int = 0
    unanswered_top: list[tuple[str, int]] = Field(default_factory=list)


def community_label(platform: str, community_id: str | None, community_name: str | None, private: bool = False) -> str:
    """How the review queue names where something came from: "discord: Newsroom", "slack direct message"."""
    if private:
        return f"{platform} direct message"
    if community_id is None:
        return platform
    return f"{platform}: {community_name or community_id}"


class Place(BaseModel):
    """Where something was asked or done: the platform, its community (guild or
    workspace) and channel. DMs and ephemeral contexts are private: what is
    asked there never reaches any channel's digest."""

    model_config = ConfigDict(frozen=True)

    platform: str
    community_id: str | None = None
    community_name: str | None = None
    channel_id: str | None = None
    is_private: bool = False

    @property
    def label(self) -> str:
        return community_label(self.platform, self.community_id, self.community_name, self.is_private)


DigestAudience = Literal["public", "moderators"]


class Subscription(BaseModel):
    """A channel's daily digest: local posting time ("HH:MM") in an IANA timezone.

    A public digest shows the channel's community only counts; a moderators'
    digest also shows question text, unanswered questions and readers' reports.
    """

    platform: str
    channel_id: str
    post_time: str
    timezone: str
    created_by: str
    created_at: datetime
    community_id: str | None = None
    audience: DigestAudience = "public"


class DigestRun(BaseModel):
    """A claimed digest run; `since` is when the channel's last digest was posted."""

    platform: str
    channel_id: str
    local_date: str
    claimed_by: str
    since: datetime | None = None


class DigestRunRecord(BaseModel):
    """A digest run as the store recorded it (for `talksbot status` and the scheduler's checks)."""

    platform: str
    channel_id: str
    local_date: str
    status: Literal["claimed", "posted", "failed"]
    attempts: int


class FeedbackCount(BaseModel):
    """How many readers gave one verdict on one claim."""

    claim_id: str
    verdict: Literal["helpful", "wrong"]
    count: int


class IngestedArticle(BaseModel):
    """An article added with `talksbot ingest`: its source id and its raw text, as stored,
    and who added it when."""

    source_id: str
    text: str
    added_by: str | None = None
    added_at: str | None = None


ProposalKind = Literal["supports", "conflicts", "new"]


class Candidate(BaseModel):
    """A claim proposed from an ingested article, waiting in the review queue; never an answer.

    `quote` is verbatim from the stored article at its offsets. `claim_id` is the
    existing claim it supports or conflicts with; `similarity` is what led there.
    """

    item_id: int
    source_id: str
    proposal: ProposalKind
    quote: Quote
    text: str
    topic: str
    entities: list[str] = Field(default_factory=list)
    said_by: str | None = None
    claim_id: str | None = None
    similarity: float = 0.0
    accepted_claim_id: str | None = None


class QueueItem(BaseModel):
    """One thing waiting for moderators: a group of unanswered questions, an answer
    readers marked wrong, a reader's suggestion, or a claim proposed from an ingested article."""

    id: int
    kind: QueueKind
    text: str
    claim_ids: list[str] = Field(default_factory=list)
    suggestion_id: int | None = None
    asked: int = 1
    communities: list[str] = Field(default_factory=list)
    first_at: datetime
    last_at: datetime
    status: QueueStatus = "open"
    closed_by: str | None = None
    close_reason: str | None = None
    # Filled in for ingest candidates (kind "candidate"): what is proposed, from which quote.
    candidate: Candidate | None = None


class TaughtPhrasing(BaseModel):
    """A phrasing a moderator linked to a claim; `key` groups its close variants."""

    id: int
    claim_id: str
    phrasing: str
    key: str

"""Platform-neutral replies. The core returns these; each platform renders them.

They carry data, not formatting: the CLI, Discord and Slack renderers decide
how a quote or a correction notice looks within their own limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from knowledge.models import ClaimStatus, Correction, HistoryEntry, QueueItem, QueueKind, Source
from knowledge.posted import Reach


@dataclass(frozen=True)
class QuoteView:
    source_id: str
    source_label: str
    outlet: str | None
    title: str | None
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class ClaimView:
    """A claim as shown to users: current wording first, original kept."""

    claim_id: str
    text: str
    original_text: str
    status: ClaimStatus
    quotes: list[QuoteView]
    score: float = 0.0
    correction: Correction | None = None
    retraction_reason: str | None = None
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    said_by: str | None = None
    topic: str = ""
    origin: str = "curated"
    source_url: str | None = None
    in_curated: bool = True
    # The claim's public page (`talksbot run web`) when TALKSBOT_PUBLIC_URL is set; chat links to it.
    page_url: str | None = None


@dataclass(frozen=True)
class AnswerReply:
    """Up to three claims, best first; `content_version` is the store version they reflect."""

    question: str
    claims: list[ClaimView]
    question_id: int | None = None
    content_version: int = 0
    # For an "is it true that…" check: whether the sources agree, in one sentence.
    verdict: str | None = None
    agrees: bool | None = None
    # Further questions in the same message, as asked.
    other_questions: list[str] = field(default_factory=list)
    # The answers to the first of them (up to two more), each its own reply; the rest of
    # `other_questions` the reply only names.
    parts: list[AnswerReply | NoAnswerReply] = field(default_factory=list)
    # With `parts`: the question of the message this reply answers (`question` is the message).
    asked: str = ""
    # The language the question was asked in (ISO 639-1): the reply's own sentences are
    # framed in it; quotes and claims stay the articles' English.
    language: str = "en"

    @property
    def unanswered_questions(self) -> list[str]:
        """The further questions the reply names without answering them."""
        return self.other_questions[len(self.parts) :]

    @property
    def answered_anything(self) -> bool:
        return True

    def questions(self) -> list[AnswerReply | NoAnswerReply]:
        """Each question of the message answered here, as its own reply, in order."""
        return [replace(self, question=self.asked or self.question, parts=[], other_questions=[]), *self.parts]


@dataclass(frozen=True)
class NoAnswerReply:
    question: str
    suggestions: list[str]
    question_id: int | None = None
    content_version: int = 0
    other_questions: list[str] = field(default_factory=list)
    parts: list[AnswerReply | NoAnswerReply] = field(default_factory=list)
    asked: str = ""
    language: str = "en"
    # Set (to its ISO 639-1 code, or "") when the question is in a language the bot does not read.
    unread_language: str | None = None

    @property
    def unanswered_questions(self) -> list[str]:
        return self.other_questions[len(self.parts) :]

    @property
    def answered_anything(self) -> bool:
        """Whether any question of the message got claims (a later one may have)."""
        return any(isinstance(p, AnswerReply) for p in self.parts)

    def questions(self) -> list[AnswerReply | NoAnswerReply]:
        return [replace(self, question=self.asked or self.question, parts=[], other_questions=[]), *self.parts]


@dataclass(frozen=True)
class ClaimCardReply:
    claim: ClaimView


@dataclass(frozen=True)
class SourcesReply:
    sources: list[Source]


@dataclass(frozen=True)
class HistoryReply:
    """A claim's history; `reach` says, per change id, how far its updates of posted messages went."""

    claim_id: str
    entries: list[HistoryEntry]
    reach: dict[int, Reach] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest section, optionally about a claim."""

    text: str
    claim_id: str | None = None
    detail: str | None = None
    quotes: list[QuoteView] = field(default_factory=list)


@dataclass(frozen=True)
class DigestSection:
    title: str
    items: list[DigestItem]


@dataclass(frozen=True)
class DigestReply:
    period_start: datetime
    period_end: datetime
    sections: list[DigestSection]
    has_news: bool

    @property
    def title(self) -> str:
        return f"talksbot digest — {self.period_end:%Y-%m-%d}"


Reply = AnswerReply | NoAnswerReply | ClaimCardReply | SourcesReply | HistoryReply | DigestReply


# The review queue's kinds, in the order every listing shows them.
QUEUE_KINDS: tuple[QueueKind, ...] = ("unanswered", "wrong", "suggestion", "candidate")


@dataclass(frozen=True)
class QueueSection:
    """One kind of review item: its oldest open items (as many as were asked for) and how
    many of that kind are open in all."""

    kind: QueueKind
    items: list[QueueItem]
    total: int


@dataclass(frozen=True)
class QueueListing:
    """The open review queue, each kind on its own so a flood of one kind hides no other."""

    sections: list[QueueSection]

    @property
    def items(self) -> list[QueueItem]:
        return [i for s in self.sections for i in s.items]

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    def shown(self, limit: int) -> list[QueueSection]:
        """At most `limit` items in all, taken in turns from each kind (oldest first within
        a kind), so every kind with open items shows at least one while room lasts."""
        taken = [0] * len(self.sections)
        room = limit
        while room > 0:
            before = room
            for n, section in enumerate(self.sections):
                if room and taken[n] < len(section.items):
                    taken[n] += 1
                    room -= 1
            if room == before:
                break
        return [QueueSection(s.kind, s.items[: taken[n]], s.total) for n, s in enumerate(self.sections)]

"""What a moderation-history entry and a review-queue item show, as neutral parts.

Which lines appear, in what order and with which words is decided here once; the
three renderers (bot/cli/render.py for the terminal, the Discord embeds, Slack
Block Kit) only escape, emphasise, link and shorten. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import messages
from bot.replies import HistoryReply
from knowledge.models import Moderator, QueueItem
from knowledge.posted import Reach


@dataclass(frozen=True)
class Words:
    """Text to show as it reads (a renderer escapes it): `label: text`, or the text alone.
    `quoted` text is verbatim (a reader's question, an article's quote) and goes in quotation marks."""

    label: str | None
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class ClaimIds:
    label: str
    ids: tuple[str, ...]


Detail = Words | Link | ClaimIds


@dataclass(frozen=True)
class HistoryLines:
    """One history entry: who did what when, then its details in order."""

    at: datetime
    action: str
    by: Moderator
    details: tuple[Detail, ...]


@dataclass(frozen=True)
class QueueLines:
    """One queue item: its number, kind, count and age, the reader's words, then its details."""

    id: int
    kind: str
    asked: int
    since: datetime
    text: str
    details: tuple[Detail, ...]


def reach_line(reach: Reach) -> str:
    """ "3 queued: 2 updated, 1 noted, 0 skipped, 0 failed" (gone and waiting only when there are any)."""
    if reach.queued == 0:
        return "none showed this claim"
    parts = [f"{reach.updated} updated", f"{reach.noted} noted", f"{reach.skipped} skipped", f"{reach.failed} failed"]
    if reach.gone:
        parts.append(f"{reach.gone} deleted by their channel")
    if reach.pending:
        parts.append(f"{reach.pending} waiting")
    return f"{reach.queued} queued: " + ", ".join(parts)


def history_lines(reply: HistoryReply) -> list[HistoryLines]:
    """Each entry of a claim's history, oldest first, with the details it has."""
    out = []
    for e in reply.entries:
        details: list[Detail] = []
        if e.text:
            details.append(Words("Text", e.text))
        if e.reason:
            details.append(Words("Reason", e.reason))
        if e.url:
            details.append(Link("URL", e.url))
        if e.credit:
            details.append(Words("Suggested by", e.credit))
        if e.id in reply.reach:
            details.append(Words("Posted messages", reach_line(reply.reach[e.id])))
        out.append(HistoryLines(e.at, e.action, e.by, tuple(details)))
    return out


def queue_lines(item: QueueItem) -> QueueLines:
    """One open queue item with what a moderator needs to decide it."""
    details: list[Detail] = []
    if item.candidate:
        c = item.candidate
        details.append(Words(None, messages.candidate_line(c.proposal, c.claim_id, c.similarity, c.source_id)))
        if c.proposal != "supports":
            # A new claim stands on this quote alone: the moderator must see it to accept it.
            details.append(Words("Quote", c.quote.quote, quoted=True))
    if item.claim_ids:
        details.append(ClaimIds("Claims", tuple(item.claim_ids)))
    if item.communities:
        details.append(Words("From", "; ".join(item.communities)))
    return QueueLines(item.id, item.kind, item.asked, item.first_at, item.text, tuple(details))

"""The one builder behind every history and queue listing: which details show, in which order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.moderation_lines import ClaimIds, Link, Words, history_lines, queue_lines, reach_line
from bot.replies import HistoryReply
from knowledge.models import Candidate, HistoryEntry, Moderator, QueueItem, Quote
from knowledge.posted import Reach

AT = datetime(2025, 2, 14, 9, 5, tzinfo=UTC)
ANA = Moderator(platform="cli", user_id="ana", name="Ana")


def _entry(**fields: str | None) -> HistoryEntry:
    base: dict[str, str | None] = {"text": None, "reason": None, "url": None, "credit": None}
    return HistoryEntry(id=1, claim_id="c", action="correct", by=ANA, at=AT, **(base | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "reach", "details"),
    [
        ({}, None, ()),
        ({"reason": "why"}, None, (Words("Reason", "why"),)),
        (
            {"credit": "Reader", "url": "https://e.org", "reason": "why", "text": "New."},
            Reach(queued=1, updated=1),
            (
                Words("Text", "New."),
                Words("Reason", "why"),
                Link("URL", "https://e.org"),
                Words("Suggested by", "Reader"),
                Words("Posted messages", "1 queued: 1 updated, 0 noted, 0 skipped, 0 failed"),
            ),
        ),
        ({}, Reach(), (Words("Posted messages", "none showed this claim"),)),
    ],
    ids=["bare", "reason", "everything-in-order", "reached-nobody"],
)
def test_a_history_entry_shows_the_details_it_has_in_a_fixed_order(
    fields: dict[str, str], reach: Reach | None, details: tuple[object, ...]
) -> None:
    [lines] = history_lines(HistoryReply("c", [_entry(**fields)], {1: reach} if reach else {}))
    assert (lines.at, lines.action, lines.by) == (AT, "correct", ANA)
    assert lines.details == details


def _candidate(proposal: str) -> Candidate:
    quote = Quote(source_id="005_x", start=0, end=7, quote="Herring")
    return Candidate(
        item_id=1,
        source_id="005_x",
        proposal=proposal,
        quote=quote,
        text="t",
        topic="t",
        claim_id="c",
        similarity=0.5,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("proposal", "shows_quote"), [("new", True), ("conflicts", True), ("supports", False)])
def test_a_candidate_shows_its_quote_unless_it_only_supports_a_claim(proposal: str, shows_quote: bool) -> None:
    item = QueueItem(id=1, kind="candidate", text="t", first_at=AT, last_at=AT, candidate=_candidate(proposal))
    details = queue_lines(item).details
    assert details[0] == Words(None, details[0].text) and details[0].text.startswith("Proposed: ")  # type: ignore[union-attr]
    assert (Words("Quote", "Herring", quoted=True) in details) is shows_quote


def test_a_queue_item_lists_claims_then_communities() -> None:
    item = QueueItem(
        id=3,
        kind="unanswered",
        text="Q?",
        claim_ids=["a", "b"],
        asked=2,
        communities=["x", "y"],
        first_at=AT,
        last_at=AT,
    )
    lines = queue_lines(item)
    assert (lines.id, lines.kind, lines.asked, lines.since, lines.text) == (3, "unanswered", 2, AT, "Q?")
    assert lines.details == (ClaimIds("Claims", ("a", "b")), Words("From", "x; y"))


def test_the_reach_line_names_deleted_and_waiting_messages_only_when_there_are_any() -> None:
    assert (
        reach_line(Reach(queued=2, updated=1, pending=1))
        == "2 queued: 1 updated, 0 noted, 0 skipped, 0 failed, 1 waiting"
    )
    assert reach_line(Reach(queued=1, gone=1)).endswith("0 failed, 1 deleted by their channel")

"""Every model the store reads back is what was written, field by field, on both backends.

Each written value differs from every other, so a mapper that reads one column
under another's name (a community id as its name, a start as its end) fails here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from knowledge.articles.ingest import Proposal
from knowledge.models import Claim, Moderator, Quote, Source, Subscription
from knowledge.posted import PostedMessage
from knowledge.store import Store

T0 = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
BY = Moderator(platform="slack", user_id="U1", name="Ana", community_id="T1", community_name="Newsroom")
OTHER = Moderator(platform="discord", user_id="42", name="Ben", community_id="G7", community_name="Desk")


@pytest.fixture
async def store(location: str) -> AsyncIterator[Store]:
    async with Store.open(location) as store:
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO sources (id, sha256) VALUES ('s1', 'x')")
        for cid in ("claim-a", "claim-b"):
            quote = Quote(source_id="s1", start=0, end=4, quote="abcd")
            await store.moderation.add_claim(Claim(id=cid, text=f"{cid} text", topic="t", quotes=[quote]), BY, T0, "r")
        yield store


async def test_a_subscription(store: Store) -> None:
    sub = Subscription(
        platform="slack",
        channel_id="C1",
        post_time="08:30",
        timezone="Europe/Kyiv",
        created_by="Ana",
        created_at=T0,
        community_id="T1",
        audience="moderators",
    )
    await store.digests.upsert_subscription(sub)
    assert await store.digests.subscriptions() == [sub]


async def test_a_history_entry(store: Store) -> None:
    entry, _ = await store.moderation.append_action(
        "claim-a", "correct", OTHER, T0 + timedelta(hours=1), text="new", reason="why", url="https://e.org/x"
    )
    history = await store.moderation.history("claim-a")
    assert history is not None and history[-1] == entry and entry.by == OTHER


async def test_a_suggestion_and_its_decision(store: Store) -> None:
    made = await store.suggestions.add("claim-b", "better", "because", OTHER, T0, per_window=5, since=T0)
    assert made.by == OTHER and (made.claim_id, made.text, made.reason, made.at) == ("claim-b", "better", "because", T0)
    assert await store.suggestions.get(made.id) == made
    decided, _, _ = await store.suggestions.decide(
        made.id, accept=False, by=BY, at=T0 + timedelta(hours=2), reason="no"
    )
    stored = await store.suggestions.get(made.id)
    assert stored is not None and stored.model_dump(exclude={"decision_reason"}) == decided.model_dump(
        exclude={"decision_reason"}
    )
    assert (stored.status, stored.decided_by, stored.decided_at, stored.decision_reason) == (
        "rejected",
        "Ana",
        T0 + timedelta(hours=2),
        "no",
    )


async def test_a_queue_item_and_a_taught_phrasing(store: Store) -> None:
    later = T0 + timedelta(minutes=5)
    item_id = await store.queue.note("unanswered", "k", "who called", T0, community="slack: Newsroom", claim_ids=["b"])
    await store.queue.note("unanswered", "k", "who called", later, community="discord: Desk", claim_ids=["a"])
    item = await store.queue.get(item_id)
    assert item is not None
    assert item.model_dump(exclude={"id"}) == {
        "kind": "unanswered",
        "text": "who called",
        "claim_ids": ["a", "b"],
        "suggestion_id": None,
        "asked": 2,
        "communities": ["slack: Newsroom", "discord: Desk"],
        "first_at": T0,
        "last_at": later,
        "status": "open",
        "closed_by": None,
        "close_reason": None,
        "candidate": None,
    }
    taught, _, _ = await store.queue.teach(item_id, "who called whom", "key-1", "claim-a", BY, later)
    assert (taught.claim_id, taught.phrasing, taught.key) == ("claim-a", "who called whom", "key-1")
    assert await store.queue.taught_for_item(item_id) == taught
    undone, _ = await store.queue.unteach(taught.id, BY, later)
    assert undone == taught
    reopened = await store.queue.get(item_id)
    assert reopened is not None and reopened.status == "open"  # the item it was taught from is open again


async def test_a_posted_message_and_its_outbox_item(store: Store) -> None:
    posted = PostedMessage(
        platform="slack",
        community_id="T1",
        channel_id="C1",
        message_id="1700.1",
        thread_id="1699.9",
        kind="digest",
        claim_ids=["claim-a", "claim-b"],
        question_id=None,
        render={"scope": "T1", "period": 1},
        content_version=3,
        edit_via="response_url",
        edit_token="https://hooks.example/1",
        edit_until=T0 + timedelta(minutes=30),
        edit_uses=5,
        after_expiry="note",
        is_private=True,
        posted_at=T0,
    )
    posted_id = await store.posted.record(posted)
    stored = posted.model_copy(update={"id": posted_id})
    assert await store.posted.get(posted_id) == stored
    entry, version = await store.moderation.append_action("claim-b", "retract", BY, T0, reason="gone")
    [item] = await store.outbox.claim("slack", "w1", T0, T0 - timedelta(minutes=2), 10)
    assert item.posted == stored
    assert (item.change_id, item.claim_id, item.content_version, item.status, item.attempts, item.claimed_by) == (
        entry.id,
        "claim-b",
        version,
        "claimed",
        1,
        "w1",
    )
    await store.outbox.finish(item, "failed", T0, error="boom")
    [failure] = await store.outbox.failures()
    assert (failure.id, failure.platform, failure.claim_id, failure.error) == (item.id, "slack", "claim-b", "boom")


async def test_an_ingest_candidate_and_its_article(store: Store) -> None:
    text = "Officials met in Riyadh. They talked for hours."
    quote = Quote(source_id="s9", start=25, end=47, quote="They talked for hours.")
    proposal = Proposal("conflicts", quote, "The talks lasted hours.", "claim-a", 0.75, "talks", ["Riyadh"], "Rubio")
    source, [item_id] = await store.candidates.add_article(Source(id="s9"), text, "sha-9", [proposal], BY, T0)
    candidate = await store.candidates.get(item_id)
    assert candidate is not None
    assert candidate.model_dump() == {
        "item_id": item_id,
        "source_id": "s9",
        "proposal": "conflicts",
        "quote": quote.model_dump(),
        "text": "The talks lasted hours.",
        "topic": "talks",
        "entities": ["Riyadh"],
        "said_by": "Rubio",
        "claim_id": "claim-a",
        "similarity": 0.75,
        "accepted_claim_id": None,
    }
    [article] = await store.candidates.ingested_articles()
    assert (article.source_id, article.text) == (source.id, text)
    assert [s for s in await store.claims.list_sources() if s.id == "s9"] == [source]

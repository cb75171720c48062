"""Readers' suggestions on both backends: the rate limit counts per user and says when the next one fits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from knowledge.errors import BadInput
from knowledge.models import Claim, Moderator, Quote
from knowledge.store import Store

T0 = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
READER = Moderator(platform="discord", user_id="42", name="Reader", community_id="G1")
OTHER = Moderator(platform="slack", user_id="42", name="Namesake", community_id="T1")


async def test_the_limit_states_itself_and_lifts_when_the_oldest_suggestion_leaves_the_window(location: str) -> None:
    async with Store.open(location) as store:
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO sources (id, sha256) VALUES ('s1', 'x')")
        claim = Claim(id="c", text="t", topic="t", quotes=[Quote(source_id="s1", start=0, end=1, quote="a")])
        await store.moderation.add_claim(claim, READER, T0, "r")

        async def suggest(by: Moderator, at: datetime) -> None:
            await store.suggestions.add("c", "better", "why", by, at, per_window=3, since=at - HOUR)

        for minutes in (0, 10, 20):
            await suggest(READER, T0 + timedelta(minutes=minutes))
        with pytest.raises(BadInput) as refused:
            await suggest(READER, T0 + timedelta(minutes=25))
        # The one made at 9:00 leaves the hour at 10:00: 35 minutes after 9:25.
        assert str(refused.value) == "You can make 3 suggestions an hour; try again in 35 minutes."
        await suggest(OTHER, T0 + timedelta(minutes=25))  # the same user id on another platform is someone else
        await suggest(READER, T0 + timedelta(minutes=60))
        assert len(await store.suggestions.list()) == 5

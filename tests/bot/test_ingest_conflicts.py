"""One sentence that contradicts several claims comes as one conflict candidate per claim;
accepting them all makes one claim, linked to each, never a claim per candidate. On both
backends, through the service."""

from __future__ import annotations

import pytest

from bot.permissions import ModerationPolicy
from bot.service import TalksService
from knowledge.errors import BadInput
from knowledge.store import Store
from tests.bot.test_ingest import OPERATOR
from tests.conftest import FakeClock

# A made-up report naming another roster for the US talks than either stored one.
# (Not Vance and Rubio: that would restate the stored Vance–Rubio claim, which the store
# already holds in conflict with both teams, and the sentence's support is the proposal then.)
ROSTER = "The American team at the talks will be Marco Rubio and Steve Witkoff, officials in Washington said."
ARTICLE = f"Who leads the talks\n\n{ROSTER}\n"


async def test_two_conflict_candidates_of_one_sentence_make_one_claim_linked_to_both(location: str) -> None:
    async with Store.open(location) as store:
        service = TalksService(store, policy=ModerationPolicy(), clock=FakeClock())
        await service.start()
        await service.ingest(OPERATOR, ARTICLE.encode("utf-8"), "006_roster.txt", outlet="Test Wire")
        items = [
            i
            for i in await service.candidates(OPERATOR)
            if i.candidate and i.candidate.quote.quote == ROSTER and i.candidate.proposal == "conflicts"
        ]
        targets = {i.candidate.claim_id for i in items if i.candidate}
        assert {"us-team-four-members", "us-team-three-members"} <= targets
        before = await store.claims.count()
        made = [(await service.decide(OPERATOR, i.id, accept=True)).claim_id for i in items]
        assert len(set(made)) == 1 and await store.claims.count() == before + 1
        claim = (await service.claim(made[0] or "")).claim
        assert {c for c, _ in claim.conflicts} == targets
        assert [q.quote for q in claim.quotes] == [ROSTER]
        for target in targets:
            assert made[0] in [c for c, _ in (await service.claim(target or "")).claim.conflicts]


async def test_a_sentence_accepted_as_a_support_first_still_makes_its_own_conflicting_claim(location: str) -> None:
    async with Store.open(location) as store:
        service = TalksService(store, policy=ModerationPolicy(), clock=FakeClock())
        await service.start()
        await service.ingest(OPERATOR, ARTICLE.encode("utf-8"), "006_roster.txt", outlet="Test Wire")
        supported = "vance-rubio-munich-talks"
        first, second = [
            i
            for i in await service.candidates(OPERATOR)
            if i.candidate
            and i.candidate.quote.quote == ROSTER
            and i.candidate.proposal == "conflicts"
            and i.candidate.claim_id != supported
        ][:2]
        await service.decide(OPERATOR, first.id, accept=True, accept_as="supports", claim=supported)
        made = (await service.decide(OPERATOR, second.id, accept=True)).claim_id
        assert made not in (None, supported)
        claim = (await service.claim(made or "")).claim
        assert [c for c, _ in claim.conflicts] == [second.candidate.claim_id if second.candidate else None]
        assert made not in [c for c, _ in (await service.claim(supported)).claim.conflicts]


async def test_a_sentence_that_made_a_claim_is_never_made_a_second_claim(location: str) -> None:
    async with Store.open(location) as store:
        service = TalksService(store, policy=ModerationPolicy(), clock=FakeClock())
        await service.start()
        await service.ingest(OPERATOR, ARTICLE.encode("utf-8"), "006_roster.txt", outlet="Test Wire")
        first, second = [
            i
            for i in await service.candidates(OPERATOR)
            if i.candidate and i.candidate.quote.quote == ROSTER and i.candidate.proposal == "conflicts"
        ][:2]
        made = (await service.decide(OPERATOR, first.id, accept=True)).claim_id
        before, version = await store.claims.count(), service.content_version
        with pytest.raises(BadInput, match=f"already claim {made}"):
            await service.decide(OPERATOR, second.id, accept=True, accept_as="new")
        assert await store.claims.count() == before and service.content_version == version
        assert (await service.queue_item(OPERATOR, second.id)).status == "open"

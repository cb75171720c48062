"""The review queue: grouped unanswered questions, teaching across processes, undo, dismiss,
suggestions accepted with credit, and moderators only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.permissions import Actor, ModerationPolicy
from bot.service import TalksService
from knowledge.errors import BadInput, NotFound, PermissionDenied
from knowledge.models import Moderator, Place
from knowledge.store import Store
from tests.conftest import FakeClock

QUESTION = "What did the pope say about the peace talks?"
SAME = ["what did the Pope say about the peace talks??", "What did the pope say about the peace talks"]
CLOSE_VARIANT = "What did the Pope say about the Ukraine peace talks?"
NOT_A_VARIANT = "What did the pope say about the Merkel peace talks?"
CLAIM = "europe-fears-being-sidelined"
OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
GUILD = Place(platform="discord", community_id="111111111111111111", community_name="Newsroom", channel_id="5")
READER = Actor(
    Moderator(platform="discord", user_id="222222222222222222", name="Reader", community_id=GUILD.community_id)
)


def cli(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TALKSBOT_DB=str(db), TALKSBOT_OPERATOR="Ana")
    return subprocess.run(
        [sys.executable, "-m", "adapters.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )


async def answer_ids(service: TalksService, question: str) -> list[str]:
    reply = await service.ask(question, GUILD)
    return [v.claim_id for v in getattr(reply, "claims", [])]


@pytest.fixture
async def claim_id(service: TalksService) -> str:
    ids = [v.claim_id for v in await service.all_claims()]
    assert CLAIM in ids, "the test's claim id left the curated file"
    return CLAIM


async def test_near_identical_unanswered_questions_make_one_item_with_a_count(service: TalksService) -> None:
    for q in [QUESTION, *SAME]:
        assert await answer_ids(service, q) == []
    await service.ask(QUESTION, Place(platform="slack", community_id="T0001", community_name="desk"))
    await service.ask("Where did the pope talk about peace?", GUILD)  # another question: its own item
    items = await service.queue(OPERATOR)
    grouped = [i for i in items if i.text == QUESTION]
    assert len(grouped) == 1
    assert grouped[0].kind == "unanswered" and grouped[0].asked == 4
    assert grouped[0].communities == ["discord: Newsroom", "slack: desk"]
    assert len(items) == 2


async def test_teaching_in_one_process_answers_the_phrasing_and_a_close_variant_in_another(
    service: TalksService, db_path: Path, claim_id: str
) -> None:
    await service.ask(QUESTION, GUILD)
    [item] = await service.queue(OPERATOR)

    taught = cli(db_path, "teach", str(item.id), claim_id)
    assert taught.returncode == 0, taught.stderr
    assert (await answer_ids(service, QUESTION))[:1] == [claim_id]
    assert (await answer_ids(service, SAME[0]))[:1] == [claim_id]
    assert (await answer_ids(service, CLOSE_VARIANT))[:1] == [claim_id]
    # A name the articles never use is new information, not a variant.
    assert claim_id not in (await answer_ids(service, NOT_A_VARIANT))[:1]
    # The taught item left the queue; the unanswered non-variant is an item of its own.
    assert [i.text for i in await service.queue(OPERATOR)] == [NOT_A_VARIANT]
    history = (await service.history(OPERATOR, claim_id)).entries
    assert [(e.action, e.text) for e in history] == [("teach", QUESTION)]

    undone = cli(db_path, "teach", str(item.id), "--undo")
    assert undone.returncode == 0, undone.stderr
    assert claim_id not in (await answer_ids(service, QUESTION))[:1]
    assert item.id in [i.id for i in await service.queue(OPERATOR)]
    assert [e.action for e in (await service.history(OPERATOR, claim_id)).entries] == ["teach", "unteach"]


async def test_dismiss_hides_an_item_and_a_new_ask_opens_a_fresh_one(service: TalksService) -> None:
    await service.ask(QUESTION, GUILD)
    [item] = await service.queue(OPERATOR)
    await service.dismiss(OPERATOR, item.id, "not in the articles")
    assert await service.queue(OPERATOR) == []
    await service.ask(QUESTION, GUILD)
    [again] = await service.queue(OPERATOR)
    assert again.id != item.id and again.asked == 1


async def test_an_accepted_suggestion_is_a_correction_crediting_both(service: TalksService, claim_id: str) -> None:
    original = (await service.claim(claim_id)).claim.text
    suggestion = await service.suggest(READER, claim_id, "A better wording.", "the article says so")
    assert (await service.claim(claim_id)).claim.text == original  # waiting, not a fact
    [item] = [i for i in await service.queue(OPERATOR) if i.kind == "suggestion"]
    assert item.suggestion_id == suggestion.id

    decided, entry = await service.decide_suggestion(OPERATOR, item.id, accept=True)
    assert decided.status == "accepted"
    assert entry is not None and entry.action == "correct" and entry.by.name == "Ana"
    assert entry.credit is not None and "Reader" in entry.credit and READER.who.user_id in entry.credit
    card = (await service.claim(claim_id)).claim
    assert card.text == "A better wording." and card.status == "corrected"
    assert await service.queue(OPERATOR) == []


async def test_a_rejected_suggestion_changes_nothing(service: TalksService, claim_id: str) -> None:
    original = (await service.claim(claim_id)).claim.text
    await service.suggest(READER, claim_id, "Wrong wording.", "I think so")
    [item] = await service.queue(OPERATOR)
    decided, entry = await service.decide_suggestion(OPERATOR, item.id, accept=False, reason="the article disagrees")
    assert decided.status == "rejected" and entry is None
    assert (await service.claim(claim_id)).claim.text == original
    assert (await service.history(OPERATOR, claim_id)).entries == []


async def test_non_moderators_can_neither_see_nor_act_on_the_queue(
    db_path: Path, clock: FakeClock, service: TalksService, claim_id: str
) -> None:
    await service.ask(QUESTION, GUILD)
    [item] = await service.queue(OPERATOR)
    guild_admin = Actor(READER.who, community_moderator=True)  # admin of a guild the operator did not name
    async with Store.open(db_path) as store:
        scoped = TalksService(store, clock=clock, policy=ModerationPolicy.of(communities=[("slack", "T0001")]))
        await scoped.start()
        for actor in (READER, guild_admin):
            with pytest.raises(PermissionDenied):
                await scoped.queue(actor)
            with pytest.raises(PermissionDenied):
                await scoped.teach(actor, item.id, claim_id)
            with pytest.raises(PermissionDenied):
                await scoped.dismiss(actor, item.id, "spam")
    assert [i.id for i in await service.queue(OPERATOR)] == [item.id]


async def test_queue_actions_refuse_what_does_not_apply(service: TalksService, claim_id: str) -> None:
    await service.ask(QUESTION, GUILD)
    [question] = await service.queue(OPERATOR)
    await service.suggest(READER, claim_id, "Another wording.", "because")
    [suggestion] = [i for i in await service.queue(OPERATOR) if i.kind == "suggestion"]
    with pytest.raises(BadInput, match="Only a question can be taught"):
        await service.teach(OPERATOR, suggestion.id, claim_id)
    with pytest.raises(BadInput, match="Nothing was taught"):
        await service.unteach(OPERATOR, question.id)
    with pytest.raises(BadInput, match="not a suggestion"):
        await service.decide_suggestion(OPERATOR, question.id, accept=True)
    await service.dismiss(OPERATOR, question.id, "off-topic")
    with pytest.raises(BadInput, match="already dismissed"):
        await service.dismiss(OPERATOR, question.id, "again")
    with pytest.raises(NotFound, match="no queue item #999"):
        await service.dismiss(OPERATOR, 999, "gone")

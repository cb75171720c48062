"""Who may change the facts: every moderator-only method of the service refuses everyone
else and writes nothing, and the operator's named users and communities count only on
the platform they were named for."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.permissions import Actor, ModerationPolicy
from bot.service import TalksService
from knowledge.errors import PermissionDenied
from knowledge.models import Moderator, Place
from knowledge.store import Store
from tests.conftest import OPERATOR

SLACK_TEAM = "T0000MODS"  # the one community the operator named
ALICE = "UALICE0001"  # the one user the operator named, on Slack
GUILD = "111111111111111111"  # a Discord guild that invited the bot; never named


@pytest.fixture
def policy() -> ModerationPolicy:
    return ModerationPolicy.of(communities=[("slack", SLACK_TEAM)], users=[("slack", ALICE)])


def _actor(platform: str, user_id: str, community_id: str | None, *, community_moderator: bool = False) -> Actor:
    who = Moderator(platform=platform, user_id=user_id, name=f"{platform} {user_id}", community_id=community_id)
    return Actor(who, community_moderator)


ALICE_ON_SLACK = _actor("slack", ALICE, "T0000ELSE")
# (actor, may moderate): the named user and the named community's own moderators count,
# each only on the platform the operator named them for.
SCOPE: list[tuple[str, Actor, bool]] = [
    ("local operator", OPERATOR, True),
    ("named user on her platform", ALICE_ON_SLACK, True),
    ("named community's moderator", _actor("slack", "UMOD000001", SLACK_TEAM, community_moderator=True), True),
    # The same user id on another platform is someone else.
    ("named user's id on discord", _actor("discord", ALICE, GUILD), False),
    ("named user's id on discord, as guild admin", _actor("discord", ALICE, GUILD, community_moderator=True), False),
    # The same community id on another platform is another community.
    ("named community's id on discord", _actor("discord", "UMOD000001", SLACK_TEAM, community_moderator=True), False),
    ("named community's member", _actor("slack", "UREADER001", SLACK_TEAM), False),
    ("admin of an unnamed guild", _actor("discord", "222222222222222222", GUILD, community_moderator=True), False),
    ("reader", _actor("discord", "333333333333333333", GUILD), False),
    ("reader in a DM", _actor("discord", "333333333333333333", None, community_moderator=True), False),
]
NON_MODERATORS = [actor for _name, actor, may in SCOPE if not may]


@pytest.mark.parametrize(("actor", "may"), [(a, m) for _n, a, m in SCOPE], ids=[n for n, _a, _m in SCOPE])
def test_the_operators_scope(policy: ModerationPolicy, actor: Actor, may: bool) -> None:
    assert policy.may_moderate(actor) is may


# ---- every moderator-only method, called by everyone else -----------------------------------

PLACE = Place(platform="discord", community_id=GUILD, community_name="Newsroom", channel_id="5")
CLAIM = "call-date-february-12"  # active
CORRECTED = "europe-fears-being-sidelined"  # corrected by the operator in `world`
UNANSWERED = ["What did the otter envoy promise in Geneva?", "Which walrus chaired the Riyadh talks?"]
ARTICLE = (
    "Envoys prepare for talks in Riyadh\n"
    "\n"
    "A Kremlin aide later claimed that the phone call between Trump and Putin had lasted two hours.\n"
    "Kremlin spokesman Dmitry Peskov confirmed that the phone call lasted nearly an hour and a half.\n"
)
ANOTHER_ARTICLE = (
    "Talks resume\n\nA Kremlin aide said that the delegations would meet again in Riyadh within a fortnight.\n"
)


@dataclass(frozen=True)
class World:
    """Something for every moderator-only method to act on: each call below would succeed for a moderator."""

    open_item: int  # an unanswered question
    taught_item: int  # a question the operator taught
    suggestion_item: int
    candidate_item: int


@pytest.fixture
async def world(service: TalksService) -> World:
    for question in UNANSWERED:
        await service.ask(question, PLACE)
    open_item, taught_item = [i.id for i in await service.queue(OPERATOR) if i.kind == "unanswered"]
    await service.teach(OPERATOR, taught_item, CLAIM)
    await service.correct(OPERATOR, CORRECTED, "Europe fears it is left out.", "clearer")
    await service.suggest(_actor("discord", "4", GUILD), CLAIM, "It was on 12 February.", "shorter")
    await service.ingest(OPERATOR, ARTICLE.encode(), "005_riyadh.txt", outlet="Test Wire")
    items = await service.queue(OPERATOR, limit=500)
    suggestion = next(i.id for i in items if i.kind == "suggestion")
    candidate = next(i.id for i in items if i.kind == "candidate")
    return World(open_item, taught_item, suggestion, candidate)


Call = Callable[[TalksService, Actor, World], Awaitable[Any]]
MODERATOR_ONLY: dict[str, Call] = {
    "correct": lambda s, a, w: s.correct(a, CLAIM, "The call was on 12 February 2025.", "clearer"),
    "retract": lambda s, a, w: s.retract(a, CLAIM, "duplicate"),
    "restore": lambda s, a, w: s.restore(a, CORRECTED, "the article says so"),
    "add_claim": lambda s, a, w: s.add_claim(a, text="A moderator's note.", reason="r", url="https://example.org/a"),
    "history": lambda s, a, w: s.history(a, CORRECTED),
    "history_search": lambda s, a, w: s.history_search(a, since=datetime(2025, 1, 1, tzinfo=UTC)),
    "open_suggestions": lambda s, a, w: s.open_suggestions(a),
    "queue": lambda s, a, w: s.queue(a),
    "queue_listing": lambda s, a, w: s.queue_listing(a),  # it also expires old items: a refusal must not
    "dismiss_many": lambda s, a, w: s.dismiss_many(a, "spam", first=w.open_item, last=w.open_item),
    "queue_item": lambda s, a, w: s.queue_item(a, w.open_item),
    "teach": lambda s, a, w: s.teach(a, w.open_item, CLAIM),
    "unteach": lambda s, a, w: s.unteach(a, w.taught_item),
    "dismiss": lambda s, a, w: s.dismiss(a, w.open_item, "off-topic"),
    "decide_suggestion": lambda s, a, w: s.decide_suggestion(a, w.suggestion_item, accept=True),
    "decide": lambda s, a, w: s.decide(a, w.candidate_item, accept=True),
    "accept_from_chat": lambda s, a, w: s.accept_from_chat(a, w.candidate_item),
    "ingest": lambda s, a, w: s.ingest(a, ANOTHER_ARTICLE.encode(), "006_resume.txt"),
    "candidates": lambda s, a, w: s.candidates(a),
    "candidate_total": lambda s, a, w: s.candidate_total(a),
    "propose_more": lambda s, a, w: s.propose_more(a, "005_riyadh"),
    "reject_source": lambda s, a, w: s.reject_source(a, "005_riyadh", "wire copy"),
    "export_claims": lambda s, a, w: s.export_claims(a),
    "subscribe": lambda s, a, w: s.subscribe(a, PLACE, "08:00", "UTC", "moderators"),
}
# Methods that take an actor but are open to others, by their own rule: anyone may
# suggest; a channel's public digest is its community's own moderators' business
# (tests/bot/test_digest_scope.py); `subscribe` with audience "moderators" is above.
OPEN_TO_OTHERS = {"suggest", "subscribe", "unsubscribe", "may_moderate"}


def _dump(db: Path) -> list[str]:
    """Every row of the database, committed: what a refused call must leave as it was."""
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.mark.parametrize("method", list(MODERATOR_ONLY))
async def test_non_moderators_are_refused_and_nothing_is_written(
    service: TalksService, store: Store, db_path: Path, world: World, method: str
) -> None:
    call = MODERATOR_ONLY[method]
    version, rows = await store.claims.content_version(), _dump(db_path)
    for actor in NON_MODERATORS:
        with pytest.raises(PermissionDenied):
            await call(service, actor, world)
        assert await store.claims.content_version() == version
        assert service.content_version == version
        assert _dump(db_path) == rows, f"{method} by {actor.who.platform} {actor.who.user_id} wrote"
    await call(service, ALICE_ON_SLACK, world)  # the same call, by a moderator, goes through


def test_every_method_that_takes_an_actor_is_in_the_table() -> None:
    takes_actor = {
        name
        for name, member in inspect.getmembers(TalksService, inspect.isfunction)
        if not name.startswith("_") and "actor" in inspect.signature(member).parameters
    }
    assert takes_actor == set(MODERATOR_ONLY) | OPEN_TO_OTHERS

"""Activity is local: a channel's digest counts only its own community's public questions.

Questions are asked from two Discord guilds, a Slack workspace, a Discord DM, a
Slack DM (logged with its workspace's id, marked private) and the CLI; readers
mark answers wrong in two guilds; a reader suggests a correction. Each digest
may show only what its scope allows: a public digest counts its community's
non-private questions and never shows their text; the moderators' digest adds
that text, the unanswered questions, the "wrong" reports and waiting
suggestions — still of its own community only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.digest import DigestScope, build_digest, digest_json, preview_digest
from bot.permissions import Actor, ModerationPolicy
from bot.replies import AnswerReply, DigestReply
from bot.scheduler import DigestScheduler
from bot.service import DigestDesk, TalksService
from knowledge.errors import NotFound, PermissionDenied
from knowledge.models import Moderator, Place
from tests.conftest import OPERATOR, FakeClock

HOME = "1001"  # the guild whose channel gets the digest; the operator configured it
OTHER = "2002"  # another guild that invited the bot
TEAM = "T0001"  # a Slack workspace

HOME_CHANNEL = Place(platform="discord", community_id=HOME, channel_id="501")
HOME_OTHER_CHANNEL = Place(platform="discord", community_id=HOME, channel_id="502")
OTHER_GUILD = Place(platform="discord", community_id=OTHER, channel_id="601")
SLACK = Place(platform="slack", community_id=TEAM, channel_id="C1")
DM = Place(platform="discord", channel_id="701", is_private=True)
# Slack logs a DM with the workspace it belongs to: only `is_private` keeps it out.
SLACK_DM = Place(platform="slack", community_id=TEAM, channel_id="D1", is_private=True)

ANSWERED = "How long was the Trump Putin phone call?"
# Each text below is unique to where it is asked, and appears in no claim.
ASKED = {
    "home": (HOME_CHANNEL, "Is the zebra treaty about porcupines?"),
    "home-2": (HOME_OTHER_CHANNEL, "What about the walrus accord in the fjord?"),
    "other-guild": (OTHER_GUILD, "Did the flamingo summit ever happen?"),
    "slack": (SLACK, "Who signed the marmalade protocol?"),
    "dm": (DM, "Tell me about the narwhal pact privately?"),
    "slack-dm": (SLACK_DM, "What did the okapi delegation decide?"),
    "cli": (Place(platform="cli"), "Is the pelican memorandum real?"),
}
MARKERS = {
    "home": "zebra",
    "home-2": "walrus",
    "other-guild": "flamingo",
    "slack": "marmalade",
    "dm": "narwhal",
    "slack-dm": "okapi",
}


@pytest.fixture
def policy() -> ModerationPolicy:
    return ModerationPolicy.of(communities=[("discord", HOME)])


def member(community: str | None, *, local_moderator: bool = False, user: str = "42") -> Actor:
    return Actor(
        Moderator(platform="discord", user_id=user, name=f"user {user}", community_id=community), local_moderator
    )


async def _activity(service: TalksService) -> str:
    """Ask everywhere; mark an answer wrong in HOME and in OTHER; one suggestion. Returns the wrong claim."""
    for place, question in ASKED.values():
        await service.ask(question, place)
    home = await service.ask(ANSWERED, HOME_CHANNEL)
    other = await service.ask(ANSWERED, OTHER_GUILD)
    assert isinstance(home, AnswerReply) and isinstance(other, AnswerReply)
    assert home.question_id is not None and other.question_id is not None
    wrong_here, wrong_there = home.claims[0].claim_id, other.claims[-1].claim_id
    await service.record_feedback(HOME_CHANNEL, "u1", home.question_id, wrong_here, "wrong")
    await service.record_feedback(OTHER_GUILD, "u2", other.question_id, wrong_there, "wrong")
    await service.record_feedback(OTHER_GUILD, "u3", other.question_id, wrong_there, "wrong")
    await service.suggest(member(HOME), wrong_here, "The call took two hours.", "I heard it on the radio")
    return wrong_here


def _dump(reply: DigestReply) -> str:
    return json.dumps(digest_json(reply), ensure_ascii=False).lower()


def _section(reply: DigestReply, prefix: str) -> list[str]:
    found = [s for s in reply.sections if s.title.startswith(prefix)]
    return [i.text for s in found for i in s.items]


async def _digest(service: TalksService, clock: FakeClock, scope: DigestScope) -> DigestReply:
    return await build_digest(
        DigestDesk(service), since=clock() - timedelta(hours=1), now=clock() + timedelta(minutes=1), scope=scope
    )


async def test_a_public_digest_counts_only_its_communitys_public_questions_and_shows_no_text(
    service: TalksService, clock: FakeClock
) -> None:
    await _activity(service)
    public = await _digest(service, clock, DigestScope("discord", HOME))
    # HOME: its two marker questions and one answered question, from both of its channels.
    assert _section(public, "Questions asked here") == ["3 questions, 2 not answered from the sources."]
    dumped = _dump(public)
    for marker in MARKERS.values():
        assert marker not in dumped
    assert ANSWERED.lower() not in dumped
    for moderators_only in ("Not answered", "Answers readers marked wrong", "Review queue"):
        assert _section(public, moderators_only) == []


async def test_the_moderators_digest_shows_its_own_communitys_questions_reports_and_suggestions(
    service: TalksService, clock: FakeClock
) -> None:
    wrong_here = await _activity(service)
    mods = await _digest(service, clock, DigestScope("discord", HOME, "moderators"))
    dumped = _dump(mods)
    assert "zebra" in dumped and "walrus" in dumped
    for elsewhere in ("flamingo", "marmalade", "narwhal", "okapi", "pelican"):
        assert elsewhere not in dumped
    unanswered = _section(mods, "Not answered")
    assert len(unanswered) == 2 and all("zebra" in t or "walrus" in t for t in unanswered)
    assert _section(mods, "Answers readers marked wrong") == [f"{wrong_here}: marked wrong 1×"]
    # The suggestion waits in the review queue, which the digest counts but never quotes:
    # the queue holds readers' words from every community.
    waiting, *oldest = _section(mods, "Review queue")
    assert waiting.endswith("items in the review queue.")
    queue = await service.queue(OPERATOR)
    assert int(waiting.split()[0]) == len(queue)
    # The oldest items by number and kind only.
    assert oldest == [f"#{i.id} {i.kind}, asked {i.asked}×" for i in queue[:3]]
    assert any(item.kind == "suggestion" and "two hours" in item.text for item in queue)
    assert "two hours" not in dumped


@pytest.mark.parametrize(
    ("scope", "counts", "markers"),
    [
        # The workspace's DM is neither counted nor shown, even to its moderators.
        (DigestScope("discord", OTHER, "moderators"), ["2 questions, 1 not answered from the sources."], {"flamingo"}),
        (DigestScope("slack", TEAM, "moderators"), ["1 question, 1 not answered from the sources."], {"marmalade"}),
        # A Discord channel digest with no guild never picks up DMs.
        (DigestScope("discord", None, "moderators"), [], set()),
    ],
    ids=["other-guild", "slack", "no-guild"],
)
async def test_every_community_sees_only_its_own(
    service: TalksService, clock: FakeClock, scope: DigestScope, counts: list[str], markers: set[str]
) -> None:
    await _activity(service)
    reply = await _digest(service, clock, scope)
    assert [t for t in _section(reply, "Questions asked here") if "not answered" in t] == counts
    dumped = _dump(reply)
    assert {m for m in MARKERS.values() if m in dumped} == markers


async def test_a_scheduled_public_digest_posts_no_question_text(service: TalksService, clock: FakeClock) -> None:
    clock.now = datetime(2025, 2, 14, 7, 0, tzinfo=UTC)
    await service.subscribe(member(HOME, local_moderator=True), HOME_CHANNEL, "08:00", "Europe/Kyiv")
    await _activity(service)
    posted: list[tuple[str, DigestReply]] = []

    class Poster:
        async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
            posted.append((channel_id, digest))

    [outcome] = await DigestScheduler(DigestDesk(service), "discord", Poster(), clock=clock).run_due()
    assert outcome.posted
    [(channel, digest)] = posted
    assert channel == HOME_CHANNEL.channel_id
    assert _section(digest, "Questions asked here") == ["3 questions, 2 not answered from the sources."]
    dumped = _dump(digest)
    assert not any(marker in dumped for marker in MARKERS.values())
    assert _section(digest, "Answers readers marked wrong") == []


@pytest.mark.parametrize(
    "actor",
    [
        member(HOME),  # an ordinary member of the configured guild
        member(OTHER, local_moderator=True),  # a moderator of a guild the operator did not configure
        member(None, local_moderator=True),
    ],
    ids=["member", "unconfigured-guild-moderator", "no-guild"],
)
async def test_a_non_moderator_cannot_subscribe_the_moderators_digest(service: TalksService, actor: Actor) -> None:
    place = Place(platform="discord", community_id=actor.who.community_id, channel_id="900")
    with pytest.raises(PermissionDenied):
        await service.subscribe(actor, place, "08:00", "UTC", "moderators")
    assert await service.subscriptions("discord") == []


async def test_a_configured_moderator_subscribes_the_moderators_digest(service: TalksService) -> None:
    sub = await service.subscribe(member(HOME, local_moderator=True), HOME_CHANNEL, "08:00", "UTC", "moderators")
    assert (sub.community_id, sub.audience) == (HOME, "moderators")
    # A guild's own moderator may still manage its channel's public digest: it concerns only that channel.
    other = Place(platform="discord", community_id=OTHER, channel_id="601")
    public = await service.subscribe(member(OTHER, local_moderator=True), other, "08:00", "UTC")
    assert (public.community_id, public.audience) == (OTHER, "public")
    with pytest.raises(PermissionDenied):
        await service.subscribe(member(OTHER), other, "09:00", "UTC")


@pytest.mark.parametrize(
    ("audience", "actor", "sees_questions"),
    [
        ("moderators", member(HOME, local_moderator=True), True),
        ("moderators", member(HOME), False),  # the channel's own member: counts only
        ("moderators", member(OTHER, local_moderator=True), False),  # a moderator where the operator said nothing
        ("public", member(HOME, local_moderator=True), False),  # a public channel previews its public digest
        (None, member(HOME, local_moderator=True), False),  # no subscription: the public digest
    ],
    ids=["moderator", "member", "unconfigured-moderator", "public-channel", "unsubscribed"],
)
async def test_a_preview_shows_question_text_only_to_a_moderator_of_a_moderators_channel(
    service: TalksService, clock: FakeClock, audience: str | None, actor: Actor, sees_questions: bool
) -> None:
    if audience is not None:
        await service.subscribe(member(HOME, local_moderator=True), HOME_CHANNEL, "08:00", "UTC", audience)  # type: ignore[arg-type]
    await _activity(service)
    clock.now += timedelta(minutes=1)
    dumped = _dump(await preview_digest(service, actor, HOME_CHANNEL))
    assert ("zebra" in dumped) is sees_questions
    assert "flamingo" not in dumped  # never another community's


@pytest.mark.parametrize(
    ("community", "asked"), [(HOME, 3), (OTHER, 2), (TEAM, 1)], ids=["home", "other-guild", "slack"]
)
async def test_question_stats_count_only_public_questions(
    service: TalksService, clock: FakeClock, community: str, asked: int
) -> None:
    await _activity(service)
    platform = "slack" if community == TEAM else "discord"
    stats = await DigestDesk(service).question_stats(clock() - timedelta(hours=1), platform, community)
    assert stats.total == asked
    assert not any(marker in q for q, _n in stats.top + stats.unanswered_top for marker in ("narwhal", "okapi"))


async def test_feedback_names_a_question_of_its_own_platform(service: TalksService, clock: FakeClock) -> None:
    """A button's question id is a number anyone can forge: one asked on Slack takes no
    vote from Discord, even where the Discord guild's id is the Slack team's."""
    asked = await service.ask(ANSWERED, SLACK)
    assert isinstance(asked, AnswerReply) and asked.question_id is not None
    claim = asked.claims[0].claim_id
    for place in (HOME_CHANNEL, Place(platform="discord", community_id=TEAM, channel_id="C1")):
        with pytest.raises(NotFound):
            await service.record_feedback(place, "u9", asked.question_id, claim, "wrong")
    since = clock() - timedelta(hours=1)
    for community in (HOME, TEAM):
        assert await DigestDesk(service).wrong_reports(since, "discord", community) == []
    assert [i for i in await service.queue(OPERATOR) if i.kind == "wrong"] == []
    # The same vote from the Slack workspace it was asked in counts.
    await service.record_feedback(SLACK, "u9", asked.question_id, claim, "wrong")
    assert await DigestDesk(service).wrong_reports(since, "slack", TEAM) == [(claim, 1)]

"""Floods of the review queue: what one reader and one community can add per hour, people
counted once, untouched items expiring, each kind listed on its own with its total, and
bulk dismiss for moderators only (service, and the CLI in another process)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import messages
from bot.permissions import Actor, ModerationPolicy
from bot.service import DigestDesk, TalksService
from bot.service.intake import EXPIRE_AFTER, PER_COMMUNITY_PER_HOUR, PER_PERSON_PER_HOUR, limits_sentence
from knowledge.errors import BadInput, PermissionDenied
from knowledge.models import Moderator, Place
from tests.conftest import FakeClock, talksbot_cli

OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
GUILD = Place(platform="discord", community_id="111111111111111111", community_name="Newsroom", channel_id="5")
OTHER = Place(platform="discord", community_id="333333333333333333", community_name="Elsewhere", channel_id="6")
READER = Actor(Moderator(platform="discord", user_id="222", name="Reader", community_id=GUILD.community_id))
ARTICLE = (
    "Envoys prepare for talks\n\n"
    "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said.\n"
)
FLOOD = 10_001


def junk(n: int) -> str:
    """A question nothing answers, with its own phrasing key: consonants for digits (numbers are
    folded, and vowels could make an ending the stemmer strips)."""
    word = "".join("bcdfghjkmp"[int(d)] for d in f"{n:05d}")
    return f"Who is the zorbl{word}x of quuxland?"


def flood(db: Path, count: int, at: datetime | None = None) -> None:
    """`count` open unanswered items, as a flood left them before there were limits, at `at`
    (default: now, for the CLI, whose clock is the real one)."""
    stamp = (at or datetime.now(UTC)).isoformat()
    con = sqlite3.connect(db)
    with con:
        con.executemany(
            "INSERT INTO queue_items (kind, group_key, text, claim_ids, asked, communities, first_at, last_at) "
            "VALUES ('unanswered', ?, ?, '[]', 1, '[\"discord: Newsroom\"]', ?, ?)",
            ((f"junk {n}", junk(n), stamp, stamp) for n in range(count)),
        )
    con.close()


async def unanswered(service: TalksService) -> list[str]:
    return [i.text for i in await service.queue(OPERATOR, limit=1000) if i.kind == "unanswered"]


# ---- limits -----------------------------------------------------------------------------


async def test_one_reader_adds_at_most_the_hourly_limit_of_questions(service: TalksService, clock: FakeClock) -> None:
    for n in range(PER_PERSON_PER_HOUR + 5):
        await service.ask(junk(n), GUILD, asker="222")
    assert len(await unanswered(service)) == PER_PERSON_PER_HOUR
    await service.ask(junk(100), GUILD, asker="444")  # someone else in the same server still gets through
    assert len(await unanswered(service)) == PER_PERSON_PER_HOUR + 1
    clock.now += timedelta(hours=1, seconds=1)
    await service.ask(junk(200), GUILD, asker="222")
    assert junk(200) in await unanswered(service)


async def test_one_community_adds_at_most_its_hourly_limit(service: TalksService) -> None:
    for n in range(PER_COMMUNITY_PER_HOUR + 3):
        await service.ask(junk(n), GUILD, asker=f"user{n}")  # many accounts, one server
    assert len(await unanswered(service)) == PER_COMMUNITY_PER_HOUR
    await service.ask(junk(900), OTHER, asker="user0")
    assert junk(900) in await unanswered(service)


async def test_the_cli_operator_is_not_limited(service: TalksService) -> None:
    for n in range(PER_PERSON_PER_HOUR + 2):
        await service.ask(junk(n))
    assert len(await unanswered(service)) == PER_PERSON_PER_HOUR + 2


async def test_a_wrong_report_past_the_limit_is_recorded_but_not_queued(service: TalksService) -> None:
    for n in range(PER_PERSON_PER_HOUR):
        await service.ask(junk(n), GUILD, asker="222")
    reply = await service.ask("How long was the Trump Putin phone call?", GUILD)
    claim = reply.claims[0].claim_id  # type: ignore[union-attr]
    assert await service.record_feedback(GUILD, "222", reply.question_id or 0, claim, "wrong") is False
    assert not [i for i in await service.queue(OPERATOR) if i.kind == "wrong"]
    assert await service.record_feedback(GUILD, "555", reply.question_id or 0, claim, "wrong") is True
    assert "this hour" in messages.wrong_report_held(PER_PERSON_PER_HOUR)


# ---- people, not presses --------------------------------------------------------------------


async def test_fifty_wrong_presses_by_one_reader_count_once(service: TalksService) -> None:
    reply = await service.ask("How long was the Trump Putin phone call?", GUILD)
    claim = reply.claims[0].claim_id  # type: ignore[union-attr]
    for _ in range(50):
        await service.record_feedback(GUILD, "222", reply.question_id or 0, claim, "wrong")
    [item] = [i for i in await service.queue(OPERATOR) if i.kind == "wrong"]
    assert item.asked == 1
    await service.record_feedback(GUILD, "333", reply.question_id or 0, claim, "wrong")
    [item] = [i for i in await service.queue(OPERATOR) if i.kind == "wrong"]
    assert item.asked == 2


async def test_the_moderators_digest_counts_people_who_marked_a_claim_wrong(service: TalksService) -> None:
    claim = ""
    for _ in range(5):  # the same reader, under five answers to the same question
        reply = await service.ask("How long was the Trump Putin phone call?", GUILD)
        claim = reply.claims[0].claim_id  # type: ignore[union-attr]
        await service.record_feedback(GUILD, "222", reply.question_id or 0, claim, "wrong")
    since = service.clock() - timedelta(days=1)
    assert await DigestDesk(service).wrong_reports(since, "discord", GUILD.community_id) == [(claim, 1)]


async def test_one_reader_asking_the_same_question_again_counts_once(service: TalksService) -> None:
    for _ in range(5):
        await service.ask(junk(1), GUILD, asker="222")
    await service.ask(junk(1), OTHER, asker="999")
    [item] = await service.queue(OPERATOR)
    assert item.asked == 2 and item.communities == ["discord: Newsroom", "discord: Elsewhere"]


# ---- expiry -------------------------------------------------------------------------------


async def test_items_nobody_asks_again_expire(service: TalksService, clock: FakeClock) -> None:
    await service.ask(junk(1), GUILD, asker="222")
    await service.ask(junk(2), GUILD, asker="222")
    clock.now += EXPIRE_AFTER - timedelta(days=1)
    await service.ask(junk(2), GUILD, asker="333")  # asked again: touched
    clock.now += timedelta(days=2)
    assert await unanswered(service) == [junk(2)]
    [gone] = await service._store.queue.items("dismissed")
    assert gone.text == junk(1) and gone.close_reason and gone.close_reason.startswith("expired")


# ---- listing each kind on its own, with totals ----------------------------------------------------


async def test_a_flood_of_questions_hides_no_other_kind_and_the_totals_say_how_many(
    service: TalksService, db_path: Path
) -> None:
    flood(db_path, FLOOD, service.clock() - timedelta(hours=1))  # older than the candidate: listed first
    await service.ingest(OPERATOR, ARTICLE.encode(), "005_followup.txt")
    listing = await service.queue_listing(OPERATOR, per_kind=50)
    by_kind = {s.kind: s for s in listing.sections}
    assert (len(by_kind["unanswered"].items), by_kind["unanswered"].total) == (50, FLOOD)
    assert by_kind["candidate"].total == 1 and by_kind["candidate"].items[0].candidate is not None
    assert [len(s.items) for s in listing.shown(5)] == [4, 0, 0, 1]  # in turns: the candidate first round
    assert len(await service.candidates(OPERATOR)) == 1
    with pytest.raises(PermissionDenied):
        await service.queue_listing(READER)


async def test_the_cli_lists_candidates_and_totals_despite_ten_thousand_junk_questions(
    service: TalksService, db_path: Path, tmp_path: Path
) -> None:
    # The junk came first (an hour ago, real time: the CLI's clock), then an article was ingested.
    flood(db_path, FLOOD, datetime.now(UTC) - timedelta(hours=1))
    article = tmp_path / "005_followup.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, _, err = await talksbot_cli(db_path, "ingest", str(article))
    assert code == 0, err
    code, out, err = await talksbot_cli(db_path, "candidates", "--json")
    assert code == 0, err
    [candidate] = json.loads(out)
    assert candidate["kind"] == "candidate"
    code, out, err = await talksbot_cli(db_path, "queue", "--limit", "50")
    assert code == 0, err
    assert messages.queue_section_head("unanswered", 50, FLOOD) in out
    assert "Unanswered questions: 50 of 10,001 (oldest first)" in out
    assert messages.queue_section_head("candidate", 1, 1) in out and "Proposed: new claim" in out
    assert limits_sentence() in out and str(PER_PERSON_PER_HOUR) in limits_sentence()


# ---- bulk dismiss ---------------------------------------------------------------------------


async def test_the_cli_dismisses_a_flood_in_one_command_and_leaves_other_kinds(
    service: TalksService, db_path: Path
) -> None:
    await service.ingest(OPERATOR, ARTICLE.encode(), "005_followup.txt")
    flood(db_path, FLOOD)
    [candidate] = await service.candidates(OPERATOR)
    code, out, err = await talksbot_cli(db_path, "dismiss", f"1-{candidate.id + FLOOD}", "--reason", "a flood")
    assert code == 0, err
    assert out.strip() == messages.bulk_dismissed(FLOOD, 1)
    listing = await service.queue_listing(OPERATOR)
    assert listing.total == 1 and listing.sections[-1].total == 1

    flood(db_path, 3)
    code, out, err = await talksbot_cli(db_path, "dismiss", "--kind", "unanswered", "--reason", "more junk")
    assert (code, out.strip()) == (0, messages.bulk_dismissed(3, 0)), err
    code, _, err = await talksbot_cli(db_path, "dismiss", "--reason", "nothing named")
    assert code == 2 and "FIRST-LAST" in err


@pytest.fixture
def policy() -> ModerationPolicy:
    return ModerationPolicy.of(communities=[("discord", GUILD.community_id or "")])


async def test_bulk_dismiss_follows_the_moderation_policy(service: TalksService, db_path: Path) -> None:
    flood(db_path, 10, service.clock())
    with pytest.raises(PermissionDenied):
        await service.dismiss_many(READER, "spam")
    assert len(await unanswered(service)) == 10
    local_mod = Actor(READER.who, community_moderator=True)
    assert await service.dismiss_many(local_mod, "spam", first=1, last=5) == (5, 0)
    with pytest.raises(BadInput):
        await service.dismiss_many(local_mod, "spam", kind="suggestion")
    with pytest.raises(BadInput):
        await service.dismiss_many(local_mod, "spam", first=9, last=3)
    assert len(await unanswered(service)) == 5

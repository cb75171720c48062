"""The digest scheduler on real SQLite files, with a clock the tests move."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.permissions import Actor
from bot.replies import DigestReply
from bot.scheduler import DigestScheduler, due_local_date
from bot.service import DigestDesk, TalksService
from bot.subscriptions import timezone_choices
from knowledge.errors import BadInput
from knowledge.models import Moderator, Place, Subscription
from knowledge.store import Store
from tests.conftest import FakeClock


class RecordingPoster:
    def __init__(self, fail_times: int = 0) -> None:
        self.posts: list[tuple[str, DigestReply]] = []
        self.fail_times = fail_times

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("platform unavailable")
        self.posts.append((channel_id, digest))


async def _no_sleep(_: float) -> None:
    return None


def _scheduler(service: TalksService, poster: RecordingPoster, clock: FakeClock, worker: str) -> DigestScheduler:
    return DigestScheduler(DigestDesk(service), "test", poster, clock=clock, worker=worker, sleep=_no_sleep, attempts=3)


OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="ana"))


def _place(channel_id: str = "C1") -> Place:
    return Place(platform="test", community_id="T1", channel_id=channel_id)


async def _subscribe(
    service: TalksService, clock: FakeClock, at: str = "08:00", tz: str = "Europe/Kyiv", channel_id: str = "C1"
) -> None:
    sub = await service.subscribe(OPERATOR, _place(channel_id), at, tz)
    assert (sub.platform, sub.channel_id, sub.community_id, sub.created_at) == ("test", channel_id, "T1", clock())


async def test_nothing_is_posted_before_the_local_time(service: TalksService, clock: FakeClock) -> None:
    clock.now = datetime(2025, 2, 14, 5, 59, tzinfo=UTC)  # 07:59 in Kyiv
    await _subscribe(service, clock)
    poster = RecordingPoster()
    assert await _scheduler(service, poster, clock, "a").run_due() == []
    clock.now += timedelta(minutes=1)
    assert [o.posted for o in await _scheduler(service, poster, clock, "a").run_due()] == [True]
    assert len(poster.posts) == 1


async def test_two_schedulers_on_one_database_post_once(service: TalksService, clock: FakeClock, db_path: Path) -> None:
    clock.now = datetime(2025, 2, 14, 7, 0, tzinfo=UTC)
    await _subscribe(service, clock)
    poster = RecordingPoster()
    async with Store.open(db_path) as other_store:
        other = TalksService(other_store, clock=clock)
        await other.start()
        first, second = _scheduler(service, poster, clock, "one"), _scheduler(other, poster, clock, "two")
        await asyncio.gather(first.run_due(), second.run_due(), first.run_due(), second.run_due())
        clock.now += timedelta(hours=3)
        await asyncio.gather(first.run_due(), second.run_due())
    assert len(poster.posts) == 1
    assert await _runs(service, "C1") == [("2025-02-14", "posted", 1)]
    # `talksbot status --json` shows each channel's latest run with these keys, in this order.
    digests = (await service.status())["digests"]
    assert json.dumps(digests) == json.dumps(
        [{"platform": "test", "channel_id": "C1", "local_date": "2025-02-14", "status": "posted", "attempts": 1}]
    )


async def test_a_restart_after_a_missed_time_posts_once_the_same_day(
    service: TalksService, clock: FakeClock, db_path: Path
) -> None:
    clock.now = datetime(2025, 2, 14, 5, 0, tzinfo=UTC)
    await _subscribe(service, clock)
    # The bot was down at 08:00 Kyiv time and comes back at 15:00.
    clock.now = datetime(2025, 2, 14, 13, 0, tzinfo=UTC)
    poster = RecordingPoster()
    async with Store.open(db_path) as store:
        restarted = TalksService(store, clock=clock)
        await restarted.start()
        await _scheduler(restarted, poster, clock, "after-restart").run_due()
        await _scheduler(restarted, poster, clock, "after-restart").run_due()
    assert len(poster.posts) == 1
    # Next day: one more, and it covers only the period since the last post.
    clock.now = datetime(2025, 2, 15, 6, 30, tzinfo=UTC)
    await _scheduler(service, poster, clock, "x").run_due()
    assert len(poster.posts) == 2
    assert poster.posts[1][1].period_start == datetime(2025, 2, 14, 13, 0, tzinfo=UTC)


async def test_a_crash_between_claim_and_post_is_retried_on_the_next_start(
    service: TalksService, clock: FakeClock
) -> None:
    clock.now = datetime(2025, 2, 14, 7, 0, tzinfo=UTC)
    await _subscribe(service, clock)
    # The first process claims the run and dies before posting.
    poster = RecordingPoster()
    restarted = _scheduler(service, poster, clock, "new")
    run = await DigestDesk(service).claim_run("test", "C1", "2025-02-14", "crashed", restarted.lease)
    assert run is not None
    assert await DigestDesk(service).claim_run("test", "C1", "2025-02-14", "other", restarted.lease) is None
    assert await restarted.run_due() == []  # still within the dead process's lease
    clock.now += restarted.lease + timedelta(seconds=1)
    outcomes = await restarted.run_due()
    assert [o.posted for o in outcomes] == [True] and len(poster.posts) == 1
    assert await restarted.run_due() == []


async def test_a_failed_post_is_retried_with_backoff_then_recorded(
    service: TalksService, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.now = datetime(2025, 2, 14, 7, 0, tzinfo=UTC)
    await _subscribe(service, clock)
    delays: list[float] = []

    async def record_sleep(seconds: float) -> None:
        delays.append(seconds)

    flaky = RecordingPoster(fail_times=2)
    sched = DigestScheduler(
        DigestDesk(service), "test", flaky, clock=clock, sleep=record_sleep, attempts=3, backoff=2.0
    )
    assert [o.posted for o in await sched.run_due()] == [True]
    assert delays == [2.0, 4.0]
    assert await _runs(service, "C1") == [("2025-02-14", "posted", 3)]

    await service.unsubscribe(OPERATOR, _place("C1"))
    await _subscribe(service, clock, channel_id="C2")
    dead = RecordingPoster(fail_times=99)
    sched = DigestScheduler(DigestDesk(service), "test", dead, clock=clock, sleep=record_sleep, attempts=3, backoff=2.0)
    with caplog.at_level(logging.ERROR):
        outcomes = await sched.run_due()
    assert [(o.posted, o.attempts) for o in outcomes] == [(False, 3)]
    assert "failed after 3 attempts" in caplog.text
    assert await _runs(service, "C2") == [("2025-02-14", "failed", 3)]
    assert await sched.run_due() == []  # a final failure is not retried forever


@pytest.mark.parametrize(
    ("tz", "post_time", "before", "after", "local_date"),
    [
        # New York springs forward at 02:00 on 9 March 2025: 02:30 does not exist that day.
        (
            "America/New_York",
            "02:30",
            datetime(2025, 3, 9, 6, 59, tzinfo=UTC),
            datetime(2025, 3, 9, 7, 30, tzinfo=UTC),
            "2025-03-09",
        ),
        # New York falls back on 2 November 2025: 01:30 happens twice; the first one counts.
        (
            "America/New_York",
            "01:30",
            datetime(2025, 11, 2, 5, 29, tzinfo=UTC),
            datetime(2025, 11, 2, 5, 30, tzinfo=UTC),
            "2025-11-02",
        ),
        # Kyiv moves to summer time on 30 March 2025 (UTC+2 → UTC+3).
        (
            "Europe/Kyiv",
            "09:00",
            datetime(2025, 3, 30, 5, 59, tzinfo=UTC),
            datetime(2025, 3, 30, 6, 0, tzinfo=UTC),
            "2025-03-30",
        ),
    ],
)
async def test_dst_change_days_post_exactly_once(
    service: TalksService,
    clock: FakeClock,
    tz: str,
    post_time: str,
    before: datetime,
    after: datetime,
    local_date: str,
) -> None:
    sub = Subscription(
        platform="test", channel_id="C1", post_time=post_time, timezone=tz, created_by="a", created_at=before
    )
    assert due_local_date(sub, before) is None
    assert due_local_date(sub, after) == local_date
    clock.now = before
    await _subscribe(service, clock, post_time, tz)
    poster = RecordingPoster()
    sched = _scheduler(service, poster, clock, "w")
    await sched.run_due()
    assert poster.posts == []
    for step in range(0, 6):  # keep checking through the repeated hour
        clock.now = after + timedelta(minutes=20 * step)
        await sched.run_due()
    assert len(poster.posts) == 1


async def test_subscription_input_is_validated(service: TalksService, clock: FakeClock) -> None:
    for bad_time in ("25:00", "8", "noon", ""):
        with pytest.raises(BadInput, match="HH:MM"):
            await service.subscribe(OPERATOR, _place(), bad_time, "Europe/Kyiv")
    for bad_tz in ("Mars/Olympus", "", "../etc/passwd", "UTC+3"):
        with pytest.raises(BadInput, match="timezone"):
            await service.subscribe(OPERATOR, _place(), "08:00", bad_tz)
    with pytest.raises(BadInput, match="not in direct messages"):
        await service.subscribe(OPERATOR, Place(platform="test", channel_id="D1", is_private=True), "08:00", "UTC")
    assert await service.subscriptions("test") == []
    with pytest.raises(BadInput):
        await service.unsubscribe(OPERATOR, _place())
    assert "Europe/Kyiv" in timezone_choices("kyiv")
    assert len(timezone_choices("")) == 25


async def test_a_digest_with_nothing_new_says_so(service: TalksService, clock: FakeClock) -> None:
    from bot.digest import DigestScope, build_digest

    cli = DigestScope("cli")
    quiet = await build_digest(DigestDesk(service), since=clock() - timedelta(hours=1), now=clock(), scope=cli)
    assert not quiet.has_news and "Nothing new" in quiet.sections[0].items[0].text
    await service.ask("Who is Marc Fogel?")
    await service.ask("tell me a joke")
    later = clock() + timedelta(minutes=1)
    busy = await build_digest(DigestDesk(service), since=clock() - timedelta(hours=1), now=later, scope=cli)
    titles = [s.title for s in busy.sections]
    assert busy.has_news and "Questions asked here" in titles and "Key claims" in titles
    assert "Sources disagree" in titles
    asked = next(s for s in busy.sections if s.title == "Questions asked here")
    assert [i.text for i in asked.items] == ["2 questions, 1 not answered from the sources."]
    # The moderators' digest of the same community also names the questions.
    mods = await build_digest(
        DigestDesk(service),
        since=clock() - timedelta(hours=1),
        now=later,
        scope=DigestScope("cli", audience="moderators"),
    )
    asked = next(s for s in mods.sections if s.title == "Questions asked here")
    assert any("tell me a joke" in i.text for i in asked.items)


async def test_wrong_feedback_feeds_the_moderators_digest(service: TalksService, clock: FakeClock) -> None:
    from bot.digest import DigestScope, build_digest
    from bot.replies import AnswerReply
    from bot.service import CLI

    reply = await service.ask("Who is Marc Fogel?")
    assert isinstance(reply, AnswerReply) and reply.question_id is not None
    claim_id = reply.claims[0].claim_id
    await service.record_feedback(CLI, "U1", reply.question_id, claim_id, "wrong")
    await service.record_feedback(CLI, "U1", reply.question_id, claim_id, "wrong")  # one vote per reader
    await service.record_feedback(CLI, "U2", reply.question_id, claim_id, "helpful")
    since, now = clock() - timedelta(hours=1), clock() + timedelta(minutes=1)
    digest = await build_digest(
        DigestDesk(service), since=since, now=now, scope=DigestScope("cli", audience="moderators")
    )
    wrong = next(s for s in digest.sections if s.title.startswith("Answers readers marked wrong"))
    assert [i.text for i in wrong.items] == [f"{claim_id}: marked wrong 1×"]
    public = await build_digest(DigestDesk(service), since=since, now=now, scope=DigestScope("cli"))
    assert not any(s.title.startswith("Answers readers marked wrong") for s in public.sections)
    with pytest.raises(BadInput):
        await service.record_feedback(CLI, "U3", reply.question_id, claim_id, "meh")


async def _runs(service: TalksService, channel_id: str) -> list[tuple[str, str, int]]:
    """A channel's digest runs as (local date, status, attempts), oldest first."""
    return [(r.local_date, r.status, r.attempts) for r in await service._store.digests.runs("test", channel_id)]


class CountingDesk(DigestDesk):
    """The real desk, counting the claim transactions a scheduler opens."""

    claims = 0

    async def claim_run(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        self.claims += 1
        return await super().claim_run(*args, **kwargs)  # type: ignore[arg-type]


async def test_a_scheduler_skips_runs_another_process_took_without_trying_to_claim_them(
    service: TalksService, clock: FakeClock
) -> None:
    clock.now = datetime(2025, 2, 14, 7, 0, tzinfo=UTC)
    for n in range(20):
        await _subscribe(service, clock, channel_id=f"C{n}")
    first = RecordingPoster()
    assert len(await _scheduler(service, first, clock, "a").run_due()) == 20
    desk = CountingDesk(service)
    late = RecordingPoster()
    scheduler = DigestScheduler(desk, "test", late, clock=clock, worker="b", sleep=_no_sleep, attempts=3)
    assert await scheduler.run_due() == []
    assert (desk.claims, late.posts) == (0, [])
    # A run whose claimant died (lease over) is not skipped: it is claimed and posted again.
    async with service._store.db.transaction() as conn:
        await conn.execute(
            "UPDATE digest_runs SET status = 'claimed', claimed_at = ? WHERE channel_id = 'C3'",
            ((clock.now - timedelta(hours=1)).isoformat(),),
        )
    assert [o.channel_id for o in await scheduler.run_due()] == ["C3"]
    assert desk.claims == 1

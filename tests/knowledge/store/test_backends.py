"""What several processes sharing one database rely on, on both backends.

Each "process" is its own `Store` (own connections, own pool); on PostgreSQL
they meet only in the server, exactly as workers on different hosts would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.service import TalksService
from knowledge.articles.curated import load_curated
from knowledge.articles.sources import load_seeds
from knowledge.models import DigestRunRecord, Moderator
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store
from knowledge.store.build import ensure_built
from knowledge.store.content_version import NOTIFY_CHANNEL, bump_version
from knowledge.store.postgres import LISTENER_NAME, to_numbered
from tests.conftest import fresh_location
from tests.knowledge.store.raw import raw_fetch

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
MOD = Moderator(platform="slack", user_id="U1", name="Ana", community_id="T1")


@pytest.fixture
async def built(location: str) -> str:
    async with Store.open(location) as store:
        await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)
    return location


@pytest.fixture
async def pg_built(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A built database on PostgreSQL only: LISTEN/NOTIFY has no SQLite counterpart."""
    location = fresh_location(request, "postgresql", tmp_path)
    async with Store.open(location) as store:
        await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)
    return location


@pytest.fixture
async def two_stores(built: str) -> AsyncIterator[tuple[Store, Store]]:
    async with Store.open(built) as a, Store.open(built) as b:
        yield a, b


# ---- pure helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "numbered"),
    [
        ("SELECT ? , ?", "SELECT $1 , $2"),
        ("SELECT '?', ? FROM t WHERE x = 'it''s ?' AND y = ?", "SELECT '?', $1 FROM t WHERE x = 'it''s ?' AND y = $2"),
        ('SELECT "odd?col" FROM t WHERE a = ?', 'SELECT "odd?col" FROM t WHERE a = $1'),
        ("SELECT 1 -- why?\nWHERE a = ?", "SELECT 1 -- why?\nWHERE a = $1"),
        ("INSERT INTO t VALUES (?,?,?)", "INSERT INTO t VALUES ($1,$2,$3)"),
    ],
)
def test_placeholders_are_numbered_only_outside_quotes(sql: str, numbered: str) -> None:
    assert to_numbered(sql) == numbered


# ---- content version ----------------------------------------------------------------------


async def test_a_change_bumps_the_version_and_changes_since_names_it(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    start = await b.claims.content_version()
    claim_id = (await a.claims.claim_ids())[0]
    _entry, version = await a.moderation.append_action(claim_id, "correct", MOD, NOW, text="New words.", reason="r")
    assert version == start + 1
    assert await b.claims.content_version() == version
    changes = await b.claims.changes_since(start)
    assert (changes.version, changes.changed, changes.removed) == (version, [claim_id], [])
    assert (await b.claims.changes_since(version)).changed == []
    state = await b.claims.get_state(claim_id)
    assert state is not None and state.current_text == "New words."


async def test_sync_curated_rewrites_only_what_changed(built: str) -> None:
    seeds = load_seeds(seeds_dir())
    sources = [(s.source, "sha") for s in seeds.values()]
    claims = load_curated(curated_claims_file())
    async with Store.open(built) as store:
        before = await store.claims.content_version()
        same = await store.claims.sync_curated(sources, claims, digest="d2", curated_version=2, now=NOW)
        assert (same.written, same.flagged, same.removed, same.version) == (0, 0, 0, before)
        changed = claims[0].model_copy(update={"text": claims[0].text + " (reworded)"})
        gone = next(c for c in claims[1:] if not c.conflicts and c.id not in claims[0].conflicts)
        kept = [changed] + [c for c in claims[1:] if c.id != gone.id]
        result = await store.claims.sync_curated(sources, kept, digest="d3", curated_version=3, now=NOW)
        assert (result.written, result.flagged, result.removed, result.version) == (1, 0, 1, before + 1)
        changes = await store.claims.changes_since(before)
        assert (changes.changed, changes.removed) == ([changed.id], [gone.id])
        assert await store.claims.get_meta("curated_version") == "3"


async def test_racing_moderators_cannot_both_retract(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    claim_id = (await a.claims.claim_ids())[0]
    outcomes = await asyncio.gather(
        *(
            s.moderation.append_action(claim_id, "retract", MOD, NOW, reason="x", allowed_from=("active", "corrected"))
            for s in (a, b, a, b)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    history = await a.moderation.history(claim_id)
    assert history is not None and [e.action for e in history] == ["retract"]


# ---- work sharing and once-only ----------------------------------------------------------


async def test_a_digest_run_is_claimed_once_by_concurrent_claimers(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    lease_start = NOW - timedelta(minutes=10)
    claims = await asyncio.gather(
        *(
            store.digests.claim_run("slack", "C1", "2025-02-14", f"worker-{i}", NOW, lease_start)
            for i, store in enumerate([a, b] * 4)
        )
    )
    winners = [c for c in claims if c is not None]
    assert len(winners) == 1
    assert [(r.local_date, r.status, r.attempts) for r in await a.digests.runs("slack", "C1")] == [
        ("2025-02-14", "claimed", 0)
    ]
    # Its lease still runs: nobody else may take it.
    assert await b.digests.claim_run("slack", "C1", "2025-02-14", "late", NOW, lease_start) is None
    # The winner dies; after the lease another worker takes over, and the dead one's write is refused.
    later = NOW + timedelta(minutes=11)
    takeover = await b.digests.claim_run("slack", "C1", "2025-02-14", "heir", later, later - timedelta(minutes=10))
    assert takeover is not None and takeover.claimed_by == "heir"
    assert not await a.digests.record_attempt(winners[0], ok=True, final=True, error=None, now=later, period_start=NOW)
    assert await b.digests.record_attempt(takeover, ok=True, final=True, error=None, now=later, period_start=NOW)
    assert await a.digests.runs("slack", "C1") == [
        DigestRunRecord(platform="slack", channel_id="C1", local_date="2025-02-14", status="posted", attempts=1)
    ]


async def test_an_event_is_claimed_once_across_stores(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    ttl = timedelta(hours=1)
    firsts = await asyncio.gather(*(s.events.claim_event_once("slack:Ev1", NOW, ttl) for s in [a, b] * 5))
    assert sorted(firsts) == [False] * 9 + [True]
    assert await b.events.claim_event_once("slack:Ev2", NOW, ttl)
    assert not await a.events.claim_event_once("slack:Ev1", NOW + timedelta(minutes=59), ttl)
    # After the time to live the key is forgotten (pruned) and counts as new.
    assert await a.events.claim_event_once("slack:Ev1", NOW + timedelta(hours=2), ttl)


async def test_service_first_time(built: str) -> None:
    async with Store.open(built) as a, Store.open(built) as b:
        one, two = TalksService(a, clock=lambda: NOW), TalksService(b, clock=lambda: NOW)
        assert await one.first_time("slack:event:Ev9")
        assert not await two.first_time("slack:event:Ev9")


# ---- change propagation -----------------------------------------------------------------


async def test_sqlite_has_no_push(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "t.db") as store:
        assert await store.db.listen(lambda v: None) is False


async def test_notify_reaches_another_stores_listener(pg_built: str) -> None:
    async with Store.open(pg_built) as a, Store.open(pg_built) as b:
        await _notify_reaches(a, b)


async def _notify_reaches(a: Store, b: Store) -> None:
    heard: asyncio.Queue[tuple[int | None, float]] = asyncio.Queue()
    assert await b.db.listen(lambda v: heard.put_nowait((v, time.perf_counter())))
    claim_id = (await a.claims.claim_ids())[0]
    delays = []
    for i in range(5):
        sent = time.perf_counter()
        _e, version = await a.moderation.append_action(claim_id, "correct", MOD, NOW, text=f"v{i}", reason="r")
        got, at = await asyncio.wait_for(heard.get(), timeout=1)
        assert got == version
        delays.append((at - sent) * 1000)
    print(f"NOTIFY delay from write start to listener callback (ms): {sorted(round(d, 2) for d in delays)}")
    # A rolled-back change is never announced.
    with pytest.raises(RuntimeError):
        async with a.db.transaction() as conn:
            await bump_version(conn, [claim_id])
            raise RuntimeError("abort")
    await asyncio.sleep(0.2)
    assert heard.empty()


async def test_another_workers_correction_reaches_the_index_within_a_second(pg_built: str) -> None:
    built = pg_built
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(Store.open(built))
        b = await stack.enter_async_context(Store.open(built))
        writer, reader = TalksService(a, clock=lambda: NOW), TalksService(b, clock=lambda: NOW)
        await writer.start(build=False)
        await reader.start(build=False)
        stack.push_async_callback(writer.stop)
        stack.push_async_callback(reader.stop)
        claim_id = (await a.claims.claim_ids())[0]

        async def reader_sees(text: str) -> float:
            sent = time.perf_counter()
            _e, version = await a.moderation.append_action(claim_id, "correct", MOD, NOW, text=text, reason="r")
            # Without asking anything: the notification alone brings the reader up to date.
            while reader.content_version < version:
                assert time.perf_counter() - sent < 1.0, "reader did not update within a second"
                await asyncio.sleep(0.005)
            assert reader.live.text_of(claim_id) == text
            return (time.perf_counter() - sent) * 1000

        first = await reader_sees("First correction.")
        # The listen connection dies (server restart, network cut): it reconnects,
        # and the change made meanwhile still arrives.
        killed = await raw_fetch(
            built,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE application_name = '{LISTENER_NAME}' AND datname = current_database()",
        )
        assert killed == [(True,), (True,)]  # the writer's and the reader's listeners
        second = await reader_sees("Written while the listener was down.")
        print(f"index updated in another process after {first:.1f} ms; after a lost listener {second:.1f} ms")


async def test_a_lost_listener_never_skips_the_compare_before_answering(pg_built: str) -> None:
    async with Store.open(pg_built) as a, Store.open(pg_built) as b:
        reader = TalksService(b, clock=lambda: NOW)
        await reader.start(build=False)
        # Simulate every notification being lost: the listener's callback never fires.
        b.db._callbacks.clear()  # type: ignore[attr-defined]
        claim_id = (await a.claims.claim_ids())[0]
        await a.moderation.append_action(claim_id, "retract", MOD, NOW, reason="withdrawn")
        await asyncio.sleep(0.1)
        reply = await reader.ask("How long was the Trump-Putin call?", log_question=False)
        assert reply.content_version == await a.claims.content_version()
        assert claim_id in reader.live.retracted
        await reader.stop()


async def test_a_one_shot_command_opens_no_listener_and_still_answers_from_the_latest_version(
    pg_built: str,
) -> None:
    async with Store.open(pg_built) as a, Store.open(pg_built) as b:
        reader = TalksService(b, clock=lambda: NOW)
        await reader.start(build=False, listen=False)
        listeners = await raw_fetch(
            pg_built,
            "SELECT count(*) FROM pg_stat_activity "
            f"WHERE application_name = '{LISTENER_NAME}' AND datname = current_database()",
        )
        assert listeners == [(0,)]
        claim_id = (await a.claims.claim_ids())[0]
        await a.moderation.append_action(claim_id, "retract", MOD, NOW, reason="withdrawn")
        reply = await reader.ask("How long was the Trump-Putin call?", log_question=False)
        assert reply.content_version == await a.claims.content_version()
        assert claim_id in reader.live.retracted
        await reader.stop()


def test_notify_channel_name_is_stable() -> None:
    # Other tools (and older workers during a rolling deploy) listen on this name.
    assert NOTIFY_CHANNEL == "talksbot_content"


async def test_loading_more_claims_than_one_query_may_bind(built: str) -> None:
    async with Store.open(built) as store:
        ids = await store.claims.claim_ids()
        # Unknown ids pad the list past both backends' parameter limits.
        padded = ids + [f"missing-{i}" for i in range(40_000)]
        assert sorted(s.id for s in await store.claims.load_states(padded)) == ids

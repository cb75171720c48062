"""The index snapshot: a second process answers from it, an older one is brought
up to date, and a damaged or foreign one is rebuilt, never trusted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.replies import AnswerReply, NoAnswerReply
from bot.service import TalksService
from knowledge.answering import snapshot
from knowledge.answering.index import ClaimIndex, IndexBuilder
from knowledge.store import Store
from tests.conftest import OPERATOR, FakeClock

QUESTIONS = [
    "Who is on Trump's negotiating team for Ukraine?",
    "How long did the call last?",
    "When did Trump and Putin speak?",
    "Did Zelensky know about the call?",
    "What is the capital of France?",
]


async def answers(service: TalksService) -> list[AnswerReply | NoAnswerReply]:
    return [await service.ask(q, log_question=False) for q in QUESTIONS]


async def second_service(
    store: Store, clock: FakeClock, *, may_build: bool, monkeypatch: pytest.MonkeyPatch
) -> TalksService:
    """A new service on the same database; with `may_build` False, building the index fails the test."""
    if not may_build:

        def no_build(self: IndexBuilder) -> ClaimIndex:
            raise AssertionError("the index was rebuilt instead of loaded from the snapshot")

        monkeypatch.setattr(IndexBuilder, "done", no_build)
    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    monkeypatch.undo()
    return other


def saved_version(store: Store, curated_version: int = 1) -> int | None:
    loaded = snapshot.load(
        snapshot.snapshot_path(store.location), snapshot.SnapshotKey(store.location, curated_version)
    )
    return None if loaded is None else loaded[0]


async def test_a_second_service_answers_identically_from_the_snapshot(
    service: TalksService, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert snapshot.snapshot_path(store.location).is_file()
    other = await second_service(store, clock, may_build=False, monkeypatch=monkeypatch)
    assert await answers(other) == await answers(service)
    assert other.find_claim_ids("call") == service.find_claim_ids("call")
    assert other.did_you_mean("call-lasted") == service.did_you_mean("call-lasted")
    assert await other.status() == await service.status()
    assert [v.claim_id for v in await other.all_claims()] == [v.claim_id for v in await service.all_claims()]


async def test_an_older_snapshot_is_brought_up_to_date(
    service: TalksService, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = saved_version(store)
    top = (await service.ask(QUESTIONS[1], log_question=False)).claims[0].claim_id  # type: ignore[union-attr]
    await service.correct(OPERATOR, top, "The call lasted about ninety minutes.", "Kremlin readout")
    assert saved_version(store) == before  # a running service does not rewrite it

    other = await second_service(store, clock, may_build=False, monkeypatch=monkeypatch)
    reply = await other.ask(QUESTIONS[1], log_question=False)
    assert reply.claims[0].claim_id == top  # type: ignore[union-attr]
    assert reply.claims[0].text == "The call lasted about ninety minutes."  # type: ignore[union-attr]
    assert await answers(other) == await answers(service)
    # One change is replayed at each start rather than paid for with a 100 MB rewrite.
    assert saved_version(store) == before

    # Past COMPACT_AT changes since the snapshot, a start saves a new one (in the background).
    monkeypatch.setattr("bot.service.live_index.COMPACT_AT", 0)
    third = await second_service(store, clock, may_build=False, monkeypatch=monkeypatch)
    assert await answers(third) == await answers(service)
    assert saved_version(store) == third.content_version == await store.claims.content_version() > before  # type: ignore[operator]


def _truncate(path: Path, _other: Path) -> None:
    path.write_bytes(path.read_bytes()[:-100])


def _flip_a_byte(path: Path, _other: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def _garbage(path: Path, _other: Path) -> None:
    path.write_bytes(b"\x80\x04\x95not a snapshot at all")


def _other_database(path: Path, other: Path) -> None:
    shutil.copyfile(other, path)


@pytest.mark.parametrize("damage", [_truncate, _flip_a_byte, _garbage, _other_database])
async def test_a_damaged_or_foreign_snapshot_is_rebuilt(
    damage: object, service: TalksService, store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    expected = await answers(service)
    # A snapshot of another database: the same claims, but one retracted, so trusting it would show.
    async with Store.open(tmp_path / "other.db") as foreign_store:
        foreign = TalksService(foreign_store, clock=clock)
        await foreign.start()
        await foreign.snapshot_saved()
        top = (await foreign.ask(QUESTIONS[0], log_question=False)).claims[0].claim_id  # type: ignore[union-attr]
        await foreign.retract(OPERATOR, top, "test")
        foreign_snapshot = snapshot.snapshot_path(foreign_store.location)
        snapshot.save(
            foreign_snapshot,
            snapshot.SnapshotKey(foreign_store.location, 1),
            foreign.content_version,
            foreign.live._matcher.index,
            {},
        )  # type: ignore[union-attr]
    path = snapshot.snapshot_path(store.location)
    damage(path, foreign_snapshot)  # type: ignore[operator]
    assert saved_version(store) is None

    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    assert await answers(other) == expected
    assert saved_version(store) == await store.claims.content_version()  # rebuilt and saved again


async def test_a_snapshot_claiming_a_future_version_is_rebuilt(
    service: TalksService, store: Store, clock: FakeClock
) -> None:
    # The database was replaced by an older copy: its snapshot is newer than its content.
    expected = await answers(service)
    path = snapshot.snapshot_path(store.location)
    assert service.live._matcher is not None
    snapshot.save(
        path, snapshot.SnapshotKey(store.location, 1), service.content_version + 5, service.live._matcher.index, {}
    )
    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    assert await answers(other) == expected
    assert saved_version(store) == await store.claims.content_version()


async def test_a_snapshot_built_by_other_analysis_code_is_rebuilt(
    service: TalksService, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade that changes how claims become terms (a stop word, an alias) must
    not answer from an index built the old way."""
    path = snapshot.snapshot_path(store.location)
    assert service.live._matcher is not None
    monkeypatch.setattr(snapshot, "analysis_fingerprint", lambda: "the previous release")
    snapshot.save(
        path, snapshot.SnapshotKey(store.location, 1), service.content_version, service.live._matcher.index, {}
    )
    monkeypatch.undo()
    assert saved_version(store) is None

    built: list[int] = []
    real_done = IndexBuilder.done

    def counting_done(self: IndexBuilder) -> ClaimIndex:
        built.append(len(self.index.claim_ids))
        return real_done(self)

    monkeypatch.setattr(IndexBuilder, "done", counting_done)
    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    assert built  # rebuilt from the claims, not loaded
    assert await answers(other) == await answers(service)
    assert saved_version(store) == other.content_version  # and saved with today's fingerprint


async def test_a_snapshot_that_cannot_be_written_costs_nothing_but_the_next_start(
    service: TalksService, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = await answers(service)
    snapshot.snapshot_path(store.location).unlink()

    def failing_save(*args: object) -> None:
        raise ValueError("disk said no")

    monkeypatch.setattr(snapshot, "save", failing_save)
    other = TalksService(store, clock=clock)
    await other.start()  # builds, then tries to save in the background
    assert await answers(other) == expected
    await other.stop()  # the failed save does not fail the shutdown
    assert not snapshot.snapshot_path(store.location).exists()

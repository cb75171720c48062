"""The index snapshot: a second process answers from it, an older one is brought
up to date, and a damaged or foreign one is rebuilt, never trusted: another
database, curated version or analysis code (the index module and everything of
its package it imports), or sections that disagree under a valid checksum."""

from __future__ import annotations

import asyncio
import json
import modulefinder
import os
import shutil
import sqlite3
import stat
import struct
import sys
import tracemalloc
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.replies import AnswerReply, NoAnswerReply
from bot.service import TalksService
from knowledge.answering import snapshot
from knowledge.answering.index import STATUSES, ClaimIndex, IndexBuilder
from knowledge.answering.packed import PackedStrings
from knowledge.answering.phrasing import phrasing_key
from knowledge.answering.segment import Segment
from knowledge.articles.curated import load_curated
from knowledge.paths import curated_claims_file
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


def key_of(service: TalksService, curated_version: int = 1) -> snapshot.SnapshotKey:
    """The key the service's own snapshot was saved under (its database's id included)."""
    assert service.live._snapshot is not None
    return snapshot.SnapshotKey(service.location, curated_version, service.live._snapshot[1].store_id)


def saved_version(store: Store, curated_version: int = 1) -> int | None:
    path = snapshot.snapshot_path(store.location)
    loaded = snapshot.load(path, snapshot.SnapshotKey(store.location, curated_version, _store_id(store)))
    return None if loaded is None else loaded[0]


def _store_id(store: Store) -> str:
    """The id the database keeps in `meta`, read by another connection (this helper is sync)."""
    with sqlite3.connect(store.location) as con:
        row = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    return str(row[0])


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
            key_of(foreign),
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
    snapshot.save(path, key_of(service), service.content_version + 5, service.live._matcher.index, {})
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
    snapshot.save(path, key_of(service), service.content_version, service.live._matcher.index, {})
    monkeypatch.undo()
    assert saved_version(store) is None

    built = count_builds(monkeypatch)
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


# ---- a crafted snapshot: a valid checksum, a field out of range --------------------------------------


def _copy_of(service: TalksService) -> ClaimIndex:
    """A private copy of the service's index whose arrays a test may change."""
    assert service.live._matcher is not None
    index = service.live._matcher.index.compacted()
    base = index.base
    index.base = Segment(
        base.post_offsets.copy(),
        base.post_docs.copy(),
        base.post_weights.copy(),
        base.doc_offsets.copy(),
        base.doc_terms.copy(),
        base.priors.copy(),
    )
    return index


def _doc(index: ClaimIndex, claim_id: str) -> int:
    return index.claim_ids.index(claim_id)


def _status(index: ClaimIndex, top: str) -> None:
    index.statuses[_doc(index, top)] = 7


def _hidden(index: ClaimIndex, top: str) -> None:
    index.statuses[_doc(index, top)] = STATUSES.index("retracted")  # in range, and a lie


def _importance(index: ClaimIndex, top: str) -> None:
    index.importances[_doc(index, top)] = 99


def _weight(index: ClaimIndex, top: str) -> None:
    index.base.post_weights[0] = float("nan")


def _doc_number(index: ClaimIndex, top: str) -> None:
    index.base.post_docs[-1] = len(index.claim_ids) + 5


def _text_not_utf8(index: ClaimIndex, top: str) -> None:
    texts = list(index.texts)
    index.texts = PackedStrings.of(texts)
    doc = _doc(index, top)
    blob = bytearray(index.texts.blob)
    blob[index.texts.offsets[doc]] = 0xFF
    index.texts = PackedStrings(bytes(blob), index.texts.offsets)


def _text_split_inside_a_character(index: ClaimIndex, top: str) -> None:
    texts = list(index.texts)
    doc = _doc(index, top)
    texts[doc] = "é" + texts[doc]
    packed = PackedStrings.of(texts)
    offsets = array("q", packed.offsets)
    offsets[doc] += 1  # its text now starts on the second byte of "é"
    index.texts = PackedStrings(packed.blob, offsets)


def _repeated_id(index: ClaimIndex, top: str) -> None:
    index.claim_ids[_doc(index, top) + 1] = top


FORGERIES = [
    _status,
    _hidden,
    _importance,
    _weight,
    _doc_number,
    _text_not_utf8,
    _text_split_inside_a_character,
    _repeated_id,
]


@pytest.mark.parametrize("forge", [f for f in FORGERIES if f is not _hidden])
async def test_a_field_out_of_range_makes_the_snapshot_unusable(
    forge: object, service: TalksService, store: Store, tmp_path: Path
) -> None:
    top = (await service.ask(QUESTIONS[1], log_question=False)).claims[0].claim_id  # type: ignore[union-attr]
    path = tmp_path / "crafted.index"
    snapshot.save(path, key_of(service), service.content_version, _copy_of(service), {})
    assert snapshot.load(path, key_of(service)) is not None  # the copy as saved is fine
    index = _copy_of(service)
    forge(index, top)  # type: ignore[operator]
    snapshot.save(path, key_of(service), service.content_version, index, {})
    assert snapshot.load(path, key_of(service)) is None


@pytest.mark.parametrize("forge", FORGERIES)
async def test_a_crafted_snapshot_with_a_valid_checksum_is_rebuilt(
    forge: object, service: TalksService, store: Store, clock: FakeClock
) -> None:
    expected = await answers(service)
    expected_status = await service.status()
    top = expected[1].claims[0].claim_id  # type: ignore[union-attr]
    index = _copy_of(service)
    forge(index, top)  # type: ignore[operator]
    snapshot.save(snapshot.snapshot_path(store.location), key_of(service), service.content_version, index, {})

    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    assert await answers(other) == expected
    assert await other.status() == expected_status
    assert other.live.most_important() == service.live.most_important()
    assert [c for c, _text in other.find_claim_ids(top)][:1] == [top]
    assert other.did_you_mean(top[:-1])[:1] == [top]
    assert saved_version(store) == await store.claims.content_version()  # rebuilt and saved again


async def test_a_taught_phrasing_in_a_snapshot_is_never_trusted(
    service: TalksService, store: Store, clock: FakeClock
) -> None:
    expected = await answers(service)
    asked = phrasing_key(QUESTIONS[1])
    right = expected[1].claims[0].claim_id  # type: ignore[union-attr]
    wrong = next(c.claim_id for c in await service.all_claims() if c.claim_id != right)
    path = snapshot.snapshot_path(store.location)
    for taught in ({asked: "no-such-claim"}, {asked: wrong}):
        snapshot.save(path, key_of(service), service.content_version, _copy_of(service), {"taught": taught})
        other = TalksService(store, clock=clock)
        await other.start()
        await other.snapshot_saved()
        assert await answers(other) == expected


async def test_a_fifo_in_the_snapshots_place_does_not_hang_start_up(service: TalksService, store: Store) -> None:
    path = snapshot.snapshot_path(store.location)
    path.unlink()
    os.mkfifo(path)
    await service.stop()
    # Another process: opening a FIFO for reading would block it forever, not this test.
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("talksbot")),
        "ask",
        "--json",
        QUESTIONS[1],
        env={**os.environ, "TALKSBOT_DB": str(store.location)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError("talksbot hung opening a FIFO as its index snapshot") from None
    assert proc.returncode == 0, err.decode()
    assert json.loads(out)["answered"] is True
    assert path.is_file() and not stat.S_ISFIFO(path.stat().st_mode)  # replaced by a real snapshot


async def test_a_huge_header_length_costs_no_memory(service: TalksService, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "huge.index"
    body = b"\0" * (32 << 20)
    path.write_bytes(struct.pack("<8sI", snapshot.MAGIC, 0xFFFFFFFF) + body)
    tracemalloc.start()
    try:
        assert snapshot.load(path, key_of(service)) is None
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(body) // 4, f"loading copied {peak} bytes"


def _restore(backup: Path, location: Path) -> None:
    """What an operator does: the database file replaced by another (its WAL files gone)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{location}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, location)


async def _corrected_database(location: Path, clock: FakeClock, claim_id: str, text: str) -> snapshot.SnapshotKey:
    """A database built from the seeds with one correction; its snapshot saved as it stands."""
    async with Store.open(location) as store:
        service = TalksService(store, clock=clock)
        await service.start()
        await service.correct(OPERATOR, claim_id, text, "test")
        await service.stop()
        assert service.live._matcher is not None
        key = key_of(service)
        snapshot.save(
            snapshot.snapshot_path(str(location)), key, service.content_version, service.live._matcher.index, {}
        )
    return key


async def test_a_different_database_restored_at_the_same_path_does_not_reuse_the_snapshot(
    service: TalksService, clock: FakeClock, tmp_path: Path
) -> None:
    # Two databases built from the same seeds, each with one different correction of the
    # same claim: the same content version, claim count and statuses; different words.
    top = (await service.ask(QUESTIONS[1], log_question=False)).claims[0].claim_id  # type: ignore[union-attr]
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    here_key = await _corrected_database(here, clock, top, "Here it lasted ninety minutes.")
    there_key = await _corrected_database(there, clock, top, "There it lasted two hours.")
    assert here_key.store_id != there_key.store_id

    _restore(there, here)  # `here.db.index` is still the old database's snapshot
    async with Store.open(here) as store:
        fresh = TalksService(store, clock=clock)
        await fresh.start()
        assert dict(fresh.find_claim_ids(top))[top] == "There it lasted two hours."
        reply = await fresh.ask("How long did the call last? two hours", log_question=False)
        assert reply.claims[0].text == "There it lasted two hours."  # type: ignore[union-attr]
        await fresh.stop()


def test_the_fingerprint_covers_the_import_closure_of_the_index_code() -> None:
    """Every knowledge.answering module the index imports, found here by another means
    (modulefinder follows the compiled imports), is one the fingerprint reads."""
    root = Path(snapshot.__file__).resolve().parents[2]
    index_file = root / "knowledge" / "answering" / "index.py"
    finder = modulefinder.ModuleFinder(path=[str(root)])
    finder.run_script(str(index_file))
    found = {
        Path(module.__file__).resolve()
        for name, module in finder.modules.items()
        if name.startswith("knowledge.answering.") and module.__file__
    }
    assert set(snapshot.analysis_modules()) == found | {index_file}
    # The index reads what a claim states through these; a list kept by hand once missed them.
    assert {"question_kind.py", "fact_check.py"} <= {p.name for p in snapshot.analysis_modules()}


def test_the_fingerprint_changes_with_any_analysis_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modules = [tmp_path / "first.py", tmp_path / "second.py"]
    for path in modules:
        path.write_text("STOPWORDS = {'the'}\n")
    monkeypatch.setattr(snapshot, "analysis_modules", lambda: tuple(modules))
    fingerprint = snapshot.analysis_fingerprint.__wrapped__  # the uncached function
    before = fingerprint()
    for path in modules:
        path.write_text("STOPWORDS = {'the', 'a'}\n")
        assert fingerprint() != before
        before = fingerprint()


@pytest.mark.parametrize(
    "key",
    [
        snapshot.SnapshotKey("/elsewhere/talksbot.db", 1, "store-a"),
        snapshot.SnapshotKey("here", 2, "store-a"),
        snapshot.SnapshotKey("here", 1, "store-b"),
    ],
    ids=["another-database", "another-curated-version", "another-store-at-the-same-place"],
)
async def test_a_snapshot_is_used_only_for_its_own_key(
    service: TalksService, tmp_path: Path, key: snapshot.SnapshotKey
) -> None:
    assert service.live._matcher is not None
    path = tmp_path / "x.index"
    snapshot.save(path, snapshot.SnapshotKey("here", 1, "store-a"), 7, service.live._matcher.index, {})
    assert snapshot.load(path, snapshot.SnapshotKey("here", 1, "store-a")) is not None
    assert snapshot.load(path, key) is None


async def test_a_new_curated_version_rebuilds_the_index(
    service: TalksService, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = await answers(service)
    # The same claims under a new curated version: nothing to answer differently, but a
    # snapshot of the old curated data is not this one's.
    result = await store.claims.sync_curated(
        [], load_curated(curated_claims_file()), digest="next", curated_version=2, now=clock()
    )
    assert result.written == 0 and result.version == service.content_version
    built = count_builds(monkeypatch)
    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    assert built
    assert await answers(other) == expected
    assert saved_version(store, curated_version=2) == other.content_version


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, each index built from the claims (not loaded) adds its size to the list."""
    built: list[int] = []
    real_done = IndexBuilder.done

    def counting_done(self: IndexBuilder) -> ClaimIndex:
        built.append(len(self.index.claim_ids))
        return real_done(self)

    monkeypatch.setattr(IndexBuilder, "done", counting_done)
    return built


# ---- files that pass their checksum but are not an index this code can use ----------------

_HEAD = struct.Struct("<8sI")


def rewrite(path: Path, change: Callable[[dict[str, bytearray], dict[str, Any]], None], trailing: bytes = b"") -> None:
    """Change a snapshot's sections (and its JSON strings), then write it back with sizes
    and CRC that match: as another build, or a hostile file, would. `trailing` bytes
    follow the last section, covered by the CRC but by no section."""
    raw = path.read_bytes()
    magic, header_len = _HEAD.unpack_from(raw)
    start = _HEAD.size + header_len
    header = json.loads(raw[_HEAD.size : start])
    parts: dict[str, bytearray] = {}
    at = start
    for name, n in header["sections"]:
        parts[name] = bytearray(raw[at : at + n])
        at += n
    strings = json.loads(parts["strings"])
    change(parts, strings)
    parts["strings"] = bytearray(json.dumps(strings).encode())
    header["sections"] = [[name, len(parts[name])] for name, _n in header["sections"]]
    body = b"".join(parts[name] for name, _n in header["sections"]) + trailing
    header["crc"] = zlib.crc32(body)
    head = json.dumps(header).encode()
    head += b" " * (-(_HEAD.size + len(head)) % 8)
    path.write_bytes(_HEAD.pack(magic, len(head)) + head + body)


def _unchanged(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    pass


def test_bytes_past_the_last_section_make_a_snapshot_unusable(service: TalksService, store: Store) -> None:
    path = snapshot.snapshot_path(store.location)
    rewrite(path, _unchanged)
    assert saved_version(store) == service.content_version  # rewriting alone changes nothing
    rewrite(path, _unchanged, trailing=bytes(8))
    assert saved_version(store) is None


def _set_int(part: bytearray, code: str, value: int) -> None:
    struct.pack_into(f"<{code}", part, 0, value)


def _importance_missing(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    del parts["importances"][-1]


def _claim_id_missing(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    strings["claim_ids"].pop()


def _term_missing(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    strings["terms"].pop()


def _posting_past_the_last_doc(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    _set_int(parts["docs"], "q", len(strings["claim_ids"]))


def _negative_doc(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    _set_int(parts["docs"], "q", -1)


def _doc_term_past_the_last_term(parts: dict[str, bytearray], strings: dict[str, Any]) -> None:
    _set_int(parts["doc_terms"], "i", len(strings["terms"]))


@pytest.mark.parametrize(
    "change",
    [
        _importance_missing,
        _claim_id_missing,
        _term_missing,
        _posting_past_the_last_doc,
        _negative_doc,
        _doc_term_past_the_last_term,
    ],
)
async def test_a_snapshot_whose_sections_disagree_is_rebuilt(
    change: Callable[[dict[str, bytearray], dict[str, Any]], None],
    service: TalksService,
    store: Store,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = await answers(service)
    rewrite(snapshot.snapshot_path(store.location), change)
    assert saved_version(store) is None
    built = count_builds(monkeypatch)
    other = TalksService(store, clock=clock)
    await other.start()
    await other.snapshot_saved()
    assert built
    assert await answers(other) == expected
    assert saved_version(store) == other.content_version

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.permissions import Actor
from bot.service import TalksService
from knowledge.build import ensure_built
from knowledge.curated import load_curated
from knowledge.errors import DatabaseUnusable
from knowledge.migrations import APPLICATION_ID, LATEST_VERSION, MIGRATIONS
from knowledge.models import Moderator
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))


@pytest.mark.parametrize("prepare", ["missing", "zero-bytes", "empty-sqlite"])
async def test_migrations_build_an_empty_file(tmp_path: Path, prepare: str) -> None:
    path = tmp_path / "t.db"
    if prepare == "zero-bytes":
        path.write_bytes(b"")
    elif prepare == "empty-sqlite":
        sqlite3.connect(path).close()
    async with Store.open(path) as store:
        assert await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)
        assert not await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)
        assert len(await store.claims.list_sources()) == 5
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")]
    # Every migration once, in order; numbers reserved for other changes may be missing.
    assert versions == [number for number, _name, _sql in MIGRATIONS]
    con.close()


async def test_two_processes_opening_a_new_file_migrate_once(tmp_path: Path) -> None:
    path = tmp_path / "t.db"

    async def open_and_build() -> None:
        async with Store.open(path) as store:
            await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)

    await asyncio.gather(open_and_build(), open_and_build())
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    con.close()


@pytest.mark.parametrize("content", [b"hello, I am a text file\n", b"SQLite format 3\x00" + b"\x00" * 100])
async def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseUnusable):
        async with Store.open(path):
            pass
    assert path.read_bytes() == content
    assert not (tmp_path / "notes.db-wal").exists()


async def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.execute("INSERT INTO recipes VALUES ('borscht')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseUnusable, match="not a talksbot database"):
        async with Store.open(path):
            pass
    assert path.read_bytes() == before


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    async with Store.open(path):
        pass
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    con.close()
    with pytest.raises(DatabaseUnusable, match="newer talksbot"):
        async with Store.open(path):
            pass


async def test_corrections_are_append_only(service: TalksService, store: Store, db_path: Path) -> None:
    claim_id = (await store.claims.claim_ids())[0]
    await service.retract(OPERATOR, claim_id, "wrong")
    assert len(await store.moderation.history(claim_id) or []) == 1
    con = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE corrections SET reason = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM corrections")
    con.close()


async def test_reloading_the_curated_file_keeps_corrections_and_flags_removed_claims(
    tmp_path: Path, db_path: Path
) -> None:
    curated = tmp_path / "claims.toml"
    original = curated_claims_file().read_text(encoding="utf-8")
    curated.write_text(original, encoding="utf-8")
    # Claims nobody links to, so the shortened file still verifies.
    claims = [c for c in load_curated(curated) if not c.conflicts]
    kept, dropped, untouched = claims[0].id, claims[1].id, claims[2].id
    async with Store.open(db_path) as store:
        svc = TalksService(store, curated_path=curated, clock=lambda: NOW)
        await svc.start()
        await svc.correct(OPERATOR, kept, "Corrected wording.", "typo")
        await svc.retract(OPERATOR, dropped, "not supported")
        # Remove two claims from the curated file (one with history, one without).
        blocks = original.split("[[claims]]")
        head, body = blocks[0], blocks[1:]
        keep_blocks = [b for b in body if f'id = "{dropped}"' not in b and f'id = "{untouched}"' not in b]
        shortened = head + "".join("[[claims]]" + b for b in keep_blocks)
        # A changed file that still claims the same `version` is not loaded over the database.
        curated.write_text(shortened, encoding="utf-8")
        assert not await ensure_built(store, seeds_dir(), curated, NOW)
        assert untouched in {s.id for s in await store.claims.load_states()}
        assert "\nversion = 1\n" in shortened
        curated.write_text(shortened.replace("\nversion = 1\n", "\nversion = 2\n", 1), encoding="utf-8")
        assert await ensure_built(store, seeds_dir(), curated, NOW)
        states = {s.id: s for s in await store.claims.load_states()}
        assert states[kept].status == "corrected" and states[kept].correction
        assert states[kept].correction.text == "Corrected wording."
        assert states[dropped].status == "retracted" and not states[dropped].in_curated
        assert untouched not in states
        assert len(await store.moderation.history(kept) or []) == 1

"""The store on both backends (a SQLite file and a real PostgreSQL database), plus SQLite's file checks."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.service import TalksService
from knowledge.articles.curated import load_curated
from knowledge.errors import DatabaseUnusable
from knowledge.models import Moderator
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store
from knowledge.store.build import ensure_built
from knowledge.store.migrations import APPLICATION_ID, LATEST_VERSION
from tests.conftest import fresh_location
from tests.knowledge.store.raw import raw_fetch, raw_tables

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
MOD = Moderator(platform="cli", user_id="ana", name="Ana")


async def build(location: str) -> None:
    async with Store.open(location) as store:
        await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)


# ---- both backends --------------------------------------------------------------


async def test_migrations_build_an_empty_database(location: str) -> None:
    async with Store.open(location) as store:
        assert await store.db.schema_version() == LATEST_VERSION
        assert await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)
        assert not await ensure_built(store, seeds_dir(), curated_claims_file(), NOW)
        assert len(await store.claims.list_sources()) == 5
        assert len(await store.claims.claim_ids()) == len(load_curated(curated_claims_file()))
    versions = [r[0] for r in await raw_fetch(location, "SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == list(range(1, LATEST_VERSION + 1))
    # Reopening an up-to-date database migrates nothing.
    async with Store.open(location) as store:
        assert await store.db.schema_version() == LATEST_VERSION


async def test_each_database_keeps_its_own_random_id(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> None:
    """What its index snapshot is keyed by: made by the database itself, kept across opens,
    different in every database (even two built from the same seeds)."""
    first, second = fresh_location(request, backend, tmp_path, "a"), fresh_location(request, backend, tmp_path, "b")
    ids = []
    for location in (first, second, first):
        async with Store.open(location) as store:
            ids.append(await store.claims.get_meta("store_id"))
    assert all(re.fullmatch(r"[0-9a-f]{32}", str(i)) for i in ids)
    assert ids[0] == ids[2] != ids[1]


async def test_two_processes_opening_a_new_database_migrate_once(location: str) -> None:
    await asyncio.gather(build(location), build(location), build(location))
    rows = await raw_fetch(
        location, "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version"
    )
    assert rows == [(v, 1) for v in range(1, LATEST_VERSION + 1)]
    async with Store.open(location) as store:
        assert len(await store.claims.list_sources()) == 5


async def test_write_commands_never_create_a_database(location: str) -> None:
    with pytest.raises(DatabaseUnusable, match="no talksbot database at"):
        async with Store.open(location, create=False):
            pass
    if location.startswith("postgresql://"):
        assert await raw_tables(location) == set()
    else:
        assert not _has_content(Path(location))


def _has_content(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


async def test_another_applications_database_is_refused_untouched(location: str) -> None:
    await raw_fetch(location, "CREATE TABLE recipes (name TEXT)")
    await raw_fetch(location, "INSERT INTO recipes VALUES ('borscht')")
    with pytest.raises(DatabaseUnusable, match="not a talksbot database; it was left untouched"):
        async with Store.open(location):
            pass
    assert await raw_tables(location) == {"recipes"}
    assert await raw_fetch(location, "SELECT name FROM recipes") == [("borscht",)]


async def test_a_foreign_schema_migrations_table_is_not_mistaken_for_ours(location: str) -> None:
    # Rails, Django and friends keep a table by that name too.
    await raw_fetch(location, "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)")
    await raw_fetch(location, "CREATE TABLE meta (key TEXT, value TEXT)")
    with pytest.raises(DatabaseUnusable, match="not a talksbot database"):
        async with Store.open(location):
            pass
    assert await raw_tables(location) == {"schema_migrations", "meta"}


async def test_a_newer_schema_is_refused_untouched(location: str) -> None:
    await build(location)
    if location.startswith("postgresql://"):
        await raw_fetch(
            location, f"INSERT INTO schema_migrations VALUES ({LATEST_VERSION + 1}, 'from the future', 'later')"
        )
    else:
        await raw_fetch(location, f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = await raw_fetch(location, "SELECT id, digest FROM claims ORDER BY id")
    with pytest.raises(DatabaseUnusable, match="newer talksbot"):
        async with Store.open(location):
            pass
    assert await raw_fetch(location, "SELECT id, digest FROM claims ORDER BY id") == before


async def test_corrections_are_append_only(location: str) -> None:
    await build(location)
    async with Store.open(location) as store:
        claim_id = (await store.claims.claim_ids())[0]
        await store.moderation.append_action(claim_id, "retract", MOD, NOW, reason="wrong")
        attacks = ["UPDATE corrections SET reason = 'x'", "DELETE FROM corrections"]
        if store.db.dialect == "postgresql":
            attacks.append("TRUNCATE corrections CASCADE")
        for sql in attacks:
            with pytest.raises(Exception, match="append-only"):
                async with store.db.transaction() as conn:
                    await conn.execute(sql)
        history = await store.moderation.history(claim_id)
        assert history is not None and [e.reason for e in history] == ["wrong"]


async def test_reloading_the_curated_file_keeps_corrections_and_flags_removed_claims(
    tmp_path: Path, location: str
) -> None:
    curated = tmp_path / "claims.toml"
    original = curated_claims_file().read_text(encoding="utf-8")
    curated.write_text(original, encoding="utf-8")
    # Claims nobody links to, so the shortened file still verifies.
    claims = [c for c in load_curated(curated) if not c.conflicts]
    kept, dropped, untouched = claims[0].id, claims[1].id, claims[2].id
    async with Store.open(location) as store:
        svc = TalksService(store, curated_path=curated, clock=lambda: NOW)
        await svc.start()
        await store.moderation.append_action(kept, "correct", MOD, NOW, text="Corrected wording.", reason="typo")
        await store.moderation.append_action(dropped, "retract", MOD, NOW, reason="not supported")
        # Remove two claims from the curated file (one with history, one without), and bump its version.
        blocks = _bump_curated_version(original).split("[[claims]]")
        head, body = blocks[0], blocks[1:]
        keep_blocks = [b for b in body if f'id = "{dropped}"' not in b and f'id = "{untouched}"' not in b]
        curated.write_text(head + "".join("[[claims]]" + b for b in keep_blocks), encoding="utf-8")
        assert await ensure_built(store, seeds_dir(), curated, NOW)
        states = {s.id: s for s in await store.claims.load_states()}
        assert states[kept].status == "corrected" and states[kept].correction
        assert states[kept].correction.text == "Corrected wording."
        assert states[dropped].status == "retracted" and not states[dropped].in_curated
        assert untouched not in states
        history = await store.moderation.history(kept)
        assert history is not None and len(history) == 1
        await svc.stop()


async def test_claims_read_a_page_at_a_time_are_the_claims_read_at_once(location: str) -> None:
    await build(location)
    async with Store.open(location) as store:
        claim_id = (await store.claims.claim_ids())[3]
        await store.moderation.append_action(claim_id, "correct", MOD, NOW, text="Corrected wording.", reason="t")
        pages = [page async for page in store.claims.state_pages(7)]
        everything = await store.claims.load_states()
    assert len(pages) > 2 and all(len(p) == 7 for p in pages[:-1])
    assert [s for page in pages for s in page] == everything
    assert next(s for page in pages for s in page if s.id == claim_id).status == "corrected"


def _bump_curated_version(text: str) -> str:
    return re.sub(r"(?m)^version\s*=\s*(\d+)", lambda m: f"version = {int(m.group(1)) + 1}", text, count=1)


# ---- SQLite files -----------------------------------------------------------------


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

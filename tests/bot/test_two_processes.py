"""Two processes on one database serve the same facts.

Process A is this test's service; process B is a real second Python process
(the `talksbot` CLI, or a short script for a curated reload), so nothing is
shared in memory: A learns of B's changes only through the database's content
version.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.service import TalksService
from knowledge.paths import curated_claims_file
from knowledge.store import Store
from tests.conftest import FakeClock

REMOVED = "call-early-morning-washington"
REWORDED = "call-announced-on-truth-social"
OLD_QUOTE = "Announcing the development on his Truth Social platform"
NEW_QUOTE = "Announcing the development"
CORRECTED = "call-date-february-12"


def newer_curated(tmp_path: Path) -> Path:
    """The shipped curated file, one version on: a quote shortened, a claim removed."""
    text = curated_claims_file().read_text(encoding="utf-8")
    assert "\nversion = 1\n" in text and f"quote = '''{OLD_QUOTE}'''" in text
    text = text.replace("\nversion = 1\n", "\nversion = 2\n", 1)
    text = text.replace(f"quote = '''{OLD_QUOTE}'''", f"quote = '''{NEW_QUOTE}'''", 1)
    blocks = text.split("\n[[claims]]\n")
    kept = [b for b in blocks if not b.startswith(f'id = "{REMOVED}"\n')]
    assert len(kept) == len(blocks) - 1
    path = tmp_path / "claims-v2.toml"
    path.write_text("\n[[claims]]\n".join(kept), encoding="utf-8")
    return path


def in_other_process(db: Path, *argv: str) -> str:
    env = dict(os.environ, TALKSBOT_DB=str(db), TALKSBOT_OPERATOR="process-b")
    done = subprocess.run(
        [sys.executable, "-m", "adapters.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def reload_in_other_process(db: Path, curated: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio
        from pathlib import Path
        from bot.service import TalksService
        from knowledge.store import Store

        async def main():
            async with Store.open(Path({str(db)!r}), create=False) as store:
                await TalksService(store, curated_path=Path({str(curated)!r})).start()

        asyncio.run(main())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture
async def process_a(db_path: Path, clock: FakeClock) -> AsyncIterator[TalksService]:
    async with Store.open(db_path) as store:
        service = TalksService(store, clock=clock)
        await service.start()
        yield service


async def answer_ids(service: TalksService, question: str) -> list[str]:
    reply = await service.ask(question)
    return [v.claim_id for v in getattr(reply, "claims", [])]


async def test_every_change_made_by_another_process_reaches_the_next_answer(
    process_a: TalksService, db_path: Path, tmp_path: Path
) -> None:
    a = process_a
    start_version = a.content_version
    assert CORRECTED in await answer_ids(a, "On what date did Trump and Putin speak by phone?")

    in_other_process(db_path, "correct", CORRECTED, "--text", "The call was on 12 February.", "--reason", "style")
    reply = await a.ask("On what date did Trump and Putin speak by phone?")
    [view] = [v for v in reply.claims if v.claim_id == CORRECTED]  # type: ignore[union-attr]
    assert view.text == "The call was on 12 February." and view.status == "corrected"
    assert reply.content_version > start_version

    in_other_process(db_path, "retract", CORRECTED, "--reason", "duplicate")
    assert CORRECTED not in await answer_ids(a, "On what date did Trump and Putin speak by phone?")

    assert REMOVED in {v.claim_id for v in await a.all_claims()}
    assert REMOVED in await answer_ids(a, "Was the call early in the morning Washington time?")
    reload_in_other_process(db_path, newer_curated(tmp_path))
    claims = {v.claim_id: v for v in await a.all_claims()}
    assert REMOVED not in claims
    assert REMOVED not in await answer_ids(a, "Was the call early in the morning Washington time?")
    assert claims[REWORDED].quotes[0].quote == NEW_QUOTE
    # The retraction made before the reload still holds after it.
    assert claims[CORRECTED].status == "retracted"


async def test_an_older_curated_file_never_reverts_a_newer_database(
    db_path: Path, tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with Store.open(db_path) as store:
        await TalksService(store, clock=clock, curated_path=newer_curated(tmp_path)).start()
    with caplog.at_level(logging.WARNING):
        async with Store.open(db_path) as store:
            old = TalksService(store, clock=clock)  # the shipped file: version 1
            await old.start()
            claims = {v.claim_id: v for v in await old.all_claims()}
            assert await store.claims.get_meta("curated_version") == "2"
    assert REMOVED not in claims
    assert claims[REWORDED].quotes[0].quote == NEW_QUOTE
    lines = [r.getMessage() for r in caplog.records if "not reloading curated claims" in r.getMessage()]
    assert len(lines) == 1 and "version 1" in lines[0] and "version 2" in lines[0]

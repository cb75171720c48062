"""Shared fixtures: a real SQLite file per test and a started service on it.

Store tests that take `location` run on both backends: a SQLite file in
`tmp_path`, and a fresh database on a real PostgreSQL server that this
session starts itself (see `tests.postgres_server`). If that server cannot
start, those tests fail rather than skip, so CI can never pass without
PostgreSQL having run; set TALKSBOT_TEST_POSTGRES=0 to skip them on purpose.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.permissions import Actor, ModerationPolicy
from bot.service import TalksService
from knowledge.models import HistoryEntry, Moderator
from knowledge.store import Store
from tests.postgres_server import PostgresServer, ServerUnavailable

# The local operator (the CLI's "cli" platform is always a moderator): for reading
# history through the service's own front door in tests.
OPERATOR = Actor(Moderator(platform="cli", user_id="operator", name="operator"))


class FakeClock:
    """A clock tests move by hand, so nothing waits for real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 2, 14, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's settings or touches the default database or cache in their home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for name in list(os.environ):
        if name.startswith(("TALKSBOT_", "SLACK_", "DISCORD_")) and not name.startswith("TALKSBOT_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "talksbot.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with Store.open(db_path) as s:
        yield s


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator's moderation scope: none by default. Adapter tests override this
    fixture (or parametrize it) to configure their community or named users."""
    return ModerationPolicy()


@pytest.fixture
async def service(store: Store, clock: FakeClock, policy: ModerationPolicy) -> TalksService:
    svc = TalksService(store, policy=policy, clock=clock)
    await svc.start()
    await svc.snapshot_saved()  # tests start from a store whose index snapshot is on disk
    return svc


async def history_of(service: TalksService, claim_id: str) -> list[HistoryEntry]:
    """A claim's moderation history, read as the local operator through the service."""
    return (await service.history(OPERATOR, claim_id)).entries


async def talksbot_cli(db_path: Path, *argv: str) -> tuple[int, str, str]:
    """Run the installed `talksbot` console script in another process on `db_path`:
    (exit code, stdout, stderr). The event loop keeps serving while it runs."""
    exe = Path(sys.executable).with_name("talksbot")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKSBOT_")}
    proc = await asyncio.create_subprocess_exec(
        str(exe),
        *argv,
        env={**env, "TALKSBOT_DB": str(db_path)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if os.environ.get("TALKSBOT_TEST_POSTGRES") == "0":
        pytest.skip("PostgreSQL tests switched off with TALKSBOT_TEST_POSTGRES=0")
    try:
        server = PostgresServer.start()
    except (ServerUnavailable, OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"the PostgreSQL test server did not start: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def fresh_location(request: pytest.FixtureRequest, backend: str, tmp_path: Path, name: str = "talksbot") -> str:
    """A new, empty database on `backend`: a file path, or a fresh PostgreSQL database's URL."""
    if backend == "sqlite":
        return str(tmp_path / f"{name}.db")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    db = f"t_{uuid.uuid4().hex[:16]}"
    server.sql(f'CREATE DATABASE "{db}"')
    # FORCE: a test that failed may leave a connection open.
    request.addfinalizer(lambda: server.sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    return server.url(db)


@pytest.fixture
def location(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """An empty database on each backend in turn."""
    return fresh_location(request, backend, tmp_path)

"""Shared fixtures: a real SQLite file per test and a started service on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.service import TalksService
from knowledge.store import Store


class FakeClock:
    """A clock tests move by hand, so nothing waits for real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 2, 14, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


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
async def service(store: Store, clock: FakeClock) -> TalksService:
    svc = TalksService(store, clock=clock)
    await svc.start()
    return svc

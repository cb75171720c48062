"""The store: one database and the modules that own its SQL, one per concern.

`Store.open(location)` picks the backend (a path means SQLite; a
`postgresql://` URL means `knowledge.store.postgres`) and hands the same `Database`
to each module:

- `claims`: claims, quotes, sources, the curated sync, the content version;
- `moderation`: the append-only history and moderator-added claims;
- `activity`: the question log and readers' feedback;
- `digests`: subscriptions and digest runs;
- `suggestions`: readers' proposed corrections, waiting for moderators;
- `queue`: the moderators' review queue and taught phrasings;
- `posted`: messages the bot posted, and how each can still be changed;
- `outbox`: queued updates of posted messages after a moderator change;
- `candidates`: ingested articles and the claims proposed from them;
- `events`: platform events handled at most once across processes.

Only the service (`bot.service`) holds a Store; adapters never see one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from knowledge.store.activity import ActivityStore
from knowledge.store.budget import BudgetStore
from knowledge.store.candidates import CandidateStore
from knowledge.store.claims import ClaimStore
from knowledge.store.connection import Database
from knowledge.store.digests import DigestStore
from knowledge.store.events import EventStore
from knowledge.store.moderation import ModerationStore
from knowledge.store.outbox import OutboxStore
from knowledge.store.posted import PostedStore
from knowledge.store.queue import QueueStore
from knowledge.store.sqlite import SqliteDatabase
from knowledge.store.suggestions import SuggestionStore


def is_postgres_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


class Store:
    """One talksbot database. Create with `async with Store.open(location) as store`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.claims = ClaimStore(db)
        self.moderation = ModerationStore(db)
        self.activity = ActivityStore(db)
        self.digests = DigestStore(db)
        self.suggestions = SuggestionStore(db)
        self.queue = QueueStore(db)
        self.posted = PostedStore(db)
        self.outbox = OutboxStore(db)
        self.budget = BudgetStore(db)
        self.candidates = CandidateStore(db)
        self.events = EventStore(db)

    @property
    def location(self) -> str:
        return self.db.location

    @classmethod
    @asynccontextmanager
    async def open(cls, location: str | Path, *, create: bool = True) -> AsyncIterator[Store]:
        """Open (creating and migrating when `create`) the database at `location`."""
        db = await open_database(location, create=create)
        try:
            yield cls(db)
        finally:
            await db.close()


async def open_database(location: str | Path, *, create: bool = True) -> Database:
    """Open the backend `location` names; refuses (DatabaseUnusable) a foreign or newer database."""
    if is_postgres_url(location):
        # Imported here: SQLite-only processes (the CLI's default) skip loading asyncpg.
        from knowledge.store.postgres import PostgresDatabase

        return await PostgresDatabase.open(str(location), create=create)
    return await SqliteDatabase.open(Path(location), create=create)

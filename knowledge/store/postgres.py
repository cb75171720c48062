"""The PostgreSQL backend (asyncpg): a pool, migrations under an advisory lock, LISTEN/NOTIFY.

Chosen by `TALKSBOT_DB=postgresql://…`. The store modules' SQL is written
once with `?` marks; `PgConn` turns them into `$1…$n` and asyncpg's results
into plain tuples, so the same module code runs on both backends.

Before anything is written, the schema is inspected read-only: a non-empty
schema without talksbot's `meta` marker row is somebody else's, and one whose
`schema_migrations` is ahead of this code comes from a newer talksbot; both
are refused and left untouched, with the same sentences as for SQLite files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import asyncpg

from knowledge import messages
from knowledge.errors import DatabaseUnusable
from knowledge.store.connection import Conn, Dialect, Row, VersionCallback
from knowledge.store.content_version import NOTIFY_CHANNEL
from knowledge.store.migrations import APPLICATION_ID, LATEST_VERSION, MIGRATIONS, PG_MARKER
from knowledge.store.pg_url import shown

log = logging.getLogger(__name__)

POOL_MAX = 10
# How often the listen connection proves it is alive: a dead TCP peer is not
# noticed until something is sent, and a silent listener would miss changes.
LISTEN_HEALTH_SECONDS = 5.0
LISTEN_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
CONNECT_TIMEOUT = 10.0
# Names the listen session in pg_stat_activity, so operators (and tests) can find it.
LISTENER_NAME = "talksbot-listen"


@lru_cache(maxsize=1024)
def to_numbered(sql: str) -> str:
    """`?` marks → `$1…$n`, leaving `?` inside quoted literals, identifiers and comments alone."""
    out: list[str] = []
    n = 0
    i, size = 0, len(sql)
    while i < size:
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < size:
                if sql[end] == ch:
                    # A doubled quote is an escaped quote, not the end.
                    if end + 1 < size and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = size if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


async def _reset_pooled(conn: asyncpg.Connection) -> None:
    """What a connection needs on its way back to the pool: only an unfinished transaction ended.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release, one round trip per statement a store module runs. Pooled
    connections keep no session state to undo: the one advisory lock is transaction-scoped,
    LISTEN has its own connection, and nothing SETs a session parameter. At ten thousand
    digests a pass that round trip was a sixth of a worker's time.
    """
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


def _rowcount(status: str) -> int:
    """asyncpg returns the command tag ("UPDATE 3", "INSERT 0 1"); its last word is the count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PgConn:
    """`Conn` over one asyncpg connection (inside a transaction or a read snapshot)."""

    dialect: Dialect = "postgresql"

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        return _rowcount(await self.raw.execute(to_numbered(sql), *args))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if batch:
            await self.raw.executemany(to_numbered(sql), batch)

    async def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in await self.raw.fetch(to_numbered(sql), *args)]

    async def fetchone(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        row = await self.raw.fetchrow(to_numbered(sql), *args)
        return None if row is None else tuple(row)

    async def iterate(self, sql: str, args: Sequence[Any] = ()) -> AsyncIterator[Row]:
        # A server-side cursor: needs the surrounding transaction `reading()` opens.
        async for row in self.raw.cursor(to_numbered(sql), *args, prefetch=2000):
            yield tuple(row)


async def _inspect(conn: asyncpg.Connection, location: str) -> int:
    """Read-only: the schema version (0 for an empty schema); raise for a foreign or newer one."""
    tables = {
        r[0]
        for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }
    if not tables:
        return 0
    if not {"meta", "schema_migrations"} <= tables:
        raise DatabaseUnusable(messages.not_talksbot(location))
    marker = await conn.fetchval("SELECT value FROM meta WHERE key = $1", PG_MARKER[0])
    if marker != PG_MARKER[1]:
        raise DatabaseUnusable(messages.not_talksbot(location))
    version = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))
    if version > LATEST_VERSION:
        raise DatabaseUnusable(messages.newer_schema(location, version, LATEST_VERSION))
    return version


async def _migrate(conn: asyncpg.Connection, location: str, *, create: bool) -> None:
    """Apply pending migrations, each in its own transaction with its record.

    Every transaction first takes a transaction-scoped advisory lock, then
    re-reads the version: two processes migrating at once queue on the lock
    and the second finds the work done, so each migration runs exactly once.
    """
    current = await _inspect(conn, location)
    if current == 0 and not create:
        raise DatabaseUnusable(messages.no_database(location))
    while current < LATEST_VERSION:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", APPLICATION_ID)
            current = await _inspect(conn, location)
            pending = [m for m in MIGRATIONS if m.number > current]
            if not pending:
                return
            migration = pending[0]
            if current == 0:
                await conn.execute(
                    "CREATE TABLE schema_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            # No arguments: asyncpg sends the script as one simple query, so a
            # migration may hold several statements and PL/pgSQL bodies.
            await conn.execute(migration.postgresql)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                migration.number,
                migration.name,
                datetime.now(UTC).isoformat(),
            )
            current = migration.number


class PostgresDatabase:
    """A PostgreSQL database: one pool serves writers and snapshot readers alike.

    Writers get READ COMMITTED transactions; modules that must serialise a
    read-then-write (the content version, digest runs) lock rows explicitly.
    Readers get READ ONLY REPEATABLE READ snapshots: MVCC means they never
    wait for a writer and see one consistent state for their whole block.
    """

    dialect: Dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._url = url
        self.location = shown(url)
        self._callbacks: list[VersionCallback] = []
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    @classmethod
    async def open(cls, url: str, *, create: bool = True, pool_max: int = POOL_MAX) -> PostgresDatabase:
        """Open the pool, then inspect (read-only) and migrate when `create` or already ours.

        The pool's first connection does the inspection: one connection set-up
        at start, not two.
        """
        # Read by the driver's rules first: a URL it cannot read is refused before any
        # connection attempt, whose errors could quote pieces of it.
        location = shown(url)
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=pool_max, timeout=CONNECT_TIMEOUT, reset=_reset_pooled
            )
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise DatabaseUnusable(messages.unreachable(location, exc)) from exc
        try:
            async with pool.acquire() as conn:
                await _migrate(conn, location, create=create)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, url)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        try:
            await asyncio.wait_for(self._pool.close(), timeout=5)
        except TimeoutError:
            self._pool.terminate()

    async def schema_version(self) -> int:
        async with self._pool.acquire() as conn:
            return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Conn]:
        async with self._pool.acquire() as raw, raw.transaction():
            # asyncpg's transaction block rolls back and re-raises on any error.
            yield PgConn(raw)

    @asynccontextmanager
    async def reading(self, *, snapshot: bool = True) -> AsyncIterator[Conn]:
        async with self._pool.acquire() as raw:
            if not snapshot:  # one statement is its own snapshot; skip BEGIN/COMMIT round trips
                yield PgConn(raw)
                return
            async with raw.transaction(isolation="repeatable_read", readonly=True):
                yield PgConn(raw)

    # ---- change notifications ----------------------------------------------------

    async def listen(self, on_version: VersionCallback) -> bool:
        """Call `on_version(version)` for every committed content-version bump, from any process.

        One dedicated connection LISTENs (pooled connections cannot: LISTEN
        belongs to a session). When it is lost it reconnects with backoff
        and calls `on_version(None)`, because bumps in the gap were missed.
        Returns once the first LISTEN is in place (or it failed and a retry
        is scheduled); the callback runs on the event loop and must not block.
        """
        self._callbacks.append(on_version)
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen_forever(), name="talksbot-pg-listen")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._listening.wait(), timeout=CONNECT_TIMEOUT)
        return True

    def _announce(self, version: int | None) -> None:
        for callback in list(self._callbacks):
            try:
                callback(version)
            except Exception:
                log.exception("content-version callback failed")

    async def _listen_forever(self) -> None:
        failures = 0
        heard_before = False
        while True:
            lost = asyncio.Event()
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(
                    self._url, timeout=CONNECT_TIMEOUT, server_settings={"application_name": LISTENER_NAME}
                )
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
                self._listening.set()
                if heard_before:
                    log.info("content notifications: listening again on %s", self.location)
                    self._announce(None)  # bumps made while we were away were not heard
                heard_before, failures = True, 0
                while not lost.is_set():
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(lost.wait(), timeout=LISTEN_HEALTH_SECONDS)
                    if not lost.is_set():
                        await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout=LISTEN_HEALTH_SECONDS)
                log.warning("content notifications: connection to %s lost; reconnecting", self.location)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("content notifications: %s (%s); retrying", type(exc).__name__, exc)
            finally:
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            self._listening.set()  # never keep `listen()` waiting for a server that is down
            await asyncio.sleep(LISTEN_RETRY_SECONDS[min(failures, len(LISTEN_RETRY_SECONDS) - 1)])
            failures += 1

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        try:
            version: int | None = int(str(payload))
        except ValueError:
            version = None
        self._announce(version)

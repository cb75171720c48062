"""The SQLite backend: refusing foreign files, WAL, foreign keys, migrations, readers.

The checks run on a read-only connection first, so a file that is not a
talksbot database (or comes from a newer talksbot) is never modified.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from knowledge import messages
from knowledge.errors import DatabaseUnusable
from knowledge.store.connection import Conn, Dialect, Row, VersionCallback
from knowledge.store.migrations import APPLICATION_ID, LATEST_VERSION, MIGRATIONS

_SQLITE_HEADER = b"SQLite format 3\x00"
_HEADER_SIZE = 100
BUSY_TIMEOUT_MS = 15_000
# Readers per process: answering, digests and pickers read at once; more buys nothing on SQLite.
READERS = 2


def check_path(path: Path, *, create: bool = True) -> None:
    """Raise DatabaseUnusable when talksbot cannot use `path`; read-only, it never creates anything.

    Caught here rather than by SQLite, whose errors ("unable to open database
    file") name neither the path nor the fix, and which would leave `-wal` and
    `-shm` files beside a file it then fails to use.
    """
    if path.is_dir():
        raise DatabaseUnusable(messages.is_a_directory(path))
    if path.exists():
        if not path.is_file():  # a FIFO would block the read below forever; a device is no database
            raise DatabaseUnusable(messages.not_a_regular_file(path))
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseUnusable(messages.read_only(path))
        wal = path.with_name(path.name + "-wal")
        if not wal.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
            raise DatabaseUnusable(messages.folder_not_writable(path.parent, wal.name))
        return
    if not create:
        raise DatabaseUnusable(messages.no_database(path))
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise DatabaseUnusable(messages.cannot_create_in_a_file(path, ancestor))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise DatabaseUnusable(messages.cannot_create_unwritable(path, ancestor))


def inspect_file(path: Path) -> bool:
    """True when `path` is a talksbot database, False when it may become one (missing or empty); raise otherwise.

    Read-only, and creates no `-wal`/`-shm` files beside a file it refuses.
    """
    if path.is_dir():
        raise DatabaseUnusable(messages.is_a_directory(path))
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as fh:
        header = fh.read(_HEADER_SIZE)
    if not header.startswith(_SQLITE_HEADER):
        raise DatabaseUnusable(messages.not_sqlite(path))
    if len(header) < _HEADER_SIZE:
        raise DatabaseUnusable(messages.damaged(path))
    # Opening a WAL-mode file, even read-only, creates -wal and -shm beside it. With no
    # -wal present the main file holds everything, so it can be read as immutable.
    immutable = "" if path.with_name(path.name + "-wal").exists() else "&immutable=1"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnusable(messages.unreadable(path, exc)) from exc
    if app_id == APPLICATION_ID:
        if version > LATEST_VERSION:
            raise DatabaseUnusable(messages.newer_schema(path, version, LATEST_VERSION))
        return True
    if app_id == 0 and tables == 0:
        return False
    raise DatabaseUnusable(messages.not_talksbot(path))


async def connect(path: Path, *, create: bool = True) -> aiosqlite.Connection:
    """Open `path`, migrating it as needed; with `create`, build a missing or empty one.

    Writes only talksbot files: anything it refuses is left as it was.
    """
    check_path(path, create=create)
    if not inspect_file(path) and not create:
        raise DatabaseUnusable(messages.no_database(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves (see Transactions).
        conn = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.DatabaseError) as exc:
        raise DatabaseUnusable(messages.cannot_open(path, exc)) from exc
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _use_wal(conn)
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        await conn.close()
        raise DatabaseUnusable(messages.cannot_use(path, exc)) from exc
    except BaseException:
        await conn.close()
        raise
    return conn


async def _use_wal(conn: aiosqlite.Connection) -> None:
    # Switching a new file to WAL answers "database is locked" at once, without the busy
    # timeout, while another process does the same: retry for as long as that timeout.
    for attempt in range(BUSY_TIMEOUT_MS // 50):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == BUSY_TIMEOUT_MS // 50 - 1:
                raise
            await asyncio.sleep(0.05)


async def _open_reader(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA query_only = ON")
    return conn


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _migrate(conn: aiosqlite.Connection, path: Path) -> None:
    if await schema_version(conn) == LATEST_VERSION:
        return
    # BEGIN IMMEDIATE takes the write lock first, so two processes opening a new
    # file at once apply each migration exactly once: the loser re-reads the version.
    async with atomic(conn):
        current = await schema_version(conn)
        if current > LATEST_VERSION:
            raise DatabaseUnusable(messages.newer_schema(path, current, LATEST_VERSION))
        if current == 0:
            await conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            await conn.execute(
                "CREATE TABLE schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        for migration in MIGRATIONS:
            if migration.number <= current:
                continue
            for statement in _statements(migration.sqlite):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.number, migration.name, datetime.now(UTC).isoformat()),
            )
            await conn.execute(f"PRAGMA user_version = {migration.number}")


@asynccontextmanager
async def atomic(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    """BEGIN IMMEDIATE … COMMIT as one unit (sqlite-utils' `atomic()` discipline).

    COMMIT runs inside the `try`: when it fails (a deferred foreign key, a full
    disk) the transaction is still open and must be rolled back, or the single
    writer would answer every later BEGIN with "cannot start a transaction within
    a transaction" until restart. ROLLBACK runs only while a transaction is open:
    some errors end it themselves (`INSERT OR ROLLBACK`, SQLITE_FULL), and a second
    ROLLBACK would fail and hide the error that matters. The error is re-raised.
    """
    await conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; triggers keep their inner semicolons."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


class SqliteConn:
    """`Conn` over one aiosqlite connection."""

    dialect: Dialect = "sqlite"

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        async with self.raw.execute(sql, tuple(args)) as cur:
            return cur.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.raw.executemany(sql, [tuple(r) for r in rows])

    async def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        async with self.raw.execute(sql, tuple(args)) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        async with self.raw.execute(sql, tuple(args)) as cur:
            row = await cur.fetchone()
        return None if row is None else tuple(row)

    async def iterate(self, sql: str, args: Sequence[Any] = ()) -> AsyncIterator[Row]:
        async with self.raw.execute(sql, tuple(args)) as cur:
            async for row in cur:
                yield row


class SqliteDatabase:
    """One SQLite file: a single writer connection and a small pool of readers.

    aiosqlite shares a connection between tasks, so concurrent tasks must not
    interleave statements of different transactions: a lock serialises writers
    within a process, BEGIN IMMEDIATE (with busy_timeout) across processes.
    Readers use their own connections in WAL mode, so a read never waits for
    the writer and sees one consistent snapshot for its whole block.
    """

    dialect: Dialect = "sqlite"

    def __init__(self, writer: aiosqlite.Connection, readers: list[aiosqlite.Connection], path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._writer = SqliteConn(writer)
        self._lock = asyncio.Lock()
        self._readers: asyncio.Queue[SqliteConn] = asyncio.Queue()
        self._all_readers = readers
        for r in readers:
            self._readers.put_nowait(SqliteConn(r))

    @classmethod
    async def open(cls, path: Path, *, create: bool = True, readers: int = READERS) -> SqliteDatabase:
        writer = await connect(path, create=create)
        opened: list[aiosqlite.Connection] = []
        try:
            for _ in range(readers):
                opened.append(await _open_reader(path))
        except BaseException:
            for conn in opened:
                await conn.close()
            await writer.close()
            raise
        return cls(writer, opened, path)

    async def close(self) -> None:
        for conn in self._all_readers:
            await conn.close()
        await self._writer.raw.close()

    async def schema_version(self) -> int:
        return await schema_version(self._writer.raw)

    async def listen(self, on_version: VersionCallback) -> bool:
        """SQLite cannot notify other processes; readers compare the version before answering."""
        return False

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Conn]:
        async with self._lock, atomic(self._writer.raw):
            yield self._writer

    @asynccontextmanager
    async def reading(self, *, snapshot: bool = True) -> AsyncIterator[Conn]:
        conn = await self._readers.get()
        try:
            if not snapshot:
                yield conn
                return
            # A deferred BEGIN pins one WAL snapshot for every statement of the block.
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("COMMIT")
        finally:
            self._readers.put_nowait(conn)

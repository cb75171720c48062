"""The small connection interface every store module speaks.

Store modules write their SQL once with `?` placeholders and call these
methods; each backend (`knowledge.store.sqlite`, `knowledge.store.postgres`) adapts
placeholders and result rows. Where the dialects genuinely differ, a store
module keeps both statements side by side and picks one by `conn.dialect`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]
Row = Sequence[Any]
# Called with the new content version, or None when notifications may have
# been missed (the listen connection was lost and came back): re-read it.
VersionCallback = Callable[[int | None], None]


class Conn(Protocol):
    """One connection, inside a transaction or a read snapshot."""

    dialect: Dialect

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, args: Sequence[Any] = ()) -> Row | None: ...

    def iterate(self, sql: str, args: Sequence[Any] = ()) -> AsyncIterator[Row]:
        """Stream rows without holding them all (large claim loads)."""
        ...


class Database(Protocol):
    """A backend: one writer at a time, readers that never wait for it."""

    dialect: Dialect
    location: str

    def transaction(self) -> AbstractAsyncContextManager[Conn]:
        """BEGIN … COMMIT as one unit; rolls back and re-raises on any error."""
        ...

    def reading(self, *, snapshot: bool = True) -> AbstractAsyncContextManager[Conn]:
        """A read-only connection that does not wait for the writer; with `snapshot`,
        every statement of the block sees the same committed state (a single
        statement always does, so one-statement reads may skip it)."""
        ...

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...

    async def listen(self, on_version: VersionCallback) -> bool:
        """Call `on_version` whenever any process commits a content-version bump.

        Returns False when the backend cannot push changes (SQLite): callers
        then rely on comparing the version before answering, which they must
        do anyway, since a push can always be missed.
        """
        ...


async def fetchval(conn: Conn, sql: str, args: Sequence[Any] = (), default: Any = None) -> Any:
    """The first column of the first row, or `default`."""
    row = await conn.fetchone(sql, args)
    return default if row is None or row[0] is None else row[0]

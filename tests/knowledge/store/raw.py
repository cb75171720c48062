"""Direct access to a test database, around the store: to plant foreign or future schemas and inspect them."""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg


async def raw_fetch(location: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one statement outside talksbot and return its rows (committed at once)."""
    if location.startswith("postgresql://"):
        conn = await asyncpg.connect(location)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()
    con = sqlite3.connect(location, isolation_level=None)
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


async def raw_tables(location: str) -> set[str]:
    if location.startswith("postgresql://"):
        rows = await raw_fetch(
            location, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    else:
        rows = await raw_fetch(location, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows}

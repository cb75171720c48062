"""The two dialects' migrations, written side by side, build the same schema.

A fresh SQLite file and a fresh PostgreSQL database are migrated by the real
code, then read back from each catalogue: tables, columns (type class, NOT
NULL, default, primary key), foreign keys, the indexes created by name and
the triggers (PostgreSQL's TRUNCATE triggers aside: SQLite has no TRUNCATE).
Types are compared loosely, where the dialects name one thing differently:
SQLite's INTEGER is PostgreSQL's integer or bigint, a SQLite rowid alias
(`INTEGER PRIMARY KEY`) is a PostgreSQL identity or serial column.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from knowledge.store import Store
from tests.conftest import fresh_location

Schema = dict[str, Any]

_TYPE_CLASS = {
    "integer": "integer",
    "bigint": "integer",
    "smallint": "integer",
    "text": "text",
    "character varying": "text",
    "real": "real",
    "double precision": "real",
}


def _type_class(declared: str) -> str:
    return _TYPE_CLASS[declared.lower()]


def _default(value: str | None) -> str | None:
    """'[]'::text → '[]'; nextval(…) (a serial's sequence) → None, as for a SQLite rowid alias."""
    if value is None or value.startswith("nextval("):
        return None
    return re.sub(r"::[a-z ]+$", "", value).strip("()")


def _sqlite_schema(path: str) -> Schema:
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        schema: Schema = {}
        for table in tables:
            columns = {}
            pk = []
            for _cid, name, declared, notnull, default, pk_pos in con.execute(f'PRAGMA table_info("{table}")'):
                rowid_alias = pk_pos == 1 and declared.upper() == "INTEGER" and _single_pk(con, table)
                # A rowid alias is NOT NULL whatever it declares; its default is the next rowid.
                columns[name] = (_type_class(declared), bool(notnull) or pk_pos > 0, None if rowid_alias else default)
                if pk_pos:
                    pk.append((pk_pos, name))
            fks = {
                (r[3], r[2], r[4], r[6]) for r in con.execute(f'PRAGMA foreign_key_list("{table}")')
            }  # (from, table, to, on delete)
            indexes = {}
            for _seq, name, unique, origin, partial in con.execute(f'PRAGMA index_list("{table}")'):
                if origin != "c":  # made by a PRIMARY KEY or UNIQUE constraint, not by CREATE INDEX
                    continue
                cols = tuple(r[2] for r in con.execute(f'PRAGMA index_info("{name}")'))
                indexes[name] = (cols, bool(unique), bool(partial))
            triggers = {
                r[0]
                for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))
            }
            schema[table] = {
                "columns": columns,
                "primary_key": tuple(n for _, n in sorted(pk)),
                "foreign_keys": fks,
                "indexes": indexes,
                "triggers": triggers,
            }
        return schema
    finally:
        con.close()


def _single_pk(con: sqlite3.Connection, table: str) -> bool:
    return sum(1 for r in con.execute(f'PRAGMA table_info("{table}")') if r[5]) == 1


async def _postgres_schema(url: str) -> Schema:
    conn = await asyncpg.connect(url)
    try:
        schema: Schema = {}
        tables = [
            r[0]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        for table in tables:
            columns = {
                r["column_name"]: (
                    _type_class(r["data_type"]),
                    r["is_nullable"] == "NO",
                    None if r["is_identity"] == "YES" else _default(r["column_default"]),
                )
                for r in await conn.fetch(
                    "SELECT column_name, data_type, is_nullable, column_default, is_identity "
                    "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                    table,
                )
            }
            pk = await conn.fetchval(
                "SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = $1::regclass AND i.indisprimary",
                table,
            )
            fks = {
                (r["col"], r["ref_table"], r["ref_col"], r["on_delete"])
                for r in await conn.fetch(
                    "SELECT a.attname AS col, c.confrelid::regclass::text AS ref_table, ra.attname AS ref_col, "
                    "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' "
                    "WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete "
                    "FROM pg_constraint c "
                    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                    "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] "
                    "WHERE c.contype = 'f' AND c.conrelid = $1::regclass",
                    table,
                )
            }
            indexes = {}
            for r in await conn.fetch(
                "SELECT ic.relname AS name, i.indisunique AS is_unique, i.indpred IS NOT NULL AS partial, "
                "(SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS cols "
                "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                "WHERE i.indrelid = $1::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                table,
            ):
                indexes[r["name"]] = (tuple(r["cols"]), r["is_unique"], r["partial"])
            # tgtype bit 5 (32) marks a TRUNCATE trigger.
            triggers = {
                r[0]
                for r in await conn.fetch(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal "
                    "AND tgtype & 32 = 0",
                    table,
                )
            }
            schema[table] = {
                "columns": columns,
                "primary_key": tuple(pk or ()),
                "foreign_keys": fks,
                "indexes": indexes,
                "triggers": triggers,
            }
        return schema
    finally:
        await conn.close()


async def test_both_dialects_migrate_to_the_same_schema(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    sqlite_path = fresh_location(request, "sqlite", tmp_path)
    pg_url = fresh_location(request, "postgresql", tmp_path)
    for location in (sqlite_path, pg_url):
        async with Store.open(location):
            pass
    lite, pg = _sqlite_schema(sqlite_path), await _postgres_schema(pg_url)
    assert sorted(lite) == sorted(pg), "tables differ"
    problems = [
        f"{table}.{part}: sqlite {lite[table][part]!r} != postgresql {pg[table][part]!r}"
        for table in sorted(lite)
        for part in ("columns", "primary_key", "foreign_keys", "indexes", "triggers")
        if lite[table][part] != pg[table][part]
    ]
    assert not problems, "\n".join(problems)

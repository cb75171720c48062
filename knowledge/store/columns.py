"""Named columns: a table's column list written once, and its rows read back by name.

A mapper that reads `r[0] … r[12]` has to be kept in step with a column string
written somewhere else: a column added in the middle silently shifts every
field after it. A `Columns` holds the names once: `select` is the SQL list,
`read(row)` gives the values by name, converted on the way out (timestamps,
JSON lists, booleans), ready to become a model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from knowledge.store.connection import Row

Convert = Callable[[Any], Any]


def timestamp(value: str | None) -> datetime | None:
    """An ISO timestamp column (NULL stays None)."""
    return datetime.fromisoformat(value) if value else None


def from_json(value: str) -> Any:
    return json.loads(value)


def flag(value: int) -> bool:
    """SQLite has no booleans: a 0/1 INTEGER column."""
    return bool(value)


class Columns:
    """One query's columns, named once.

    `names` is written like the SQL list ("id, claim_id, text"); a column may be
    read under its model's name with `AS` ("group_key AS key": the SQL selects
    `group_key`, `read` names it `key`), and every column is
    prefixed with `alias` ("p" → "p.id") for joins. `convert` maps a model name
    to the function applied to its value.
    """

    def __init__(self, names: str, *, alias: str = "", convert: Mapping[str, Convert] | None = None) -> None:
        self._sources: list[str] = []
        self.names: tuple[str, ...] = ()
        for part in names.split(","):
            column, _, renamed = (w.strip() for w in part.partition(" AS "))
            self._sources.append(column)
            self.names += (renamed or column.strip('"'),)
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"a column is named twice in {names!r}")
        unknown = set(convert or {}) - set(self.names)
        if unknown:
            raise ValueError(f"conversions for columns that are not selected: {sorted(unknown)}")
        self._convert = dict(convert or {})
        prefix = f"{alias}." if alias else ""
        self.select = ", ".join(f"{prefix}{column}" for column in self._sources)

    def __len__(self) -> int:
        return len(self.names)

    def read(self, row: Row, start: int = 0) -> dict[str, Any]:
        """The row's values by name, converted; `start` skips the columns of an earlier `Columns` in a join."""
        if start or len(row) != len(self.names):
            row = row[start : start + len(self.names)]
            if len(row) != len(self.names):
                raise ValueError(f"the row has no {len(self.names)} columns from column {start}")
        out = dict(zip(self.names, row, strict=False))  # lengths checked above: the load path reads 10⁵ rows
        if self._convert:
            for name, convert in self._convert.items():
                out[name] = convert(out[name])
        return out

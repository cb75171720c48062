"""`Columns`: one column list gives the SELECT and reads rows back by name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge.store.columns import Columns, flag, from_json, timestamp

POSTED_LIKE = Columns(
    'id, "end", group_key AS key, made_at, tags, live',
    alias="p",
    convert={"made_at": timestamp, "tags": from_json, "live": flag},
)


def test_the_select_list_and_the_names_come_from_one_string() -> None:
    assert POSTED_LIKE.select == 'p.id, p."end", p.group_key, p.made_at, p.tags, p.live'
    assert POSTED_LIKE.names == ("id", "end", "key", "made_at", "tags", "live")
    assert len(POSTED_LIKE) == 6


@pytest.mark.parametrize(
    ("row", "start", "expected"),
    [
        (
            (7, 3, "k", "2025-02-14T09:00:00+00:00", '["a"]', 1),
            0,
            {
                "id": 7,
                "end": 3,
                "key": "k",
                "made_at": datetime(2025, 2, 14, 9, 0, tzinfo=UTC),
                "tags": ["a"],
                "live": True,
            },
        ),
        # A join: the columns of an earlier table come first.
        (
            ("other", 0, 7, 3, "k", None, "[]", 0),
            2,
            {"id": 7, "end": 3, "key": "k", "made_at": None, "tags": [], "live": False},
        ),
    ],
)
def test_rows_are_read_by_name_and_converted(row: tuple[object, ...], start: int, expected: dict[str, object]) -> None:
    assert POSTED_LIKE.read(row, start) == expected


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: Columns("id, text, id"), "named twice"),
        (lambda: Columns("id, text AS id"), "named twice"),
        (lambda: Columns("id, text", convert={"txet": str}), "not selected"),
    ],
)
def test_a_list_that_cannot_map_rows_is_refused_when_written(make: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        make()  # type: ignore[operator]


def test_a_row_too_short_for_the_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="no 6 columns from column 3"):
        POSTED_LIKE.read((1, 2, 3, 4, 5, 6, 7), start=3)

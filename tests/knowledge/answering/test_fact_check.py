"""Yes or no for a checked statement (`fact_check.judge`), one row per rule."""

from __future__ import annotations

import pytest

from knowledge.answering.fact_check import Amount, judge

NINETY_MINUTES: tuple[Amount, ...] = ((90.0, "time"),)

# (statement, the claim's amounts, whether the claim denies, whether its own sentence
#  says all of the statement, expected: None for no verdict, else whether it agrees)
JUDGED: list[tuple[str, tuple[Amount, ...], bool, bool, bool | None]] = [
    # Figures decide, whoever carries the rest of the statement.
    ("the call lasted an hour and a half", NINETY_MINUTES, False, False, True),
    ("the call lasted three hours", NINETY_MINUTES, False, False, False),
    ("the call lasted three hours", NINETY_MINUTES, False, True, False),
    # Without figures, polarity decides, and only when the claim's own sentence says it all.
    ("trump consulted the allies", (), False, True, True),
    ("trump consulted the allies", (), True, True, False),
    ("trump did not consult the allies", (), True, True, True),
    ("trump consulted the allies", (), False, False, None),
    ("trump consulted the allies", (), True, False, None),
    ("trump did not consult the allies", (), False, False, None),
]


@pytest.mark.parametrize(("statement", "claim_amounts", "negative", "states_it_all", "agrees"), JUDGED)
def test_judge(
    statement: str, claim_amounts: tuple[Amount, ...], negative: bool, states_it_all: bool, agrees: bool | None
) -> None:
    verdict = judge(statement, claim_amounts, negative, states_it_all)
    assert (None if verdict is None else verdict.agrees) is agrees

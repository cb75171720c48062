"""Yes or no for a checked statement (`fact_check.judge`), one row per rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.answering.amounts import Amount
from knowledge.answering.fact_check import judge, read_check
from knowledge.answering.question_kind import NOTHING_STATED

NINETY_MINUTES: tuple[Amount, ...] = ((90.0, "time"),)

# (statement, the claim's amounts, whether the claim denies, whether its own sentence
#  says all of the statement, whether it is about the same subject, expected: None for
#  no verdict, else whether it agrees)
JUDGED: list[tuple[str, tuple[Amount, ...], bool, bool, bool, bool | None]] = [
    # Figures decide, whoever carries the rest of the statement.
    ("the call lasted one and a half hours", NINETY_MINUTES, False, False, True, True),
    ("the call lasted three hours", NINETY_MINUTES, False, False, True, False),
    ("the call lasted three hours", NINETY_MINUTES, False, True, True, False),
    # A wrong figure is a No whoever the claim is about; a right one is a Yes only for its subject.
    ("the call lasted three hours", NINETY_MINUTES, False, True, False, False),
    ("the call lasted one and a half hours", NINETY_MINUTES, False, True, False, None),
    # A figure the claim gives in no such measure: no verdict.
    ("the call lasted three hours", ((5.0, "percent"),), False, True, True, None),
    # Without figures, polarity decides, and only when the claim's own sentence says it all.
    ("trump consulted the allies", (), False, True, True, True),
    ("trump consulted the allies", (), True, True, True, False),
    ("trump did not consult the allies", (), True, True, True, True),
    ("trump consulted the allies", (), False, False, True, None),
    ("trump consulted the allies", (), True, False, True, None),
    ("trump did not consult the allies", (), False, False, True, None),
]


@pytest.mark.parametrize(("statement", "claim_amounts", "negative", "states_it_all", "same", "agrees"), JUDGED)
def test_judge(
    statement: str,
    claim_amounts: tuple[Amount, ...],
    negative: bool,
    states_it_all: bool,
    same: bool,
    agrees: bool | None,
) -> None:
    claim = replace(NOTHING_STATED, amounts=claim_amounts, negative=negative)
    verdict = judge(read_check(statement), claim, states_it_all, same)
    assert (None if verdict is None else verdict.agrees) is agrees

"""Long runs of digits, punctuation or one word, in a claim's quote or in a question, are
read in time linear in their length: the answer-type check, the question reader and the
matcher. Each case runs in a child process with a timeout far above the linear cost
(milliseconds) and far below the quadratic one (a 20,000-digit quote took 37 s, 40,000
took 141 s), so a backtracking pattern fails the test instead of slowing it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

RUNS = {
    "digits": "1",
    "digits and spaces": "1 ",
    "thousands": "1,",
    "decimals": "1.",
    "ranges": "1-",
    "times": "1:",
    "a word": "call ",
    "commas": ",",
    "dashes": "-",
    "em dashes": "—",
    "semicolons": ";",
    "spaces": " ",
}
# Seconds: the linear code needs well under one at 40,000 characters on a loaded machine.
LIMIT = 20


def run_child(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=LIMIT
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("length", [20_000, 40_000])
@pytest.mark.parametrize("unit", list(RUNS.values()), ids=list(RUNS))
def test_the_answer_type_check_reads_a_long_quote_once(unit: str, length: int) -> None:
    run_child(f"""
        from knowledge.answering.question_kind import asked_kind, stated_kinds
        from knowledge.answering.values import dates, pairings, places, strip_dates, strip_offices, strip_places
        text = "The call lasted " + {unit!r} * ({length} // len({unit!r})) + " minutes."
        stated_kinds([text, text.upper()], None)
        asked_kind(text)
        for read in (dates, pairings, places, strip_dates, strip_offices, strip_places):
            read(text)
    """)


@pytest.mark.parametrize("length", [20_000, 40_000])
@pytest.mark.parametrize("unit", list(RUNS.values()), ids=list(RUNS))
def test_the_question_reader_and_matcher_read_a_long_question_once(unit: str, length: int) -> None:
    run_child(f"""
        from knowledge.answering.reader import checked_statement, read
        from knowledge.answering.questions import split_questions
        question = "Is it true that the call lasted " + {unit!r} * ({length} // len({unit!r})) + " hours, right?"
        read(question)
        split_questions(question)
        checked_statement(question)
    """)

"""Checks ("is it correct that …", "I heard …, right?"): does a claim agree with the statement? Pure.

A check names values ("the call lasted two hours", "they spoke on February
15", "they will meet in Turkey", "Rubio heads the CIA") or a fact that
may be so or not ("Trump consulted the allies first"). The matcher finds the
claim about the same thing with the values left out, since a wrong value is
exactly what the reader wants checked, then compares each value exactly:
- amounts (durations, money, percentages, counts) by unit and size, however
  written ("ninety minutes" = "1.5 hours" = "one and a half hours" = "90-minute");
- dates to the day; places country to country and city to city; an office
  against the roles the entities file ties to the articles;
- with no values, polarity: a claim that denies ("without consulting", "ruled
  out") answers an affirmative check with No, and the reverse.
Any value the claim contradicts gives No, with what the sources say. Yes
needs every value confirmed, the same polarity and the same subject: never a
Yes the sources do not state. A value the claim does not state gives no
verdict at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.answering.amounts import Amount, amounts, is_same_amount, render, strip_amounts
from knowledge.answering.values import (
    Date,
    Pairing,
    Place,
    check_pairing,
    dates,
    pairings,
    places,
    strip_dates,
    strip_offices,
    strip_places,
)

if TYPE_CHECKING:
    from knowledge.answering.question_kind import Stated

_NEGATIVE = re.compile(
    r"\b(?:not|never|no|without|excluded|exclude|excluding|rejected|rejects|refused|denied|impossible"
    r"|unrealistic|ruled out|left out|bypassed|off the table|dismissed|unfeasible|infeasible)\b|n't\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """Whether the sources agree with a checked statement, in one sentence for the reply."""

    agrees: bool
    sentence: str


def is_negative(text: str) -> bool:
    """True when `text` denies something: "not", "never", "without", "ruled out"…"""
    return bool(_NEGATIVE.search(text))


@dataclass(frozen=True)
class Checked:
    """The values a check states, read once."""

    statement: str
    amounts: tuple[Amount, ...]
    dates: tuple[Date, ...]
    places: tuple[Place, ...]
    pairings: tuple[Pairing, ...]
    negative: bool

    @property
    def has_values(self) -> bool:
        return bool(self.amounts or self.dates or self.places or self.pairings)


def read_check(statement: str) -> Checked:
    return Checked(
        statement=statement,
        amounts=amounts(statement),
        dates=dates(statement),
        places=places(statement),
        pairings=pairings(statement),
        negative=is_negative(statement),
    )


def strip_values(statement: str) -> str:
    """The statement without the values it checks, for finding the claim about the same thing."""
    return strip_amounts(strip_places(strip_dates(strip_offices(statement))))


def addresses(checked: Checked, claim: Stated, own: bool = False) -> bool:
    """False when the check names a kind of value the claim states none of (with `own`:
    in its own statement, not only in a quote)."""
    measures = {m for _, m in (claim.own_amounts if own else claim.amounts)}
    if checked.amounts and not any(m in measures for _, m in checked.amounts):
        return False
    if checked.dates and not (claim.own_dates if own else claim.dates):
        return False
    kinds = {p.kind for p in (claim.own_places if own else claim.places)}
    return not checked.places or any(p.kind in kinds for p in checked.places)


def judge(checked: Checked, claim: Stated, states_it_all: bool, same_subject: bool) -> Verdict | None:
    """Whether a claim confirms or refutes the checked statement; None when it does neither.

    `states_it_all`: the claim's own statement (not only its quotes) carries
    the whole check; `same_subject`: the claim is about the one the check
    names first (Healey announced the aid, not Hegseth). A contradicted value
    is a No whatever else holds; a Yes needs all of it.
    """
    parts = [
        *(_compare_amount(a, claim.amounts) for a in checked.amounts),
        *(_compare_date(d, claim.dates) for d in checked.dates),
        *(_compare_place(p, claim.places) for p in checked.places),
        *(_compare_pairing(p) for p in checked.pairings),
    ]
    wrong = next((sentence for agrees, sentence in parts if agrees is False), None)
    if wrong is not None:
        return Verdict(False, f"No — the sources say {wrong}.")
    if any(agrees is None for agrees, _ in parts):
        return None
    if checked.negative != claim.negative:
        return Verdict(False, "No — the sources say otherwise.") if states_it_all or parts else None
    if not same_subject or not (states_it_all or parts):
        return None
    if parts:
        return Verdict(True, f"Yes — the sources say {parts[0][1]}.")
    return Verdict(True, "Yes — the sources agree.")


def _compare_amount(said: Amount, theirs: tuple[Amount, ...]) -> tuple[bool | None, str]:
    value, measure = said
    same = [a for a in theirs if a[1] == measure]
    if not same:
        return None, ""
    match = next((a for a in same if is_same_amount(value, a[0], measure)), None)
    if match is not None:
        return True, render(match)
    return False, f"{render(same[0])}, not {render(said, about=False)}"


def _compare_date(said: Date, theirs: tuple[Date, ...]) -> tuple[bool | None, str]:
    if not theirs:
        return None, ""
    match = next((d for d in theirs if said.same_as(d)), None)
    if match is not None:
        return True, str(match)
    if any(said.within(d) for d in theirs):
        # A day of a range the sources give: neither the same nor wrong.
        return None, ""
    return False, f"{theirs[0]}, not {said}"


def _compare_place(said: Place, theirs: tuple[Place, ...]) -> tuple[bool | None, str]:
    if any(p.token == said.token for p in theirs):
        return True, f"in {said.name}"
    # A country is compared with a country, a city with a city: Riyadh is not "not Saudi Arabia".
    same_kind = [p for p in theirs if p.kind == said.kind]
    if not same_kind:
        return None, ""
    return False, f"in {same_kind[0].name}, not in {said.name}"


def _compare_pairing(pairing: Pairing) -> tuple[bool | None, str]:
    found = check_pairing(pairing)
    return found.holds, found.sentence

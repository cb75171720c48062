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

from knowledge.answering.text import words
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

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "half": 0.5,
}
# Unit word → (what it measures, factor to that measure's base unit).
_UNITS: dict[str, tuple[str, float]] = {
    "second": ("time", 1 / 60),
    "minute": ("time", 1.0),
    "hour": ("time", 60.0),
    "day": ("days", 1.0),
    "week": ("days", 7.0),
    "month": ("months", 1.0),
    "year": ("months", 12.0),
    "thousand": ("amount", 1e3),
    "million": ("amount", 1e6),
    "billion": ("amount", 1e9),
    "trillion": ("amount", 1e12),
    "bn": ("amount", 1e9),
    "mn": ("amount", 1e6),
    "percent": ("percent", 1.0),
    "member": ("members", 1.0),
    "nation": ("nations", 1.0),
    "country": ("nations", 1.0),
    "position": ("positions", 1.0),
}
# Measures that count things: a describing word may stand between the number and them.
_COUNTED = frozenset({"members", "nations", "positions"})
_BETWEEN = frozenset({"and", "more", "than", "about", "nearly", "full", "whole"})
_NEGATIVE = re.compile(
    r"\b(?:not|never|no|without|excluded|exclude|excluding|rejected|rejects|refused|denied|impossible"
    r"|unrealistic|ruled out|left out|bypassed|off the table|dismissed|unfeasible|infeasible)\b|n't\b",
    re.IGNORECASE,
)
_HALF_HOUR = re.compile(r"\bhalf an hour\b", re.IGNORECASE)
_MAY_HOLD_AMOUNT = re.compile(
    rf"\d|\b(?:{'|'.join(w for w in _NUMBER_WORDS if len(w) > 2)})\b|\ban?\s+(?:hour|minute|day|week|month|year)",
    re.IGNORECASE,
)
# Amounts agree when within this share of each other ("about 90" is 90).
_TOLERANCE = 0.1

Amount = tuple[float, str]


@dataclass(frozen=True)
class Verdict:
    """Whether the sources agree with a checked statement, in one sentence for the reply."""

    agrees: bool
    sentence: str


def amounts(text: str) -> tuple[Amount, ...]:
    """(value in base unit, measure) for each number-with-unit in `text`."""
    if not _MAY_HOLD_AMOUNT.search(text):
        # Most texts state no figure; tokenizing them is the index build's main cost.
        return ()
    text = _HALF_HOUR.sub("30 minutes", text)
    tokens = [w.removesuffix("s") if len(w) > 3 else w for w in words(text)]
    found: list[Amount] = []
    # Where the last duration's unit word was: "an hour and thirty minutes" is one duration.
    last_time_end = -2
    for i, tok in enumerate(tokens):
        value = _number(tok)
        if value is None:
            continue
        if tok.endswith("%"):
            found.append((value, "percent"))
            continue
        for j, unit in enumerate(tokens[i + 1 : i + 4]):
            if unit in _UNITS:
                measure, factor = _UNITS[unit]
                between = tokens[i + 1 : i + 1 + j]
                # A word or two may describe what is counted ("seven European nations");
                # a measure (minutes, billions) follows its number with at most "and", "nearly"….
                if all(t in _BETWEEN for t in between) or (j <= 2 and measure in _COUNTED):
                    if measure == "time" and found and found[-1][1] == "time" and i == last_time_end + 2:
                        found[-1] = (found[-1][0] + value * factor, "time")
                    else:
                        found.append((value * factor, measure))
                    if measure == "time":
                        last_time_end = i + 1 + j
                break
            if _number(unit) is not None:
                break
    return tuple(found)


def strip_amounts(statement: str) -> str:
    """The statement without its figures, for finding the claim about the same thing."""
    spoken = "|".join(w for w in _NUMBER_WORDS if len(w) > 2)
    units = "|".join(_UNITS)
    figure = rf"\b(?:an?\s+)?(?:\d+(?:[.,]\d+)?%?|{spoken})(?:[\s-]+(?:{units})s?)?\b|\ban?\s+(?:{units})\b"
    return re.sub(figure, " ", _HALF_HOUR.sub(" ", statement), flags=re.IGNORECASE)


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
    match = next((a for a in same if _close(value, a[0])), None)
    if match is not None:
        return True, _render(match)
    return False, f"{_render(same[0])}, not {_render(said, about=False)}"


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


def _number(token: str) -> float | None:
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    try:
        return float(token.rstrip("%").replace(",", ""))
    except ValueError:
        return None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(abs(a), abs(b))


def _render(amount: Amount, about: bool = True) -> str:
    value, measure = amount
    if measure == "time":
        # Durations in the articles are approximate ("about", "nearly").
        approx = "about " if about else ""
        if value >= 60 and value % 60:
            return f"{approx}{value:g} minutes ({value / 60:g} hours)"
        return f"{approx}{value / 60:g} hours" if value >= 60 else f"{approx}{value:g} minutes"
    if measure == "amount":
        for factor, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
            if value >= factor:
                return f"{value / factor:g} {word}"
    if measure == "percent":
        return f"{value:g}%"
    if measure == "months":
        return f"{value / 12:g} years" if value >= 12 else f"{value:g} months"
    return f"{value:g} {measure}"

"""Amounts a text states, by measure and size, however written. Pure.

One reading for both sides: the fact check compares a checked statement's
amounts with a claim's, and ingest compares a new article's sentence with
the claims it resembles (`knowledge.articles.facts`). "ninety minutes" =
"1.5 hours" = "one and a half hours" = "90-minute" = "an hour and a half";
"hourlong" is an hour; "£3bn" = "£3 billion"; "a team of five" and "a
five-member team" are five members. `is_same_amount` is the one rule for
when two amounts are the same.
"""

from __future__ import annotations

import re

from knowledge.answering.text import words

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
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "half": 0.5,
}
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_ONES = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
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
# One word that is a number and its unit at once: "an hourlong call", "a yearlong war".
_WHOLE_UNITS: dict[str, tuple[float, str]] = {
    "hourlong": (60.0, "time"),
    "daylong": (1.0, "days"),
    "weeklong": (7.0, "days"),
    "monthlong": (1.0, "months"),
    "yearlong": (12.0, "months"),
}
# "a team of five", "a delegation of three": the number after "of" counts the group's members.
_GROUPS = frozenset({"team", "group", "delegation", "panel", "committee", "trio", "quartet"})
# Measures that count things: a describing word may stand between the number and them.
COUNTED = frozenset({"members", "nations", "positions"})
_BETWEEN = frozenset({"and", "more", "than", "about", "nearly", "full", "whole"})
_HALF_HOUR = re.compile(r"\bhalf an hour\b", re.IGNORECASE)
_MAY_HOLD_AMOUNT = re.compile(
    rf"\d|\b(?:{'|'.join(w for w in _NUMBER_WORDS if len(w) > 2)})\b|\ban?\s+(?:hour|minute|day|week|month|year)"
    rf"|\b(?:{'|'.join(_WHOLE_UNITS)})\b",
    re.IGNORECASE,
)
# Amounts agree when within this share of each other ("about 90" is 90).
TOLERANCE = 0.1

Amount = tuple[float, str]


def amounts(text: str) -> tuple[Amount, ...]:
    """(value in base unit, measure) for each number-with-unit in `text`."""
    if not _MAY_HOLD_AMOUNT.search(text):
        # Most texts state no figure; tokenizing them is the index build's main cost.
        return ()
    text = _HALF_HOUR.sub("30 minutes", text)
    tokens = _joined_tens([w.removesuffix("s") if len(w) > 3 else w for w in words(text)])
    found: list[Amount] = []
    # Where the last duration's unit word was: "an hour and thirty minutes" is one duration.
    last_time_end = -2
    for i, tok in enumerate(tokens):
        if tok in _WHOLE_UNITS:
            found.append(_WHOLE_UNITS[tok])
            continue
        value = _number(tok)
        if value is None:
            continue
        if tok.endswith("%"):
            found.append((value, "percent"))
            continue
        if i >= 2 and tokens[i - 1] == "of" and tokens[i - 2] in _GROUPS and tok not in ("a", "an"):
            found.append((value, "members"))
            continue
        for j, unit in enumerate(tokens[i + 1 : i + 4]):
            if unit in _UNITS:
                measure, factor = _UNITS[unit]
                between = tokens[i + 1 : i + 1 + j]
                # A word or two may describe what is counted ("seven European nations");
                # a measure (minutes, billions) follows its number with at most "and", "nearly"….
                if all(t in _BETWEEN for t in between) or (j <= 2 and measure in COUNTED):
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


def _joined_tens(tokens: list[str]) -> list[str]:
    """ "forty five" (from "forty-five"; the aliases may have made it "forty 5") as one number, "45"."""
    out: list[str] = []
    for tok in tokens:
        ones = _NUMBER_WORDS[tok] if tok in _ONES else int(tok) if len(tok) == 1 and tok.isdigit() else 0
        if ones and out and out[-1] in _TENS:
            out[-1] = str(_NUMBER_WORDS[out[-1]] + ones)
        else:
            out.append(tok)
    return out


def strip_amounts(statement: str) -> str:
    """The statement without its figures, for finding the claim about the same thing."""
    spoken = "|".join(w for w in _NUMBER_WORDS if len(w) > 2)
    units = "|".join(_UNITS)
    whole = "|".join(_WHOLE_UNITS)
    figure = (
        rf"\b(?:an?\s+)?(?:\d+(?:[.,]\d+)?%?|{spoken})(?:[\s-]+(?:{units})s?)?\b|\ban?\s+(?:{units})\b"
        rf"|\b(?:an?\s+)?(?:{whole})\b"
    )
    return re.sub(figure, " ", _HALF_HOUR.sub(" ", statement), flags=re.IGNORECASE)


def is_same_amount(a: float, b: float, measure: str = "") -> bool:
    """Two sizes of one measure are the same amount: within TOLERANCE of each other
    ("about 90 minutes" is "nearly an hour and a half"); things counted one by one
    (members, nations) only when equal: eleven nations are not ten."""
    if measure in COUNTED:
        return a == b
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def render(amount: Amount, about: bool = True) -> str:
    """An amount in words for a reply: "about 90 minutes (1.5 hours)", "4.5 billion"."""
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


def _number(token: str) -> float | None:
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    try:
        return float(token.rstrip("%").replace(",", ""))
    except ValueError:
        return None

"""'Is it true that …?' checks: the statement to check, and whether a claim agrees. Pure.

A check names a value ("the call lasted two hours", "Britain gave £3 billion")
or a fact that may be so or not ("Trump consulted the allies first"). The
matcher finds the claim about the same thing with the values left out, since a
wrong figure is exactly what the reader wants checked, then compares:
- amounts (durations, money, percentages, counts) by unit and size;
- otherwise polarity: a claim that denies ("without consulting", "ruled out",
  "never discussed") answers an affirmative check with No, and the reverse.
When the check states an amount the claim does not give in that unit, the
sources do not address it and the matcher abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answering.text import words

_CHECK = re.compile(
    r"^\s*(?:(?:so\s+)?is it (?:true|correct|right|a fact|accurate)|is this (?:true|correct)|true or false"
    r"|fact[- ]?check|(?:can|could) you (?:confirm|check)|confirm|am i right|did i hear (?:right|correctly))"
    r"\s*(?:that\b|:|,|-)?\s*",
    re.IGNORECASE,
)
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
    "percent": ("percent", 1.0),
    "member": ("members", 1.0),
    "nation": ("nations", 1.0),
    "country": ("nations", 1.0),
    "position": ("positions", 1.0),
}
_NEGATIVE = re.compile(
    r"\b(?:not|never|no|without|excluded|exclude|excluding|rejected|rejects|refused|denied|impossible"
    r"|unrealistic|ruled out|left out|bypassed)\b|n't\b",
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


def checked_statement(question: str) -> str | None:
    """The statement a 'is it true that …' question asks about, or None for other questions."""
    m = _CHECK.match(question)
    if not m:
        return None
    rest = question[m.end() :].strip().rstrip("?!. ")
    return rest or None


def amounts(text: str) -> tuple[Amount, ...]:
    """(value in base unit, measure) for each number-with-unit in `text`."""
    if not _MAY_HOLD_AMOUNT.search(text):
        # Most texts state no figure; tokenizing them is the index build's main cost.
        return ()
    text = _HALF_HOUR.sub("30 minutes", text)
    tokens = [w.removesuffix("s") if len(w) > 3 else w for w in words(text)]
    found: list[Amount] = []
    for i, tok in enumerate(tokens):
        value = _number(tok)
        if value is None:
            continue
        if tok.endswith("%"):
            found.append((value, "percent"))
            continue
        for unit in tokens[i + 1 : i + 3]:
            if unit in _UNITS:
                measure, factor = _UNITS[unit]
                found.append((value * factor, measure))
                break
            if unit not in ("and", "more", "than", "about", "nearly", "full", "whole"):
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


def judge(
    statement: str, claim_amounts: tuple[Amount, ...], claim_negative: bool, states_it_all: bool
) -> Verdict | None:
    """Whether a claim confirms or refutes `statement`; None when it does neither.

    Callers first check `addresses`: a figure the claim does not give is not
    refuted. Without figures, yes or no rests on the claim's polarity, so it is
    given only when the claim's own statement carries the whole check
    (`states_it_all`), not when some of it is only in a quote.
    """
    said = amounts(statement)
    if said:
        theirs = [a for a in claim_amounts if a[1] in {m for _, m in said}]
        if any(_close(v, w) for v, m in said for w, n in theirs if m == n):
            return Verdict(True, f"Yes — the sources say {_render(theirs[0])}.")
        return Verdict(False, f"No — the sources say {_render(theirs[0])}, not {_render(said[0], about=False)}.")
    if not states_it_all:
        return None
    if is_negative(statement) != claim_negative:
        return Verdict(False, "No — the sources say otherwise.")
    return Verdict(True, "Yes — the sources agree.")


def addresses(statement: str, claim_amounts: tuple[Amount, ...]) -> bool:
    """False when the statement gives a figure the claim has none of the same measure for."""
    said = amounts(statement)
    return not said or any(m == n for _, m in said for _, n in claim_amounts)


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

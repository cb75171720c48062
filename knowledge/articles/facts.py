"""The facts a statement gives, and whether two statements give the same ones. Pure.

Ingest relates a new article's sentence to an existing claim by its facts, not
its words: "about ninety minutes", "1.5 hours" and "an hour and a half" are one
length; "£3 billion" is not "£4.5 billion"; "Thursday, February 13" is not
"Wednesday, February 12"; "a team of five" is not a three-member team.

Facts, by kind:
- amounts by measure (`amount:time`, `amount:amount` for money and large sums,
  `amount:members`, `amount:nations`, …), read by `knowledge.answering.amounts`;
- dates to the day (`date`) and weekdays (`weekday`);
- where something takes place (`place:country`, `place:city`, …): only a
  place a meeting word points at, so "the war in Ukraine" is no venue;
- who holds which office (`office:<person>`): "Secretary of State Marco Rubio";
- the words quoted (`quote`): "a premature surrender" is not "preemptive
  surrender", though both are about one diplomat's warning.

The readers and the rules for "the same value" are the answering side's own
(`amounts.is_same_amount`, `Date.same_as`, place tokens, the entities file's
offices): a check and an ingest proposal never disagree on whether two
figures match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from knowledge.answering.amounts import Amount, amounts, is_same_amount
from knowledge.answering.text import fold, terms
from knowledge.answering.values import Date, Pairing, Place, dates, pairings, people, venues
from knowledge.articles.drafts import REPORTING_VERBS
from knowledge.entities import shipped

# A group whose members a statement may list by name: "a team of Rubio, Ratcliffe and Waltz".
_GROUP = re.compile(r"\b(?:team|delegation)\b")
_REPORTING = re.compile(r"\b(?:" + "|".join(sorted(REPORTING_VERBS)) + r")\b")
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
# Words in double quotation marks (after folding, curly quotes are straight); a quote runs
# to the next mark, so the pattern reads the text once.
_QUOTED = re.compile(r'"([^"]{1,300})"')


@dataclass(frozen=True)
class Facts:
    """The values one statement gives."""

    amounts: tuple[Amount, ...] = ()
    dates: tuple[Date, ...] = ()
    weekdays: frozenset[str] = frozenset()
    places: tuple[Place, ...] = ()
    offices: tuple[Pairing, ...] = ()
    # Each quoted passage as its content terms, and the terms of the whole statement.
    quotes: tuple[frozenset[str], ...] = ()
    words: frozenset[str] = frozenset()

    def kinds(self) -> set[str]:
        """The kinds of value given, as `compare` names them."""
        found = {f"amount:{m}" for _, m in self.amounts} | {f"place:{p.kind}" for p in self.places}
        found |= {f"office:{p.person}" for p in self.offices}
        if self.dates:
            found.add("date")
        if self.weekdays:
            found.add("weekday")
        if self.quotes:
            found.add("quote")
        return found


@dataclass(frozen=True)
class Comparison:
    """How two statements' facts relate, kind by kind."""

    # Kinds both give with a value in common ("90 minutes" and "an hour and a half").
    agreed: frozenset[str]
    # Kinds both give with no value in common ("February 12" and "February 13").
    disagreed: frozenset[str]
    # Both quote someone, but not the same words, and not in a way that contradicts:
    # two different remarks, so neither is evidence for the other.
    different_quotes: bool = False


def read_facts(text: str) -> Facts:
    """The amounts, dates, weekdays, venues, office-holders and quoted words `text` states."""
    return Facts(
        amounts=amounts(text) + _members_named(text),
        dates=dates(text),
        weekdays=frozenset(_WEEKDAY.findall(fold(text).lower())),
        places=venues(text),
        offices=pairings(text),
        quotes=tuple(q for m in _QUOTED.finditer(fold(text)) if (q := frozenset(terms(m.group(1))))),
        words=frozenset(terms(text)),
    )


def compare(mine: Facts, theirs: Facts) -> Comparison:
    """Kind by kind, whether the two statements give a value in common. A kind only one
    of them gives is in neither set: a value the other does not state is no evidence."""
    agreed: set[str] = set()
    disagreed: set[str] = set()

    def judge(kind: str, same: bool | None) -> None:
        if same is not None:
            (agreed if same else disagreed).add(kind)

    for measure in {m for _, m in mine.amounts} & {m for _, m in theirs.amounts}:
        given, stated = _of(mine.amounts, measure), _of(theirs.amounts, measure)
        judge(f"amount:{measure}", any(is_same_amount(a, b, measure) for a in given for b in stated))
    if mine.dates and theirs.dates:
        judge("date", _same_dates(mine.dates, theirs.dates))
    if mine.weekdays and theirs.weekdays:
        judge("weekday", bool(mine.weekdays & theirs.weekdays))
    for kind in {p.kind for p in mine.places} & {p.kind for p in theirs.places}:
        ours = {p.token for p in mine.places if p.kind == kind}
        judge(f"place:{kind}", bool(ours & {p.token for p in theirs.places if p.kind == kind}))
    for person in {p.person for p in mine.offices} & {p.person for p in theirs.offices}:
        ours_offices = {o for p in mine.offices if p.person == person for o in p.offices}
        theirs_offices = {o for p in theirs.offices if p.person == person for o in p.offices}
        judge(f"office:{person}", bool(ours_offices & theirs_offices))
    quoted = _same_quotes(mine, theirs)
    judge("quote", quoted)
    different = bool(mine.quotes and theirs.quotes) and quoted is None
    return Comparison(frozenset(agreed), frozenset(disagreed), different)


def _same_quotes(mine: Facts, theirs: Facts) -> bool | None:
    """True: one statement quotes words the other gives, quoted or not; False: two quoted
    passages share a word but differ in another ("premature surrender" and "preemptive
    surrender"), a misquote or another account of one remark; None otherwise."""
    if not mine.quotes or not theirs.quotes:
        return None
    if any(q <= theirs.words for q in mine.quotes) or any(q <= mine.words for q in theirs.quotes):
        return True
    # A name both quotes contain ("Ukraine") does not make them one remark; another word does.
    pairs = [(a - _name_terms(), b - _name_terms()) for a in mine.quotes for b in theirs.quotes]
    if any(a & b for a, b in pairs):
        return False
    return None


@cache
def _name_terms() -> frozenset[str]:
    """The terms of every name in the entities file: people, countries, cities, bodies."""
    return frozenset(t for e in shipped().entities for name in (*e.names, e.token) for t in terms(name))


def _members_named(text: str) -> tuple[Amount, ...]:
    """A group's size counted from the people named after it, when its size is not written:
    "a team of Marco Rubio, John Ratcliffe, Michael Waltz and Steve Witkoff" has four members."""
    low = " ".join(fold(text).lower().split())
    group = _GROUP.search(low)
    if group is None or any(m == "members" for _, m in amounts(text)):
        return ()
    # The list ends where a trailing reporting clause begins: in "…, Witkoff and Waltz,
    # Trump said" Trump reports the team and is not in it.
    end = len(low)
    verb = _REPORTING.search(low, group.end())
    if verb is not None:
        comma = low.rfind(",", group.end(), verb.start())
        end = comma if comma >= 0 else end
    named = people(low[:end], group.end())
    return ((float(len(named)), "members"),) if len(named) >= 2 else ()


def _of(found: Iterable[Amount], measure: str) -> list[float]:
    return [v for v, m in found if m == measure]


def _same_dates(mine: tuple[Date, ...], theirs: tuple[Date, ...]) -> bool | None:
    if any(a.same_as(b) for a in mine for b in theirs):
        return True
    # A day of a range the other gives ("February 14" of "February 14-16") is neither.
    if any(a.within(b) or b.within(a) for a in mine for b in theirs):
        return None
    return False

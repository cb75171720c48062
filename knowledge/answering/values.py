"""The values a check compares exactly: dates, places and who holds which office. Pure.

"the leaders talked on February 15" is checked to the day against the
claim's "February 12, 2025"; "they will meet in Turkey" against "in Saudi
Arabia", a country against a country and a city against a city; "Rubio is
the CIA director" against the roles the entities file ties to the articles.
Amounts (durations, money, shares, counts) are `amounts.amounts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from knowledge.answering.specific_words import CITY_WORDS, COUNTRY_WORDS
from knowledge.answering.text import fold
from knowledge.entities import PLACE_KINDS, Entity, Role, holder_tables, shipped

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAYS = r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s?[-–]\s?(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?"
_YEAR = r"(?:,?\s(?P<year>(?:19|20)\d\d))?"
# "February 12, 2025", "Feb 14-16", "12 February 2025", "the 12th of February".
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s{_DAYS}{_YEAR}|{_DAYS.replace('d1', 'e1').replace('d2', 'e2')}\s(?:of\s)?"
    rf"{_MONTH.replace('month', 'month2')}{_YEAR.replace('year', 'year2')})\b"
)


@dataclass(frozen=True)
class Date:
    month: int
    first: int
    last: int
    year: int | None

    def __str__(self) -> str:
        days = f"{self.first}" if self.first == self.last else f"{self.first}-{self.last}"
        year = f", {self.year}" if self.year else ""
        return f"{_MONTHS[self.month - 1].title()} {days}{year}"

    def same_as(self, other: Date) -> bool:
        years = self.year is None or other.year is None or self.year == other.year
        return years and (self.month, self.first, self.last) == (other.month, other.first, other.last)

    def within(self, other: Date) -> bool:
        """This date falls inside `other` (a day of a range), without being the same."""
        return self.month == other.month and other.first <= self.first <= self.last <= other.last


def dates(text: str) -> tuple[Date, ...]:
    """The calendar dates written in `text`."""
    low = " ".join(text.lower().replace("’", "'").split())
    found = []
    for m in _DATE.finditer(low):
        month = m.group("month") or m.group("month2")
        first = m.group("d1") or m.group("e1")
        last = m.group("d2") or m.group("e2") or first
        year = m.group("year") or m.group("year2")
        index = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month[:3]))
        if 1 <= int(first) <= int(last) <= 31:
            found.append(Date(index, int(first), int(last), int(year) if year else None))
    return tuple(found)


def strip_dates(text: str) -> str:
    return _DATE.sub(" ", " ".join(text.lower().replace("’", "'").split()))


# ---- places ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    token: str
    kind: str  # country, city or region
    name: str


def _key(form: str) -> str:
    return " ".join(fold(form).lower().split())


@cache
def _place_table() -> tuple[dict[str, Place], re.Pattern[str]]:
    """Every place a check may name → Place; and the pattern of "in/at/to PLACE"."""
    table: dict[str, Place] = {}
    for word in COUNTRY_WORDS.split():
        table[word] = Place(word, "country", word.title())
    for word in CITY_WORDS.split():
        table[word] = Place(word, "city", word.title())
    for e in shipped().of_kind(*PLACE_KINDS):
        for form in (*e.names, *e.descriptions, *([e.capital] if e.capital else [])):
            if form == e.capital:
                continue
            table[_key(form)] = Place(e.token, e.kind, e.names[0])
    # Longest first, so "saudi arabia" is not read as "saudi".
    names = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return table, re.compile(rf"\b(?:in|at|to|inside|within)\s(?:the\s)?(?P<place>{names})\b")


def places(text: str) -> tuple[Place, ...]:
    """The places `text` puts something in, at or to ("a summit in Saudi Arabia")."""
    table, pattern = _place_table()
    low = _key(text)
    return tuple(dict.fromkeys(table[m.group("place")] for m in pattern.finditer(low)))


# Words that make "in/at PLACE" where something takes place, not where it is about:
# "they agreed to meet in Saudi Arabia", not "the war in Ukraine".
_VENUE_WORD = re.compile(
    r"\b(?:meet|meets|meeting|meetings|met|summit|talks|negotiations|held|hold|holds|host|hosts|hosted|"
    r"conference|visit|visits|visited|gather|gathered|speaking|spoke|signed)\b"
)
# How far before "in PLACE" such a word may stand.
_VENUE_REACH = 40


def venues(text: str) -> tuple[Place, ...]:
    """The places `text` says something takes place in ("talks in Riyadh", "met in Munich"):
    those of `places` with a meeting word just before them."""
    table, pattern = _place_table()
    low = _key(text)
    found = (m for m in pattern.finditer(low) if _VENUE_WORD.search(low, max(0, m.start() - _VENUE_REACH), m.start()))
    return tuple(dict.fromkeys(table[m.group("place")] for m in found))


def strip_places(text: str) -> str:
    """`text` without its "in/at/to PLACE" phrases, for finding the claim about the same thing."""
    _, pattern = _place_table()
    return pattern.sub(" ", _key(text))


# ---- who holds which office ------------------------------------------------------------


@dataclass(frozen=True)
class Pairing:
    """A statement that a person holds an office: "Rubio heads the CIA", "CIA director Rubio"."""

    person: str  # token
    offices: tuple[str, ...]
    place: str | None  # token of the country or body named with the office, if any
    span: tuple[int, int]


@cache
def _pairing_pattern() -> tuple[re.Pattern[str], dict[str, str], dict[str, tuple[str, ...]], dict[str, str]]:
    entities = shipped()
    people: dict[str, str] = {}
    for person in entities.of_kind("person"):
        for form in (*person.names, person.token):
            people[_key(form)] = person.token
            # "Marco Rubio" is also "Rubio".
            people.setdefault(_key(form).rsplit(" ", 1)[-1], person.token)
    tables = holder_tables(entities)
    titles = {_key(k): v for k, v in tables.titles.items() if k not in tables.generic}
    places = {_key(k): v for k, v in tables.places.items()}

    def alternation(keys: Iterable[str]) -> str:
        return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))

    who, title, where = alternation(people), alternation(titles), alternation(places)
    pattern = re.compile(
        rf"\b(?:(?P<person>{who})(?: (?:is|was|as|became|serves as|is now)|,) (?:(?:the|a|an|their|its) )?"
        rf"(?:(?P<place>{where})(?:'s)? )?(?P<title>{title})"
        rf"|(?:(?P<place2>{where})(?:'s)? )?(?P<title2>{title}) (?P<person2>{who}))\b"
    )
    return pattern, people, titles, places


def pairings(text: str) -> tuple[Pairing, ...]:
    """Each "PERSON is the OFFICE" or "OFFICE PERSON" in `text`."""
    pattern, people, titles, places = _pairing_pattern()
    low = _key(text)
    out = []
    for m in pattern.finditer(low):
        person = people[m.group("person") or m.group("person2")]
        place = m.group("place") or m.group("place2")
        offices = titles[m.group("title") or m.group("title2")]
        out.append(Pairing(person, offices, places[place] if place else None, m.span()))
    return tuple(out)


def strip_offices(text: str) -> str:
    """`text` with the offices of its pairings left out ("Rubio, the CIA director" → "rubio")."""
    pattern, *_ = _pairing_pattern()
    low = _key(text)

    def keep_person(m: re.Match[str]) -> str:
        return m.group("person") or m.group("person2")

    return pattern.sub(keep_person, low)


@cache
def _people_pattern() -> re.Pattern[str]:
    _, people, _, _ = _pairing_pattern()
    return re.compile(rf"\b(?:{'|'.join(re.escape(k) for k in sorted(people, key=len, reverse=True))})\b")


def people(text: str, start: int = 0) -> tuple[str, ...]:
    """The people the entities file knows that `text` names from character `start` of its
    folded, lower-case form on, as tokens, each once, in order ("Marco Rubio" → "rubio")."""
    _, table, _, _ = _pairing_pattern()
    low = _key(text)
    return tuple(dict.fromkeys(table[m.group(0)] for m in _people_pattern().finditer(low, start)))


@dataclass(frozen=True)
class RoleCheck:
    """How a pairing compares with the roles in the entities file."""

    holds: bool | None  # None: the articles state no office of that person
    sentence: str  # what the sources say, for the reply


def check_pairing(pairing: Pairing) -> RoleCheck:
    """Whether the articles give the person that office; the sentence says what they give."""
    entities = shipped()
    person = next(p for p in entities.of_kind("person") if p.token == pairing.person)
    if not person.roles:
        return RoleCheck(None, "")

    def places_of(role: Role) -> set[str]:
        return {entities.by_id[r].token for r in (role.country, role.body) if r in entities.by_id}

    def fits(role: Role) -> bool:
        return role.office in pairing.offices and (pairing.place is None or pairing.place in places_of(role))

    holds = any(fits(role) for role in person.roles)
    stated = f"{person.names[0]} is {office_words(person, person.roles[0])}"
    if holds:
        return RoleCheck(True, stated)
    others = [(other, role) for other in entities.of_kind("person") for role in other.roles if other != person]
    holder = next(((o, r) for o, r in others if fits(r)), None)
    if holder is None:
        return RoleCheck(False, stated)
    return RoleCheck(False, f"{stated}; the {office_words(*holder)} is {holder[0].names[0]}")


def office_words(person: Entity, role: Role) -> str:
    """The office as the article writes it: the role's quote without the person's name.

    "Secretary of State Marco Rubio" → "Secretary of State"; "Keith Kellogg, a
    prominent defence adviser" → "prominent defence adviser".
    """
    text = role.quote
    for name in sorted((*person.names, person.token), key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:the|a|an)\s+|\s+(?:the|a|an)\s*$", "", " ".join(text.replace(",", " ").split()), flags=re.I)
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE).strip() or role.office

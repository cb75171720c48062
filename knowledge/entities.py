"""The curated entities file (`knowledge/entities.toml`): who and what the articles name.

Each entity has a `token`, the one word the matcher reads for it, and the
names, spellings and descriptions that fold to that token in questions and
claims alike. People have roles (an office, and the country or body they hold
it for), each tied to an article sentence; `knowledge.articles.curated`
verifies those quotes at build. From the roles come the descriptions people
make up ("Berlin's chief diplomat" is the German foreign minister) and the
office-holders the articles never name ("the Kremlin's foreign minister").

Loading is read-only and cached; everything else here is pure.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from knowledge.errors import BuildError
from knowledge.paths import entities_file

# What stands for a country in a description of it ("the UK government", "Russia's side").
_GOVERNMENT = ("government", "administration", "authorities", "side")
# Offices whose holder stands for their country.
_HEADS = ("president", "prime-minister", "chancellor", "monarch")
KINDS = ("person", "country", "organisation", "city", "region", "venue", "event")
PLACE_KINDS = ("country", "city", "region", "venue")


@dataclass(frozen=True)
class Role:
    """An office a person holds, for a country and/or a body, as one article sentence states it."""

    office: str
    country: str | None
    body: str | None
    source: str
    start: int
    quote: str


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    token: str
    names: tuple[str, ...]
    descriptions: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    # A country's capital, standing for its government in descriptions ("Warsaw's top envoy").
    capital: str | None = None
    # Countries a person belongs to when no role says so (a minister the articles name without the office).
    countries: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way of writing it that folds to `token`."""
        return (*self.names, *self.descriptions)


@dataclass(frozen=True)
class Office:
    id: str
    names: tuple[str, ...]
    # Words that name the office only with its body or country ("NATO chief", "Russian leader").
    generic: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entities:
    entities: tuple[Entity, ...]
    offices: tuple[Office, ...]
    version: int = 0
    by_id: dict[str, Entity] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_id.update({e.id: e for e in self.entities})

    def of_kind(self, *kinds: str) -> list[Entity]:
        return [e for e in self.entities if e.kind in kinds]

    def office(self, office_id: str) -> Office | None:
        return next((o for o in self.offices if o.id == office_id), None)


def load_entities(path: Path) -> Entities:
    """Parse the entities file; BuildError lists every malformed entry. Read-only."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    problems: list[str] = []
    offices = tuple(
        Office(str(o["id"]), tuple(o.get("names", [])), tuple(o.get("generic", []))) for o in data.get("offices", [])
    )
    office_ids = {o.id for o in offices}
    entities: list[Entity] = []
    for i, raw in enumerate(data.get("entities", [])):
        try:
            entities.append(_entity(raw))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"entity #{i + 1} ({raw.get('id', '?')}): {exc}")
    ids = [e.id for e in entities]
    for e in entities:
        if ids.count(e.id) > 1:
            problems.append(f"{e.id}: duplicate entity id")
        if e.kind not in KINDS:
            problems.append(f"{e.id}: kind must be one of {', '.join(KINDS)}")
        for role in e.roles:
            if role.office not in office_ids:
                problems.append(f"{e.id}: unknown office {role.office}")
            for ref in (role.country, role.body):
                if ref is not None and ref not in ids:
                    problems.append(f"{e.id}: role names unknown entity {ref}")
    if problems:
        raise BuildError(sorted(set(problems)))
    return Entities(tuple(entities), offices, int(data.get("version", 0)))


def _entity(raw: dict[str, Any]) -> Entity:
    roles = tuple(
        Role(
            office=str(r["office"]),
            country=r.get("country"),
            body=r.get("body"),
            source=str(r["source"]),
            start=int(r["start"]),
            quote=str(r["quote"]),
        )
        for r in raw.get("roles", [])
    )
    return Entity(
        id=str(raw["id"]),
        kind=str(raw["kind"]),
        token=str(raw["token"]),
        names=tuple(raw.get("names", [])),
        descriptions=tuple(raw.get("descriptions", [])),
        roles=roles,
        capital=raw.get("capital"),
        countries=tuple(raw.get("countries", [])),
    )


@cache
def shipped() -> Entities:
    """The entities file shipped with talksbot, loaded once per process."""
    return load_entities(entities_file())


# ---- what the entities mean for matching --------------------------------------


def country_forms(country: Entity) -> list[str]:
    """How a country is written before an office: its names, adjective, capital, token."""
    return [*country.names, *([country.capital] if country.capital else []), country.token]


@dataclass(frozen=True)
class HolderTables:
    """What it takes to read "the German foreign minister" or "head of NATO" as a person.

    Keys are raw lower-case forms; the caller normalises them as it does text.
    """

    # how a country or body is written before or after an office → its token
    places: dict[str, str]
    # how an office is written → the offices it may name ("leader": president, secretary general)
    titles: dict[str, tuple[str, ...]]
    # titles that only name a holder with a body or country we know ("chief", "leader"):
    # never read as a person the articles leave unnamed
    generic: frozenset[str]
    # (office id, place token) → the tokens of those who hold it
    holders: dict[tuple[str, str], frozenset[str]]
    # place token → people of that country holding an office the articles do not state
    unstated: dict[str, frozenset[str]]


def holder_tables(entities: Entities) -> HolderTables:
    places: dict[str, str] = {}
    for place in entities.of_kind("country", "organisation"):
        for form in country_forms(place) if place.kind == "country" else [*place.forms, place.token]:
            places.setdefault(form.lower(), place.token)
    # A head of state or government stands for their country: "Putin's spokesman" is the
    # Kremlin's, "Trump's envoy" the American one.
    for person in entities.of_kind("person"):
        heads = [r.country for r in person.roles if r.office in _HEADS and r.country in entities.by_id]
        for form in (*person.names, person.token) if len(heads) == 1 else ():
            places.setdefault(form.lower(), entities.by_id[heads[0]].token)
    titles: dict[str, tuple[str, ...]] = {}
    for o in entities.offices:
        for t in (*o.names, *o.generic):
            titles[t.lower()] = (*titles.get(t.lower(), ()), o.id)
    # "president" is generic for the Commission's but the name of a head of state's office.
    named = {t.lower() for o in entities.offices for t in o.names}
    generic = frozenset(t.lower() for o in entities.offices for t in o.generic) - named
    holders: dict[tuple[str, str], set[str]] = {}
    unstated: dict[str, set[str]] = {}
    for person in entities.of_kind("person"):
        for role in person.roles:
            for ref in (role.country, role.body):
                if ref in entities.by_id:
                    holders.setdefault((role.office, entities.by_id[ref].token), set()).add(person.token)
        for country in person.countries:
            if country in entities.by_id:
                unstated.setdefault(entities.by_id[country].token, set()).add(person.token)
    return HolderTables(
        places=places,
        titles=titles,
        generic=generic,
        holders={k: frozenset(v) for k, v in holders.items()},
        unstated={k: frozenset(v) for k, v in unstated.items()},
    )


def plural(title: str) -> str:
    """An office title's plural: "envoy" → "envoys", "secretary" → "secretaries"."""
    return title[:-1] + "ies" if re.search(r"[^aeiou]y$", title) else title + "s"


def fold_tables(entities: Entities) -> tuple[dict[str, str], dict[str, str]]:
    """(phrases, words): multi-word forms and single-word forms → token, raw case.

    An office the articles give one holder names that holder on its own ("the
    vice president" is Vance); offices with several holders need the country or
    body (`holder_tables`). The caller normalises the keys as it does text.
    """
    phrases: dict[str, str] = {}
    single: dict[str, str] = {}
    holders: dict[str, set[str]] = {}
    for person in entities.of_kind("person"):
        for role in person.roles:
            holders.setdefault(role.office, set()).add(person.token)
    for office in entities.offices:
        if len(holders.get(office.id, ())) == 1:
            (token,) = holders[office.id]
            # "the president's military advisers" asks about the one the articles name.
            phrases.update({form: token for title in office.names if " " in title for form in (title, plural(title))})
    # A country's government, administration or side in the talks is the country:
    # "the government of the UK" acts for Britain.
    for country in entities.of_kind("country"):
        for form in (*country.names, country.token):
            for body in _GOVERNMENT:
                phrases.setdefault(f"{form} {body}", country.token)
                phrases.setdefault(f"{form}'s {body}", country.token)
                phrases.setdefault(f"{body} of {form}", country.token)
                phrases.setdefault(f"{body} of the {form}", country.token)
    for e in entities.entities:
        for form in e.forms:
            # "Marc Fogel" already ends in its token: folding it would only lose "Marc",
            # which a question may still use ("Who is Marc Fogle?").
            if form.lower().rsplit(" ", 1)[-1] == e.token and " " in form:
                continue
            (phrases if re.search(r"[\s-]", form) else single)[form] = e.token
    return phrases, single

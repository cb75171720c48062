"""Whether a check and a claim are about the same one: the same entity, or a person and
the country or body their roles are for (Peskov speaks for the Kremlin and Russia)."""

from __future__ import annotations

from knowledge.answering.text import stem
from knowledge.entities import shipped


def _affiliations() -> dict[str, frozenset[str]]:
    """Person (stem of token) → the countries and bodies their roles are for (Peskov: the Kremlin, Russia)."""
    entities = shipped()
    out: dict[str, frozenset[str]] = {}
    for person in entities.of_kind("person"):
        refs = [r for role in person.roles for r in (role.country, role.body)] + list(person.countries)
        out[stem(person.token)] = frozenset(stem(entities.by_id[r].token) for r in refs if r in entities.by_id)
    return out


_AFFILIATIONS = _affiliations()
# Stems of every entity token: what a check or a claim can be about.
ENTITY_STEMS = frozenset(stem(e.token) for e in shipped().entities)


def same_subject(checked: str | None, claim: str | None) -> bool:
    """The check and the claim are about the same one: the same name, or a person and
    the country or body they speak for ("the Kremlin said" / Peskov)."""
    if checked is None or claim is None:
        return checked is None
    if checked == claim:
        return True
    return checked in _AFFILIATIONS.get(claim, frozenset()) or claim in _AFFILIATIONS.get(checked, frozenset())

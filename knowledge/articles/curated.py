"""The curated claims file: loading it and verifying every quote against its article.

Read-only: verification never repairs anything; it reports each problem with
the claim id, the source and what is wrong, and the build refuses to go on.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from knowledge.articles.sources import Seed
from knowledge.entities import Entities
from knowledge.errors import BuildError
from knowledge.models import Claim, Quote

CLAIM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def curated_version(path: Path) -> int:
    """The file's own `version` (bumped with every reviewed change; 0 when absent). Read-only."""
    with path.open("rb") as fh:
        value = tomllib.load(fh).get("version", 0)
    if not isinstance(value, int) or value < 0:
        raise BuildError([f"{path.name}: `version` must be a whole number, not {value!r}"])
    return value


def load_curated(path: Path) -> list[Claim]:
    """Parse the curated TOML file into claims (quotes get `end` from their length)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    claims: list[Claim] = []
    problems: list[str] = []
    for i, raw in enumerate(data.get("claims", [])):
        try:
            claims.append(_to_claim(raw))
        except (ValidationError, KeyError, TypeError) as exc:
            problems.append(f"claim #{i + 1} ({raw.get('id', '?')}): {exc}".replace("\n", " "))
    if problems:
        raise BuildError(problems)
    return claims


def _to_claim(raw: dict[str, Any]) -> Claim:
    quotes = [
        Quote(source_id=q["source"], start=q["start"], end=q["start"] + len(q["quote"]), quote=q["quote"])
        for q in raw.get("quotes", [])
    ]
    fields = {k: v for k, v in raw.items() if k != "quotes"}
    # `origin = "moderator"` keeps a claim moderators accepted (exported by `talksbot
    # export-claims`) shown as theirs once it is folded in; everything else is curated.
    fields.setdefault("origin", "curated")
    return Claim(quotes=quotes, **fields)


def verify_claims(claims: list[Claim], seeds: dict[str, Seed]) -> None:
    """Raise BuildError listing every problem; return quietly when all quotes hold."""
    problems: list[str] = []
    ids = [c.id for c in claims]
    seen: set[str] = set()
    for cid in ids:
        if cid in seen:
            problems.append(f"{cid}: duplicate claim id")
        seen.add(cid)
    by_id = {c.id: c for c in claims}
    for claim in claims:
        if not CLAIM_ID.match(claim.id):
            problems.append(f"{claim.id}: id must be a lowercase-hyphenated slug")
        if not claim.text.strip():
            problems.append(f"{claim.id}: empty text")
        if not claim.quotes:
            problems.append(f"{claim.id}: no quotes")
        for other in claim.conflicts:
            if other not in by_id:
                problems.append(f"{claim.id}: conflicts with unknown claim {other}")
            elif claim.id not in by_id[other].conflicts:
                problems.append(f"{claim.id}: conflict with {other} is not linked back")
        for quote in claim.quotes:
            problems.extend(quote_problems(claim.id, quote, seeds))
    if problems:
        raise BuildError(problems)


def verify_entities(entities: Entities, seeds: dict[str, Seed]) -> None:
    """Raise BuildError unless every role in the entities file is stated by its article sentence.

    A role's quote is checked like a claim's (exact text at its offsets, no
    boilerplate, no footnote digits), and must name both the person and the
    office: "CIA Director John Ratcliffe" states that Ratcliffe is CIA director.
    """
    problems: list[str] = []
    for person in entities.of_kind("person"):
        for role in person.roles:
            quote = Quote(source_id=role.source, start=role.start, end=role.start + len(role.quote), quote=role.quote)
            found = quote_problems(f"entity {person.id}", quote, seeds)
            problems.extend(found)
            if found:
                continue
            text = role.quote.lower()
            office = entities.office(role.office)
            titles = [] if office is None else [t.lower() for t in (*office.names, *office.generic)]
            if not any(re.search(rf"\b{re.escape(t)}\b", text) for t in titles):
                problems.append(f"entity {person.id}: the quote for {role.office} does not name that office")
            if not any(n.lower().rsplit(" ", 1)[-1] in text for n in person.names):
                problems.append(f"entity {person.id}: the quote for {role.office} does not name {person.names[0]}")
    if problems:
        raise BuildError(problems)


def quote_problems(claim_id: str, quote: Quote, seeds: dict[str, Seed]) -> list[str]:
    """What is wrong with one quote, as sentences naming the claim and source."""
    seed = seeds.get(quote.source_id)
    where = f"{claim_id} [{quote.source_id} {quote.start}:{quote.end}]"
    if seed is None:
        return [f"{where}: unknown source"]
    text = seed.article.text
    if not quote.quote.strip():
        return [f"{where}: empty quote"]
    if quote.end > len(text) or text[quote.start : quote.end] != quote.quote:
        found = text.find(quote.quote)
        hint = f" (the text occurs at {found})" if found >= 0 else " (the text is not in the article)"
        return [f"{where}: quote does not match the article at its offsets{hint}"]
    problems = []
    if seed.article.overlaps_boilerplate(quote.start, quote.end):
        problems.append(f"{where}: quote touches boilerplate")
    if seed.article.contains_footnote(quote.start, quote.end):
        problems.append(f"{where}: quote includes footnote digits")
    return problems


def locate_quote(source_id: str, quote_text: str, seeds: dict[str, Seed]) -> Quote:
    """Find a moderator-supplied quote in a seed article, verified like curated ones.

    The quote must occur exactly once (so its offsets are unambiguous).
    """
    seed = seeds.get(source_id)
    if seed is None:
        raise BuildError([f"unknown source {source_id}"])
    text = seed.article.text
    start = text.find(quote_text)
    if start < 0 or not quote_text.strip():
        raise BuildError([f"the quote is not word for word in {source_id}"])
    if text.find(quote_text, start + 1) >= 0:
        raise BuildError([f"the quote occurs more than once in {source_id}; quote a longer passage"])
    quote = Quote(source_id=source_id, start=start, end=start + len(quote_text), quote=quote_text)
    problems = quote_problems("new claim", quote, seeds)
    if problems:
        raise BuildError(problems)
    return quote

"""Writing claims in the curated file's TOML format (`talksbot export-claims`), and the
`[[sources]]` entries `seeds/sources.toml` needs for their ingested articles. Pure.

The output loads with `knowledge.articles.curated.load_curated`, so a maintainer can fold
claims accepted from ingested articles into `knowledge/claims.toml` and review
them in a diff like every other curated claim. Folding is lossless: a claim keeps
its origin (`origin = "moderator"`: still shown as added by moderators), every quote
keeps its offsets, and an ingested article keeps the metadata it was stored with,
so restarting on the same database after the fold changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from knowledge.models import Claim, Source

HEADER = """\
# Claims accepted by moderators from ingested articles (talksbot export-claims).
# An entry whose id is already in knowledge/claims.toml replaces that entry: it
# gained a quote or a conflict link. The others are new claims. Each quote's
# article must be in seeds/ as <source>.txt, byte for byte, with its entry in
# seeds/sources.toml (`--articles DIR` writes both), and claims.toml's `version`
# must go up by one.
"""

# The metadata an ingested source may carry, as sources.toml names it, and how a
# comment names what is unknown.
_SOURCE_FIELDS = (("outlet", "outlet"), ("title", "headline"), ("date", "date"), ("url", "URL"))


def _string(value: str) -> str:
    # A TOML basic string: JSON's escapes (\\", \\\\, \\n, \\uXXXX) mean the same in TOML.
    return json.dumps(value, ensure_ascii=False)


def _strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def claims_toml(claims: Sequence[Claim]) -> str:
    """`claims` as `[[claims]]` entries with their `[[claims.quotes]]`, in the given order."""
    out = [HEADER]
    for claim in claims:
        lines = [
            "[[claims]]",
            f"id = {_string(claim.id)}",
            f"text = {_string(claim.text)}",
            f"topic = {_string(claim.topic)}",
            f"entities = {_strings(claim.entities)}",
        ]
        if claim.said_by:
            lines.append(f"said_by = {_string(claim.said_by)}")
        lines.append(f"importance = {claim.importance}")
        lines.append(f"keywords = {_strings(claim.keywords)}")
        if claim.conflicts:
            lines.append(f"conflicts = {_strings(sorted(claim.conflicts))}")
        if claim.source_url:
            lines.append(f"source_url = {_string(claim.source_url)}")
        if claim.origin != "curated":
            # Kept through the fold: the claim is still shown as added by moderators.
            lines.append(f"origin = {_string(claim.origin)}")
        for q in claim.quotes:
            lines += ["[[claims.quotes]]", f"source = {_string(q.source_id)}", f"start = {q.start}"]
            lines.append(f"quote = {_string(q.quote)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def source_entry(source: Source, added: str | None = None) -> str:
    """One `[[sources]]` entry for `seeds/sources.toml`: the metadata stored for the source,
    a key left out (and named in a comment) where it is unknown, as that file does.
    `added` says who ingested it and when, as a comment."""
    lines = ["[[sources]]", f"id = {_string(source.id)}"]
    if source.origin != "seed":
        lines.append(f"origin = {_string(source.origin)}")
    unknown = []
    for field, name in _SOURCE_FIELDS:
        value = getattr(source, field)
        if value:
            lines.append(f"{field} = {_string(value)}")
        else:
            unknown.append(name)
    if source.dateline:
        lines.append(f"dateline = {_string(source.dateline)}")
    if added:
        lines.append(f"# {added}")
    if unknown:
        lines.append(f"# Unknown (not stated when it was ingested): {', '.join(unknown)}.")
    return "\n".join(lines) + "\n"

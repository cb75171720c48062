"""Writing claims in the curated file's TOML format (`talksbot export-claims`). Pure.

The output loads with `knowledge.articles.curated.load_curated`, so a maintainer can fold
claims accepted from ingested articles into `knowledge/claims.toml` and review
them in a diff like every other curated claim.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from knowledge.models import Claim

HEADER = """\
# Claims accepted by moderators from ingested articles (talksbot export-claims).
# An entry whose id is already in knowledge/claims.toml replaces that entry: it
# gained a quote or a conflict link. The others are new claims. Each quote's
# article must be in seeds/ as <source>.txt, byte for byte (`--articles DIR`
# writes them), and claims.toml's `version` must go up by one.
"""


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
        for q in claim.quotes:
            lines += ["[[claims.quotes]]", f"source = {_string(q.source_id)}", f"start = {q.start}"]
            lines.append(f"quote = {_string(q.quote)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)

"""Words the matcher relates to one another, as stems: the curated related-word groups
(`aliases.RELATED`) and who speaks for whom (`aliases.SPEAKS_FOR`). Shared by the matcher,
which weighs them below the asked words, and by ingest, which compares sentences the same way."""

from __future__ import annotations

from functools import cache

from knowledge.answering.aliases import RELATED, SPEAKS_FOR
from knowledge.answering.text import stem


def related_table() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for group in RELATED:
        # Multi-word entries are folded to one token by PHRASES, or else skipped:
        # splitting "peace process" would relate every "process" to negotiations.
        stems = {stem(w) for w in group if " " not in w}
        for s in stems:
            table.setdefault(s, set()).update(stems - {s})
    for word, bodies in SPEAKS_FOR.items():
        table.setdefault(stem(word), set()).update(stem(b) for b in bodies)
    return table


@cache
def related_stems() -> dict[str, frozenset[str]]:
    """Stem → the stems the matcher relates to it (aliases.RELATED, SPEAKS_FOR), for
    comparing other text the way questions are compared (ingest). Read-only."""
    return {s: frozenset(r) for s, r in related_table().items()}

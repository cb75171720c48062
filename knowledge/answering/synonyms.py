"""Ordinary synonyms from WordNet: "negotiations" finds "talks", "emissary" finds "envoy". Read-only.

The table (`synonyms.tsv`) is written by `make_synonyms.py` from WordNet 3.0
for the words the claims and articles use; see there for what goes in and
why WordNet is read at development time only. A question word finds claims
that use one of its synonyms at `SYNONYM_WEIGHT` of its own weight (the
matcher's RELATED groups, curated by hand for this topic, weigh more).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "synonyms.tsv"


@cache
def synonyms() -> dict[str, frozenset[str]]:
    """Synonym stem → stems of the claim and article words it stands for."""
    table: dict[str, frozenset[str]] = {}
    with TABLE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            key, _, targets = line.rstrip("\n").partition("\t")
            table[key] = frozenset(targets.split())
    return table


REAL_WORDS = Path(__file__).resolve().parent / "real_words.txt"


@cache
def real_words() -> frozenset[str]:
    """English words a slip away from a claim word that are words of their own
    ("insulting" is not a typo of "consulting"); the matcher never mends them."""
    with REAL_WORDS.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if not line.startswith("#"))


TOPIC_WORDS = Path(__file__).resolve().parent / "topic_words.txt"


@cache
def topic_words() -> frozenset[str]:
    """Stems of common English nouns ("weather", "breakfast"): an unknown one names a topic."""
    with TOPIC_WORDS.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if not line.startswith("#"))

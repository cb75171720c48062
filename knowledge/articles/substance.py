"""Ranking an article's proposals by substance, so a long article queues its best first. Pure.

A live blog can propose thousands of sentences; `talksbot ingest` queues the first
`PROPOSALS_PER_ARTICLE` of this ranking and holds the rest for `talksbot propose`.
Proposals that touch an existing claim (a conflict, then a support) come first: a
moderator's decision on them changes what is answered. Within a kind, the sentence
that says more comes first: its distinct content words weighted by rarity (the idf
`Rarity` the proposer uses), plus one rare word's weight for each figure and name,
since a checkable statement carries figures and names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.answering.text import terms
from knowledge.articles.ingest import Proposal, Rarity

PROPOSALS_PER_ARTICLE = 50
_KIND_ORDER = {"conflicts": 0, "supports": 1, "new": 2}
# A figure: digits, with their separators (90, 1.5, 12,000).
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def substance(proposal: Proposal, rarity: Rarity) -> float:
    """How much a proposal's sentence states: rare content words, figures and names."""
    text = proposal.quote.quote
    extras = len(set(_FIGURE.findall(text))) + len(set(proposal.entities))
    return rarity.mass(set(terms(text))) + rarity.rare * extras


def ranked(proposals: Sequence[Proposal], rarity: Rarity) -> list[Proposal]:
    """`proposals` best first: conflicts, supports, then new claims, each by substance
    (ties in article order)."""
    return sorted(
        proposals, key=lambda p: (_KIND_ORDER.get(p.kind, 3), -substance(p, rarity), p.quote.start, p.quote.end)
    )

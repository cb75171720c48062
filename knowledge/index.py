"""An inverted index over claims: BM25 weights in impact-ordered postings.

Each term's postings are kept sorted by weight, best first, so a question only
reads the head of each list it needs (`max_postings`): answering never scans
every claim, however large the store grows.
"""

from __future__ import annotations

import math
from bisect import insort
from collections import Counter
from dataclasses import dataclass, field

from knowledge.models import ClaimState
from knowledge.text import STOPWORDS, stem, words

# How much each part of a claim counts towards its terms.
FIELD_WEIGHTS = {"text": 2.0, "entities": 2.0, "said_by": 1.5, "keywords": 1.5, "topic": 1.0, "quotes": 1.0}
K1 = 1.2
IMPORTANCE_PRIOR = 0.05
B = 0.5


@dataclass
class ClaimIndex:
    """Postings: term → [(-weight, doc number)], sorted so the best weight comes first."""

    postings: dict[str, list[tuple[float, int]]] = field(default_factory=dict)
    claim_ids: list[str] = field(default_factory=list)
    doc_terms: list[dict[str, float]] = field(default_factory=list)
    surface: dict[str, str] = field(default_factory=dict)
    priors: list[float] = field(default_factory=list)
    avg_len: float = 1.0

    @classmethod
    def build(cls, states: list[ClaimState]) -> ClaimIndex:
        index = cls()
        bags = [_bag(s, index.surface) for s in states]
        index.avg_len = (sum(sum(b.values()) for b in bags) / len(bags)) if bags else 1.0
        unsorted: dict[str, list[tuple[float, int]]] = {}
        for n, (state, bag) in enumerate(zip(states, bags, strict=True)):
            index.claim_ids.append(state.id)
            index.priors.append(prior(state))
            weights = index._weights(bag)
            index.doc_terms.append(weights)
            for term, w in weights.items():
                unsorted.setdefault(term, []).append((-w, n))
        index.postings = {t: sorted(p) for t, p in unsorted.items()}
        return index

    def _weights(self, bag: Counter[str]) -> dict[str, float]:
        length = sum(bag.values())
        norm = K1 * (1 - B + B * length / self.avg_len)
        return {t: tf * (K1 + 1) / (tf + norm) for t, tf in bag.items()}

    def upsert(self, state: ClaimState) -> None:
        """Add a claim, or re-index one whose text or correction changed."""
        bag = _bag(state, self.surface)
        weights = self._weights(bag)
        if state.id in self.claim_ids:
            n = self.claim_ids.index(state.id)
            for term, w in self.doc_terms[n].items():
                self.postings[term].remove((-w, n))
            self.doc_terms[n] = weights
            self.priors[n] = prior(state)
        else:
            n = len(self.claim_ids)
            self.claim_ids.append(state.id)
            self.priors.append(prior(state))
            self.doc_terms.append(weights)
        for term, w in weights.items():
            insort(self.postings.setdefault(term, []), (-w, n))

    @property
    def size(self) -> int:
        return len(self.claim_ids)

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5)) if df else 0.0

    def rare_idf(self) -> float:
        """The idf of a term seen in a single claim: the ceiling for known words."""
        return math.log(1 + (self.size - 0.5) / 1.5) if self.size else 1.0


def prior(state: ClaimState) -> float:
    """A mild preference for the claims curators marked central (importance 1–5):
    it breaks near-ties, it cannot lift a claim that does not match."""
    return 1.0 + IMPORTANCE_PRIOR * (state.claim.importance - 3)


def _bag(state: ClaimState, surface: dict[str, str]) -> Counter[str]:
    claim = state.claim
    parts: list[tuple[str, float]] = [
        (claim.text, FIELD_WEIGHTS["text"]),
        (" ".join(claim.entities), FIELD_WEIGHTS["entities"]),
        (claim.said_by or "", FIELD_WEIGHTS["said_by"]),
        (" ".join(claim.keywords), FIELD_WEIGHTS["keywords"]),
        (_topic_words(claim.topic), FIELD_WEIGHTS["topic"]),
        *[(q.quote, FIELD_WEIGHTS["quotes"]) for q in claim.quotes],
    ]
    if state.correction:
        parts.append((state.correction.text, FIELD_WEIGHTS["text"]))
    bag: Counter[str] = Counter()
    for text, weight in parts:
        for w in words(text):
            if w in STOPWORDS:
                continue
            s = stem(w)
            bag[s] += weight  # type: ignore[assignment]
            if len(w) >= 4:
                surface.setdefault(w, s)
    return bag


def _topic_words(topic: str) -> str:
    # Topics are slugs such as "us-team"; "us" there is the country, not the pronoun.
    return " ".join("US" if part == "us" else part for part in topic.split("-"))

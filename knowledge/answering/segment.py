"""Packed postings: one segment's arrays of term → (doc, weight) and doc → terms.

A segment never changes once made; `ClaimIndex` (index.py) keeps a base segment and
an overlay of changed claims over it, and scores queries against both.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int32]
Docs = npt.NDArray[np.int64]
Offsets = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# One query term: its alternatives (term, factor); a doc scores the best of them.
QueryAlternatives = Sequence[tuple[str, float]]


@dataclass
class Segment:
    """Postings and per-doc term lists for docs 0..size-1, packed; never changed once made."""

    post_offsets: Offsets  # term number t's postings are [post_offsets[t], post_offsets[t+1])
    post_docs: Docs
    post_weights: Floats
    doc_offsets: Offsets  # doc n's term numbers are doc_terms[doc_offsets[n]:doc_offsets[n+1]]
    doc_terms: Ints
    priors: Floats

    @property
    def size(self) -> int:
        return len(self.priors)

    @property
    def term_count(self) -> int:
        return len(self.post_offsets) - 1

    @classmethod
    def empty(cls) -> Segment:
        zero = np.zeros(1, dtype=np.int64)
        return cls(zero, np.zeros(0, dtype=np.int64), as_floats([]), zero.copy(), as_ints([]), as_floats([]))

    @cached_property
    def df(self) -> Offsets:
        """Each term's document frequency in this segment (it never changes)."""
        return np.diff(self.post_offsets)


def as_ints(values: Sequence[int] | array[int]) -> Ints:
    # A copy, never a view: a view would pin an `array` so it could no longer grow.
    return np.array(values, dtype=np.int32)


def as_floats(values: Sequence[float] | array[float] | Floats) -> Floats:
    return np.array(values, dtype=np.float64)


def make_segment(
    term_of: Ints,
    docs: Ints,
    weights: Floats,
    term_count: int,
    doc_offsets: Offsets,
    doc_terms: Ints,
    priors: Floats | array[float],
) -> Segment:
    """Postings given as parallel (term, doc, weight) arrays, grouped by term.

    Within a term they keep their input order (a build's docs ascending; after
    a compaction the changed docs come last): scores are summed per doc, so the
    order is free, and a stable sort on the term alone is a radix sort when the
    term numbers fit 16 bits, three times faster than sorting on (term, doc).
    """
    keys = term_of.astype(np.uint16) if term_count <= 1 << 16 else term_of
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(term_of, minlength=term_count)
    offsets = np.zeros(term_count + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return Segment(
        post_offsets=offsets,
        post_docs=docs[order].astype(np.int64),
        post_weights=weights[order].astype(np.float64),
        doc_offsets=doc_offsets,
        doc_terms=doc_terms,
        priors=as_floats(priors),
    )


def best_docs(scores: Floats, k: int) -> list[tuple[int, float]]:
    """The `k` highest non-zero scores as (doc, score), best first, ties by doc."""
    # A full sort, not np.partition: partitioning degrades badly on the many equal
    # scores a store of similar claims gives (5 ms against 0.5 ms at 120,000 claims).
    # Only the scoring docs are sorted: most of a large store scores nothing for a
    # question, and the k-th best of all docs is the k-th best of those whenever more
    # than k score (else every scoring doc is a hit and no k-th is needed).
    positive = scores[scores > 0]
    kth = _kth_largest(positive, k) if len(positive) > k else 0.0
    if kth > 0:
        # Ties with the k-th best go to the lowest doc numbers, not to chance: a store
        # of near-identical claims can hold thousands of equal scores.
        above = np.flatnonzero(scores > kth)
        hit = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
    else:
        hit = np.flatnonzero(scores > 0)
    order = sorted(zip(hit.tolist(), scores[hit].tolist(), strict=True), key=lambda ds: (-ds[1], ds[0]))
    return order[:k]


# Scores a strided sample holds when guessing where the k best start (see `_kth_largest`).
SAMPLE = 4096


def _kth_largest(values: Floats, k: int) -> float:
    """The k-th largest of `values` (more than k of them), exactly, without sorting them all.

    A strided sample guesses a threshold a little below where the k best start; when at
    least k values reach it, the k-th largest of all is the k-th largest of those few,
    which is all that is sorted. A guess that falls short (a skewed sample) sorts everything.
    """
    n = len(values)
    if n > 4 * SAMPLE:
        sample = np.sort(values[:: n // SAMPLE])
        # Twice the share of the sample the k best would take, and some slack for ties.
        rank = min(len(sample), 2 * (k * len(sample) // n + 1) + 8)
        threshold = sample[-rank]
        near = values[values >= threshold]
        if len(near) >= k:
            return float(np.sort(near)[-k])
    return float(np.sort(values)[-k])

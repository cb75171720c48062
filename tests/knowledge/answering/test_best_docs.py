"""The k best docs of a large store without a full sort: exactly what a full sort gives,
with the many ties and skewed scores a store of similar claims produces."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.answering.segment import SAMPLE, _kth_largest, best_docs


def _shapes() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    n = 8 * SAMPLE + 123
    sampled = rng.random(n) * 0.001
    sampled[:: n // SAMPLE] = 1 + rng.random(len(sampled[:: n // SAMPLE]))  # the sample holds only the best
    return [
        sampled,
        rng.random(n),
        rng.integers(0, 4, n).astype(np.float64),  # a few distinct scores, thousands of each
        np.exp(rng.normal(0, 4, n)),  # a long tail: the sample sees few of the best
        np.concatenate([np.zeros(n - 60), np.linspace(1, 2, 60)]),  # the best all at the end
    ]


@pytest.mark.parametrize("values", _shapes())
@pytest.mark.parametrize("k", [1, 3, 50, 400])
def test_the_kth_largest_is_what_a_full_sort_gives(values: np.ndarray, k: int) -> None:
    assert _kth_largest(values, k) == float(np.sort(values)[-k])


def test_best_docs_keep_the_lowest_doc_numbers_among_ties() -> None:
    scores = np.ones(8 * SAMPLE, dtype=np.float64)
    scores[100] = 2.0
    assert best_docs(scores, 3) == [(100, 2.0), (0, 1.0), (1, 1.0)]

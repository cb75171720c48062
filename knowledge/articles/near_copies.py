"""Near copies: an article that repeats a stored source almost word for word. Pure.

Each text becomes its set of shingles: every run of SHINGLE_WORDS words (lower case,
accents and quote marks folded), hashed. A new article nearly repeats a stored one when
at least NEAR_COPY_SHARE of its shingles are in the stored one's set (containment: a
syndicated copy with a paragraph added, or a seed with three figures changed, both
count). Its sentences whose every shingle is in the repeated source say nothing new:
they are not proposed, so a copy of a seed does not re-quote the seed as "supports";
the sentences it changed (another figure, another name) still are.

Linear in the texts' lengths; words are read with str.split, no pattern.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.answering.text import fold

SHINGLE_WORDS = 5
# Share of the new article's shingles found in one stored source that makes it a near copy.
NEAR_COPY_SHARE = 0.6


@dataclass(frozen=True)
class NearCopy:
    """The stored source an article repeats, how much of the article it holds, and its shingles."""

    source_id: str
    share: float
    shingles: frozenset[int]

    def repeats(self, sentence: str) -> bool:
        """Whether every shingle of `sentence` is in the repeated source (it says nothing new)."""
        own = shingles(sentence)
        return bool(own) and own <= self.shingles


def _words(text: str) -> list[str]:
    folded = fold(text).lower()
    return [w.strip(".,;:!?\"'()[]") for w in folded.split() if w.strip(".,;:!?\"'()[]")]


def shingles(text: str) -> frozenset[int]:
    """The hashed runs of SHINGLE_WORDS words in `text` (the whole text, if shorter)."""
    words = _words(text)
    if len(words) < SHINGLE_WORDS:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1))


def find_near_copy(text: str, stored: Iterable[tuple[str, str]]) -> NearCopy | None:
    """The stored (source id, text) that `text` repeats most, if it repeats one at least
    NEAR_COPY_SHARE; None otherwise. Read-only."""
    mine = shingles(text)
    if not mine:
        return None
    best: NearCopy | None = None
    for source_id, other_text in stored:
        theirs = shingles(other_text)
        share = len(mine & theirs) / len(mine)
        if share >= NEAR_COPY_SHARE and (best is None or share > best.share):
            best = NearCopy(source_id, share, theirs)
    return best

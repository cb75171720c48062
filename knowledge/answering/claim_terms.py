"""What a claim contributes to the index: its weighted terms, its prior, the names it
lists and the texts `stated_kinds` reads. Pure; the index builder and `upsert` share it."""

from __future__ import annotations

import json
from collections import Counter

from knowledge.answering.text import STOPWORDS, stem, words
from knowledge.models import ClaimState

# How much each part of a claim counts towards its terms.
FIELD_WEIGHTS = {"text": 2.0, "entities": 2.0, "said_by": 1.5, "keywords": 1.5, "topic": 1.0, "quotes": 1.0}
IMPORTANCE_PRIOR = 0.05
# How many repeated fields (names, quotes) a build remembers the stems of.
SEEN_LIMIT = 50_000


def prior(state: ClaimState) -> float:
    """A mild preference for the claims curators marked central (importance 1–5):
    it breaks near-ties, it cannot lift a claim that does not match."""
    return 1.0 + IMPORTANCE_PRIOR * (state.claim.importance - 3)


def entity_stems(state: ClaimState, seen: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    # Only the names a claim lists: a speaker such as "Critics" or "Senior European
    # diplomat" is a description, not a name a question must carry into the answer.
    for name in state.claim.entities:
        pairs = seen.get(name)
        if pairs is None:
            pairs = seen[name] = _word_stems(name, {})
        out.extend(pairs)
    return out


def stated_input(state: ClaimState) -> str:
    """What `stated_kinds` reads of a claim, as JSON: its texts (own text first) and speaker."""
    texts = [state.claim.text, *(q.quote for q in state.claim.quotes)]
    if state.correction:
        texts.append(state.correction.text)
    return json.dumps([texts, state.claim.said_by], ensure_ascii=False)


def claim_bag(state: ClaimState, surface: dict[str, str], seen: dict[str, list[str]] | None = None) -> Counter[str]:
    """A claim's weighted term counts; records each word's stem in `surface`.

    `seen` memoizes the stems of the fields that repeat across claims: names,
    keywords, speaker and topic, and quotes (several claims quote the same
    sentence). A claim's own text is tokenized every time. The memo stops
    growing at SEEN_LIMIT entries, so a store of all-different quotes costs
    time, not memory.
    """
    claim = state.claim
    memo = {} if seen is None else seen
    parts: list[tuple[str, float, bool]] = [
        (claim.text, FIELD_WEIGHTS["text"], False),
        # Each name and keyword on its own: their combinations rarely repeat, they do.
        *[(name, FIELD_WEIGHTS["entities"], True) for name in claim.entities],
        (claim.said_by or "", FIELD_WEIGHTS["said_by"], True),
        *[(keyword, FIELD_WEIGHTS["keywords"], True) for keyword in claim.keywords],
        (_topic_words(claim.topic), FIELD_WEIGHTS["topic"], True),
        *[(q.quote, FIELD_WEIGHTS["quotes"], True) for q in claim.quotes],
    ]
    if state.correction:
        parts.append((state.correction.text, FIELD_WEIGHTS["text"], False))
    bag: Counter[str] = Counter()
    for text, weight, repeats in parts:
        pairs = memo.get(text) if repeats else None
        if pairs is None:
            pairs = _word_stems(text, surface)
            if repeats and len(memo) < SEEN_LIMIT:
                memo[text] = pairs
        for s in pairs:
            bag[s] += weight  # type: ignore[assignment]
    return bag


def _word_stems(text: str, surface: dict[str, str]) -> list[str]:
    """The stems of `text`'s content words; records each word's stem in `surface`."""
    out = []
    for w in words(text):
        if w in STOPWORDS:
            continue
        s = stem(w)
        out.append(s)
        if len(w) >= 4:
            surface.setdefault(w, s)
    return out


def _topic_words(topic: str) -> str:
    # Topics are slugs such as "us-team"; "us" there is the country, not the pronoun.
    return " ".join("US" if part == "us" else part for part in topic.split("-"))

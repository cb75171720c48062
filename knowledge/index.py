"""An inverted index over claims: BM25 weights in impact-ordered postings.

Each term's postings are kept sorted by weight, best first, so a question only
reads the head of each list it needs (`max_postings`): answering never scans
every claim, however large the store grows.
"""

from __future__ import annotations

import json
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from knowledge.models import ClaimState
from knowledge.packed import PackedStrings
from knowledge.question_kind import Stated, stated_kinds
from knowledge.text import STOPWORDS, stem, words

# How much each part of a claim counts towards its terms.
FIELD_WEIGHTS = {"text": 2.0, "entities": 2.0, "said_by": 1.5, "keywords": 1.5, "topic": 1.0, "quotes": 1.0}
K1 = 1.2
IMPORTANCE_PRIOR = 0.05
B = 0.5
# Claim statuses by their code in `ClaimIndex.statuses`.
STATUSES = ("active", "corrected", "retracted")


class Postings(Sequence[tuple[float, int]]):
    """One term's postings: (-weight, doc number) pairs, best weight first, ties by doc.

    Packed in two arrays (12 bytes a posting instead of a tuple, a float and an
    int, ~110 bytes), so a store of 150,000 claims keeps its index in tens of MB.
    Slicing returns a list of pairs, like slicing the list it replaces.
    """

    __slots__ = ("docs", "neg_weights")

    def __init__(self) -> None:
        self.neg_weights = array("d")
        self.docs = array("i")

    def __len__(self) -> int:
        return len(self.docs)

    @overload
    def __getitem__(self, key: int) -> tuple[float, int]: ...
    @overload
    def __getitem__(self, key: slice) -> list[tuple[float, int]]: ...
    def __getitem__(self, key: int | slice) -> tuple[float, int] | list[tuple[float, int]]:
        if isinstance(key, slice):
            return list(zip(self.neg_weights[key], self.docs[key], strict=True))
        return (self.neg_weights[key], self.docs[key])

    def __iter__(self) -> Iterator[tuple[float, int]]:
        return zip(self.neg_weights, self.docs, strict=True)

    def _sort(self) -> None:
        # Docs were appended in increasing order and the sort is stable, so ties
        # stay ordered by doc: the order of sorting the (-weight, doc) pairs.
        order = sorted(range(len(self.docs)), key=self.neg_weights.__getitem__)
        self.neg_weights = array("d", [self.neg_weights[i] for i in order])
        self.docs = array("i", [self.docs[i] for i in order])

    def insert(self, neg_weight: float, doc: int) -> None:
        """Insert keeping the order (like `bisect.insort` on the pairs)."""
        lo = bisect_left(self.neg_weights, neg_weight)
        hi = bisect_right(self.neg_weights, neg_weight, lo)
        i = bisect_left(self.docs, doc, lo, hi)
        self.neg_weights.insert(i, neg_weight)
        self.docs.insert(i, doc)

    def remove_doc(self, doc: int) -> None:
        i = self.docs.index(doc)
        del self.neg_weights[i]
        del self.docs[i]


@dataclass
class ClaimIndex:
    """Postings: term → (-weight, doc number) pairs, sorted so the best weight comes first."""

    postings: dict[str, Postings] = field(default_factory=dict)
    claim_ids: list[str] = field(default_factory=list)
    # The term numbers (see `terms`) of each doc, so a re-indexed claim leaves its old postings.
    doc_terms: list[array[int]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    term_numbers: dict[str, int] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    priors: list[float] = field(default_factory=list)
    # Each doc's words that `stated` reads (its texts and speaker, JSON), packed:
    # the index never holds the claims themselves.
    stated_inputs: PackedStrings = field(default_factory=PackedStrings)
    # Each doc's status code (see STATUSES), importance (1–5) and current text,
    # so a service can list, rank and pick claims without loading them.
    statuses: array[int] = field(default_factory=lambda: array("b"))
    importances: array[int] = field(default_factory=lambda: array("b"))
    texts: PackedStrings = field(default_factory=PackedStrings)
    _stated: dict[int, Stated] = field(default_factory=dict)
    # Stems of the names claims list (people, places, bodies).
    entity_terms: set[str] = field(default_factory=set)
    avg_len: float = 1.0
    removed: int = 0

    @classmethod
    def build(cls, states: list[ClaimState]) -> ClaimIndex:
        index = cls()
        # Pass 1: each claim's bag, kept packed (term numbers, frequencies), since
        # BM25 needs the average length before any weight.
        seen: dict[str, list[str]] = {}
        names_seen: dict[str, list[str]] = {}
        tfs: list[array[float]] = []
        lengths: list[float] = []
        stated, texts = _Packer(), _Packer()
        for state in states:
            bag = _bag(state, index.surface, seen)
            index.claim_ids.append(state.id)
            index.priors.append(prior(state))
            index.statuses.append(STATUSES.index(state.status))
            index.importances.append(state.claim.importance)
            stated.add(stated_input(state))
            texts.add(state.current_text)
            index.entity_terms.update(_entity_stems(state, names_seen))
            index.doc_terms.append(array("i", [index._term_number(t) for t in bag]))
            tfs.append(array("d", bag.values()))
            lengths.append(sum(bag.values()))
        # Packed as they come: 120,000 claims' texts as two blobs, never 240,000 strings.
        index.stated_inputs, index.texts = stated.done(), texts.done()
        index.avg_len = (sum(lengths) / len(lengths)) if lengths else 1.0
        # Pass 2: weights into the postings, then each list sorted best first.
        postings = [Postings() for _ in index.terms]
        for n, (numbers, tf, length) in enumerate(zip(index.doc_terms, tfs, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / index.avg_len)
            for t, f in zip(numbers, tf, strict=True):
                p = postings[t]
                p.neg_weights.append(-(f * (K1 + 1) / (f + norm)))
                p.docs.append(n)
        for p in postings:
            p._sort()
        index.postings = dict(zip(index.terms, postings, strict=True))
        return index

    def _append_doc(self, state: ClaimState) -> None:
        self.priors.append(prior(state))
        self.stated_inputs.append(stated_input(state))
        self.statuses.append(STATUSES.index(state.status))
        self.importances.append(state.claim.importance)
        self.texts.append(state.current_text)

    def _term_number(self, term: str) -> int:
        number = self.term_numbers.get(term)
        if number is None:
            number = self.term_numbers[term] = len(self.terms)
            self.terms.append(term)
        return number

    def _weights(self, bag: Counter[str]) -> dict[str, float]:
        length = sum(bag.values())
        norm = K1 * (1 - B + B * length / self.avg_len)
        return {t: tf * (K1 + 1) / (tf + norm) for t, tf in bag.items()}

    def upsert(self, state: ClaimState) -> None:
        """Add a claim, or re-index one whose text or correction changed."""
        bag = _bag(state, self.surface)
        weights = self._weights(bag)
        numbers = array("i", [self._term_number(t) for t in weights])
        if state.id in self.claim_ids:
            n = self.claim_ids.index(state.id)
            for t in self.doc_terms[n]:
                self.postings[self.terms[t]].remove_doc(n)
            self.doc_terms[n] = numbers
            self.priors[n] = prior(state)
            self.stated_inputs[n] = stated_input(state)
            self.statuses[n] = STATUSES.index(state.status)
            self.importances[n] = state.claim.importance
            self.texts[n] = state.current_text
            self._stated.pop(n, None)
            self.entity_terms.update(_entity_stems(state, {}))
        else:
            n = len(self.claim_ids)
            self.claim_ids.append(state.id)
            self._append_doc(state)
            self.entity_terms.update(_entity_stems(state, {}))
            self.doc_terms.append(numbers)
        for term, w in weights.items():
            self.postings.setdefault(term, Postings()).insert(-w, n)

    def remove(self, claim_id: str) -> None:
        """Drop a claim from every posting list (its doc number stays, empty, so others keep theirs)."""
        if claim_id not in self.claim_ids:
            return
        n = self.claim_ids.index(claim_id)
        for t in self.doc_terms[n]:
            self.postings[self.terms[t]].remove_doc(n)
        self.doc_terms[n] = array("i")
        self.claim_ids[n] = ""
        self._stated.pop(n, None)
        self.removed += 1

    def stated(self, doc: int) -> Stated:
        """What sort of answer a claim states (a date, a duration, a count of what).

        Worked out the first time a question needs it, not at build: only the
        few claims that reach a question's shortlist are ever read this way.
        """
        found = self._stated.get(doc)
        if found is None:
            texts, said_by = json.loads(self.stated_inputs[doc])
            found = self._stated[doc] = stated_kinds(texts, said_by)
        return found

    @property
    def size(self) -> int:
        return len(self.claim_ids) - self.removed

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5)) if df else 0.0

    def rare_idf(self) -> float:
        """The idf of a term seen in a single claim: the ceiling for known words."""
        return math.log(1 + (self.size - 0.5) / 1.5) if self.size else 1.0


class _Packer:
    """Builds a PackedStrings one string at a time."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.offsets = array("q", [0])

    def add(self, text: str) -> None:
        self.blob += text.encode()
        self.offsets.append(len(self.blob))

    def done(self) -> PackedStrings:
        return PackedStrings(self.blob, self.offsets)


def prior(state: ClaimState) -> float:
    """A mild preference for the claims curators marked central (importance 1–5):
    it breaks near-ties, it cannot lift a claim that does not match."""
    return 1.0 + IMPORTANCE_PRIOR * (state.claim.importance - 3)


def _entity_stems(state: ClaimState, seen: dict[str, list[str]]) -> list[str]:
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


def _bag(state: ClaimState, surface: dict[str, str], seen: dict[str, list[str]] | None = None) -> Counter[str]:
    """A claim's weighted term counts; records each word's stem in `surface`.

    `seen` memoizes the (word, stem) pairs of the short fields (names,
    keywords, speaker, topic), which repeat across claims; texts and quotes
    are tokenized every time.
    """
    claim = state.claim
    memo = {} if seen is None else seen
    parts: list[tuple[str, float, bool]] = [
        (claim.text, FIELD_WEIGHTS["text"], False),
        (" ".join(claim.entities), FIELD_WEIGHTS["entities"], True),
        (claim.said_by or "", FIELD_WEIGHTS["said_by"], True),
        (" ".join(claim.keywords), FIELD_WEIGHTS["keywords"], True),
        (_topic_words(claim.topic), FIELD_WEIGHTS["topic"], True),
        *[(q.quote, FIELD_WEIGHTS["quotes"], False) for q in claim.quotes],
    ]
    if state.correction:
        parts.append((state.correction.text, FIELD_WEIGHTS["text"], False))
    bag: Counter[str] = Counter()
    for text, weight, short in parts:
        pairs = memo.get(text) if short else None
        if pairs is None:
            pairs = _word_stems(text, surface)
            if short:
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

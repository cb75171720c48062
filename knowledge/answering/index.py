"""An inverted index over claims: BM25 weights in packed postings, scored with numpy.

The postings live in one *base* segment (numpy arrays: each term's slice of
doc numbers and weights), built in one pass or loaded from a snapshot without
copying. A claim changed since is a small *overlay*: its base postings are
masked out and its new ones kept in a dict, so a correction never rewrites the
arrays; `compacted()` folds the overlay into a new base (before a snapshot is
saved, and whenever the overlay grows past `COMPACT_AT` claims).

A question reads every posting of its terms. Summed in numpy, that costs
less at 120,000 claims than reading the head of each list in Python did, and
the scores are exact: no claim is missed because its weight sat past a cut.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.answering.claim_terms import claim_bag, entity_stems, prior, stated_input
from knowledge.answering.packed import PackedStrings
from knowledge.answering.question_kind import Stated, stated_kinds
from knowledge.answering.segment import (
    QueryAlternatives,
    Segment,
    as_floats,
    as_ints,
    best_docs,
    make_segment,
)
from knowledge.models import ClaimState

K1 = 1.2
B = 0.5
# Claim statuses by their code in `ClaimIndex.statuses`.
STATUSES = ("active", "corrected", "retracted")
# Past this many changed claims the overlay (scored in Python) is folded into the base.
COMPACT_AT = 512
# A word the store does not hold weighs like its words at this percentile of document frequency.
RARE_QUANTILE = 25


@dataclass
class ClaimIndex:
    """A base segment plus the overlay of claims changed since it was made."""

    base: Segment = field(default_factory=Segment.empty)
    claim_ids: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    term_numbers: dict[str, int] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    # Each doc's words that `stated` reads (its texts and speaker, JSON), packed:
    # the index never holds the claims themselves.
    stated_inputs: PackedStrings = field(default_factory=PackedStrings)
    # Each doc's status code (see STATUSES), importance (1–5) and current text,
    # so a service can list, rank and pick claims without loading them.
    statuses: array[int] = field(default_factory=lambda: array("b"))
    importances: array[int] = field(default_factory=lambda: array("b"))
    texts: PackedStrings = field(default_factory=PackedStrings)
    # Stems of the names claims list (people, places, bodies).
    entity_terms: set[str] = field(default_factory=set)
    avg_len: float = 1.0
    removed: int = 0
    # The overlay: base docs whose postings no longer count, and the current
    # postings, term lists and priors of every doc changed or added since.
    dead: set[int] = field(default_factory=set)
    delta: dict[int, dict[int, float]] = field(default_factory=dict)
    delta_terms: dict[int, array[int]] = field(default_factory=dict)
    delta_priors: dict[int, float] = field(default_factory=dict)
    # Document frequency changes since the base, by term number.
    df_change: Counter[int] = field(default_factory=Counter)
    _stated: dict[int, Stated] = field(default_factory=dict)
    _doc_numbers: dict[str, int] | None = None
    _rare_df: int | None = None

    @classmethod
    def build(cls, states: Iterable[ClaimState]) -> ClaimIndex:
        """An index of `states`, doc numbers in their order."""
        builder = IndexBuilder()
        builder.add(states)
        return builder.done()

    # ---- reading -------------------------------------------------------------------

    def top(self, query: Sequence[QueryAlternatives], k: int) -> list[tuple[int, float]]:
        """The `k` best docs for `query` as (doc, score × prior), best first, ties by doc.

        Each query term adds, for each doc, its best alternative's weight times
        that alternative's factor. Docs that score nothing are left out.
        """
        base = self.base
        scores = np.zeros(base.size, dtype=np.float64)
        best = np.zeros(base.size, dtype=np.float64)
        for alternatives in query:
            # ufunc.at on 64-bit doc numbers: the fastest scatter numpy has (about
            # 2 ns a posting), several times a fancy-indexed `+=` on int32 numbers.
            single = len(alternatives) == 1
            if not single:
                best.fill(0.0)
            for term, factor in alternatives:
                number = self.term_numbers.get(term)
                if number is None or number >= base.term_count:
                    continue
                lo, hi = base.post_offsets[number], base.post_offsets[number + 1]
                weights = base.post_weights[lo:hi] * factor
                if single:
                    np.add.at(scores, base.post_docs[lo:hi], weights)
                else:
                    np.maximum.at(best, base.post_docs[lo:hi], weights)
            if not single:
                scores += best
        if self.dead:
            scores[np.fromiter(self.dead, dtype=np.int64, count=len(self.dead))] = 0.0
        scores *= base.priors
        found = best_docs(scores, k)
        if self.delta:
            found = sorted([*found, *self._overlay_scores(query)], key=lambda ds: (-ds[1], ds[0]))[:k]
        return found

    def _overlay_scores(self, query: Sequence[QueryAlternatives]) -> list[tuple[int, float]]:
        totals: dict[int, float] = {}
        for alternatives in query:
            best: dict[int, float] = {}
            for term, factor in alternatives:
                number = self.term_numbers.get(term)
                for doc, weight in self.delta.get(number, {}).items() if number is not None else ():
                    if weight * factor > best.get(doc, 0.0):
                        best[doc] = weight * factor
            for doc, s in best.items():
                totals[doc] = totals.get(doc, 0.0) + s
        return [(doc, s * self.delta_priors[doc]) for doc, s in totals.items() if s > 0]

    def doc_term_numbers(self, doc: int) -> list[int]:
        """The term numbers of a doc's current text, names, keywords and quotes."""
        changed = self.delta_terms.get(doc)
        if changed is not None:
            return changed.tolist()
        lo, hi = self.base.doc_offsets[doc], self.base.doc_offsets[doc + 1]
        return self.base.doc_terms[lo:hi].tolist()

    def df(self, term: str) -> int:
        number = self.term_numbers.get(term)
        if number is None:
            return 0
        own = int(self.base.df[number]) if number < self.base.term_count else 0
        return own + self.df_change.get(number, 0)

    def has_term(self, term: str) -> bool:
        """Whether any claim now holds `term`."""
        return self.df(term) > 0

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
        """How many claims the index holds (removed ones keep an empty doc number)."""
        return len(self.claim_ids) - self.removed

    def idf(self, term: str) -> float:
        df = self.df(term)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5)) if df else 0.0

    def rare_idf(self) -> float:
        """The idf of a rare word of this store: the weight of a word it does not hold.

        "Rare" is read off the store, not assumed: the document frequency a
        quarter of its words have at most. In a store of real articles that is
        a word in a single claim (about half of all words are), so the unknown
        word weighs what a one-claim word weighs. A store that repeats its
        vocabulary across many claims (120,000 claims written from the same
        articles' words) has words in a thousand claims as its rare ones, and
        an unknown word weighs as much there as here: coverage, and with it
        the answer-or-abstain decision, means the same at every size. The
        quartile rather than the minimum keeps a few stray one-off words from
        deciding it.
        """
        if not self.size:
            return 1.0
        if self._rare_df is None:
            counts = np.zeros(len(self.terms), dtype=np.int64)
            counts[: self.base.term_count] = self.base.df
            for number, change in self.df_change.items():
                counts[number] += change
            held = counts[counts > 0]
            self._rare_df = int(np.percentile(held, RARE_QUANTILE, method="lower")) if len(held) else 1
        df = self._rare_df
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    # ---- changing ------------------------------------------------------------------

    def upsert(self, state: ClaimState) -> int:
        """Add a claim, or re-index one whose text or correction changed. Returns its doc number."""
        bag = claim_bag(state, self.surface)
        length = sum(bag.values())
        norm = K1 * (1 - B + B * length / self.avg_len)
        weights = {self._term_number(t): tf * (K1 + 1) / (tf + norm) for t, tf in bag.items()}
        n = self.doc_numbers().get(state.id)
        if n is None:
            n = len(self.claim_ids)
            self.claim_ids.append(state.id)
            self.doc_numbers()[state.id] = n
            self.stated_inputs.append(stated_input(state))
            self.statuses.append(STATUSES.index(state.status))
            self.importances.append(state.claim.importance)
            self.texts.append(state.current_text)
        else:
            self._retire(n)
            self.stated_inputs[n] = stated_input(state)
            self.statuses[n] = STATUSES.index(state.status)
            self.importances[n] = state.claim.importance
            self.texts[n] = state.current_text
            self._stated.pop(n, None)
        self.entity_terms.update(entity_stems(state, {}))
        self.delta_terms[n] = array("i", weights)
        self.delta_priors[n] = prior(state)
        for number, w in weights.items():
            self.delta.setdefault(number, {})[n] = w
            self.df_change[number] += 1
        self._rare_df = None
        return n

    def remove(self, claim_id: str) -> None:
        """Drop a claim from the postings (its doc number stays, empty, so others keep theirs)."""
        n = self.doc_numbers().pop(claim_id, None)
        if n is None:
            return
        self._retire(n)
        self.delta_terms[n] = array("i")
        self.delta_priors[n] = 0.0
        self.claim_ids[n] = ""
        self._stated.pop(n, None)
        self.removed += 1
        self._rare_df = None

    def _retire(self, n: int) -> None:
        """Stop counting doc `n`'s current postings."""
        for number in self.doc_term_numbers(n):
            self.df_change[number] -= 1
        if n in self.delta_terms:
            for number in self.delta_terms.pop(n):
                self.delta[number].pop(n, None)
                if not self.delta[number]:
                    del self.delta[number]
            self.delta_priors.pop(n, None)
        elif n < self.base.size:
            self.dead.add(n)

    def doc_numbers(self) -> dict[str, int]:
        """Claim id → doc number for every claim the index holds (kept up to date by
        `upsert` and `remove`; made on first use, so a start that answers nothing by
        id does not pay for it)."""
        if self._doc_numbers is None:
            numbers = dict(zip(self.claim_ids, range(len(self.claim_ids)), strict=True))
            numbers.pop("", None)  # removed claims' empty slots
            self._doc_numbers = numbers
        return self._doc_numbers

    def _term_number(self, term: str) -> int:
        number = self.term_numbers.get(term)
        if number is None:
            number = self.term_numbers[term] = len(self.terms)
            self.terms.append(term)
        return number

    @property
    def overlay_size(self) -> int:
        """How many claims changed since the base was made."""
        return len(self.delta_terms)

    def compacted(self) -> ClaimIndex:
        """A copy with the overlay folded into a new base; `self` is left as it was.

        Reads only: a running service can answer from `self` while another
        thread compacts it, as long as no change is applied meanwhile.
        """
        if not self.delta_terms and not self.dead:
            return self._copy(self.base)  # nothing to fold: the base is never written to
        base, dead = self.base, np.zeros(self.base.size, dtype=bool)
        dead[np.array([*self.dead, *(n for n in self.delta_terms if n < base.size)], dtype=np.int64)] = True
        base_terms = np.repeat(np.arange(base.term_count, dtype=np.int32), base.df)
        keep = ~dead[base.post_docs]
        changed = sorted(self.delta_terms)
        delta_terms = [t for n in changed for t in self.delta_terms[n]]
        delta_docs = [n for n in changed for _ in self.delta_terms[n]]
        delta_weights = [self.delta[t][n] for n in changed for t in self.delta_terms[n]]
        priors = np.zeros(len(self.claim_ids), dtype=np.float64)
        priors[: base.size] = base.priors
        for n, p in self.delta_priors.items():
            priors[n] = p
        # Each doc's term list: the base's for unchanged docs, the overlay's for the rest,
        # put in doc order by a stable sort (a doc's terms come from one side, in order).
        doc_count = len(self.claim_ids)
        base_lengths = np.diff(base.doc_offsets)
        kept_terms = ~np.repeat(dead, base_lengths)
        owners = np.concatenate([np.repeat(np.arange(base.size), base_lengths)[kept_terms], as_ints(delta_docs)])
        by_doc = np.argsort(owners, kind="stable")
        doc_terms = np.concatenate([base.doc_terms[kept_terms], as_ints(delta_terms)])[by_doc]
        doc_offsets = np.zeros(doc_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(owners, minlength=doc_count), out=doc_offsets[1:])
        segment = make_segment(
            np.concatenate([base_terms[keep], as_ints(delta_terms)]),
            np.concatenate([base.post_docs[keep], as_ints(delta_docs)]),
            np.concatenate([base.post_weights[keep], as_floats(delta_weights)]),
            len(self.terms),
            doc_offsets,
            doc_terms.astype(np.int32),
            priors,
        )
        return self._copy(segment)

    def _copy(self, base: Segment) -> ClaimIndex:
        """An index on `base` sharing nothing `upsert` or `remove` change in `self`."""
        stated, texts = self.stated_inputs.packed(), self.texts.packed()
        return ClaimIndex(
            base=base,
            claim_ids=list(self.claim_ids),
            terms=list(self.terms),
            term_numbers=dict(self.term_numbers),
            surface=dict(self.surface),
            # New wrappers on the same packed bytes, which are never written to.
            stated_inputs=PackedStrings(stated.blob, stated.offsets),
            statuses=array("b", self.statuses),
            importances=array("b", self.importances),
            texts=PackedStrings(texts.blob, texts.offsets),
            entity_terms=set(self.entity_terms),
            avg_len=self.avg_len,
            removed=self.removed,
        )


class IndexBuilder:
    """Builds a ClaimIndex from claims given a page at a time.

    Only packed numbers and texts are kept between pages, never the claims, so
    a store of 120,000 claims is indexed without holding them all in memory.
    """

    def __init__(self) -> None:
        self.index = ClaimIndex()
        # Tokenized short fields and quotes, which repeat across claims (bounded: see _bag).
        self._seen: dict[str, list[str]] = {}
        self._names_seen: dict[str, list[str]] = {}
        # Pass 1 keeps each claim's bag packed (term numbers, frequencies), since
        # BM25 needs the average length before any weight.
        self._doc_offsets, self._doc_terms, self._tfs = array("q", [0]), array("i"), array("d")
        self._lengths = array("d")
        self._priors = array("d")
        self._stated, self._texts = _Packer(), _Packer()

    def add(self, states: Iterable[ClaimState]) -> None:
        index = self.index
        for state in states:
            bag = claim_bag(state, index.surface, self._seen)
            index.claim_ids.append(state.id)
            self._priors.append(prior(state))
            index.statuses.append(STATUSES.index(state.status))
            index.importances.append(state.claim.importance)
            self._stated.add(stated_input(state))
            self._texts.add(state.current_text)
            index.entity_terms.update(entity_stems(state, self._names_seen))
            self._doc_terms.extend(index._term_number(t) for t in bag)
            self._doc_offsets.append(len(self._doc_terms))
            self._tfs.extend(bag.values())
            self._lengths.append(sum(bag.values()))

    def done(self) -> ClaimIndex:
        index = self.index
        # Packed as they come: 120,000 claims' texts as two blobs, never 240,000 strings.
        index.stated_inputs, index.texts = self._stated.done(), self._texts.done()
        lengths = np.frombuffer(self._lengths, dtype=np.float64)
        index.avg_len = (sum(self._lengths) / len(self._lengths)) if self._lengths else 1.0
        # Pass 2: every (doc, term) weight at once, then grouped by term (docs stay in order).
        offsets = np.frombuffer(self._doc_offsets, dtype=np.int64)
        per_doc = np.diff(offsets)
        norms = K1 * (1 - B + B * lengths / index.avg_len)
        tf = np.frombuffer(self._tfs, dtype=np.float64)
        weights = tf * (K1 + 1) / (tf + np.repeat(norms, per_doc))
        term_of = np.frombuffer(self._doc_terms, dtype=np.int32)
        docs = np.repeat(np.arange(len(index.claim_ids), dtype=np.int32), per_doc)
        index.base = make_segment(
            term_of, docs, weights, len(index.terms), offsets.copy(), term_of.copy(), self._priors
        )
        return index


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

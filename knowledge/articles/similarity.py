"""How much a sentence and a claim say alike: rarity-weighted overlap, both ways. Pure.

The measures `knowledge.articles.ingest.relate` decides with (one formula each, here):

- `similarity`: the geometric mean of how much of the sentence the claim accounts for and
  how much of the claim's statement the sentence repeats;
- `literal`: the same, counting only the sentence's own words;
- `restated` and `same_subject`: how much of the claim's statement (all of it, or its
  values left out) the sentence repeats.

A sentence is read the way the matcher reads a question (`Sentence`): each term stands
also for the matcher's related words and WordNet synonyms at its lower weights. A long
sentence often states several facts, one per clause ("He dismissed X as unrealistic and
ruled out Y"), and a claim restates one of them: the sentence side of `similarity` would
count every other clause against it. So the sentence is also read clause by clause
(`clause_spans`), and a claim is scored against its best run of up to MAX_WINDOW_CLAUSES
contiguous clauses (`closest_window`); the quote stays the whole sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from knowledge.answering.matcher import RELATED_WEIGHT, SYNONYM_WEIGHT
from knowledge.answering.related import related_stems
from knowledge.answering.synonyms import synonyms
from knowledge.answering.text import terms

# A window runs over at most this many contiguous clauses (besides the whole sentence):
# enough for "who played a role in securing the release of X from Y", few enough that the
# windows of a long sentence stay linear in its clauses.
MAX_WINDOW_CLAUSES = 3
# A window is only worth reading when the whole sentence repeats at least this share of the
# claim: a window's share of the claim is never more than the sentence's, and its similarity
# is at most the square root of that share.
MIN_CLAIM_SHARE = 0.15
# A window must repeat at least this share of what the claim's statement says besides the
# people it names: a clause that only names them ("with President Putin") restates nothing.
WINDOW_CLAIM_SHARE = 0.45
# ...and this share in its own words: related words alone ("Russia" for "Moscow") restate nothing.
WINDOW_OWN_SHARE = 0.3
# Words that open a new clause: a clause is cut before them.
CLAUSE_WORDS = frozenset(
    "and but while whereas although though after before during which who whom whose where when because since "
    "as with without amid despite following stating saying adding noting claiming asserting".split()
)
# Marks that end a clause: cut after them (a dash standing alone is a mark too).
_CLAUSE_MARKS = ",;:—–"
_TOKEN = re.compile(r"\S+")


class Statement(Protocol):
    """What the measures read of a claim: the terms of its statement, of everything said
    for it (statement, quotes, keywords), and of its statement with its values left out."""

    @property
    def statement(self) -> set[str]: ...
    @property
    def bag(self) -> set[str]: ...
    @property
    def subject(self) -> set[str]: ...
    @property
    def people(self) -> list[set[str]]: ...


class Rarity:
    """Rarity (idf) of each term over the existing claims; an unseen term counts as the rarest.

    `df` gives a term's document frequency among `n` claims: counted from the claims
    themselves (`of_bags`), or read from the live index, so proposing needs only
    the claims each sentence resembles, not every claim in the store.
    """

    def __init__(self, df: Callable[[str], int], n: int) -> None:
        self._df = df
        self._n = max(n, 1)
        self.rare = math.log(1 + (self._n - 0.5) / 1.5)
        self._seen: dict[str, float] = {}

    @classmethod
    def of_bags(cls, bags: Iterable[set[str]]) -> Rarity:
        counts: Counter[str] = Counter()
        n = 0
        for bag in bags:
            counts.update(bag)
            n += 1
        return cls(lambda term: counts.get(term, 0), n)

    def __call__(self, term: str) -> float:
        # Each term is weighed once per article: a sentence is compared with many claims.
        found = self._seen.get(term)
        if found is None:
            df = self._df(term)
            found = self._seen[term] = math.log(1 + (self._n - df + 0.5) / (df + 0.5)) if df else self.rare
        return found

    def mass(self, found: Iterable[str]) -> float:
        return sum(self(t) for t in found)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """`text` cut into clauses, as (start, end) offsets: after a comma, semicolon, colon or
    dash, and before a word that opens a clause ("and", "while", "which", "during"…).
    One pass over the words; no pattern backtracks."""
    spans: list[tuple[int, int]] = []
    start = 0
    for token in _TOKEN.finditer(text):
        word = token.group(0)
        bare = word.strip("\"'“”‘’()[]").lower()
        if bare in CLAUSE_WORDS and token.start() > start:
            spans.append((start, token.start()))
            start = token.start()
        if word.rstrip("\"'”’)").endswith(tuple(_CLAUSE_MARKS)) or word in ("-", "--"):
            spans.append((start, token.end()))
            start = token.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


class Sentence:
    """A sentence's terms as the matcher reads a question's: each with the stems it may
    stand for (its related words and WordNet synonyms, at the matcher's lower weights);
    and its windows, the runs of contiguous clauses, each read the same way."""

    def __init__(self, text: str, meant: set[str] | None = None) -> None:
        # `meant`: the terms of the people the sentence stands for without naming them; the
        # subject of a sentence is the subject of each of its clauses too.
        meant = meant or set()
        self.terms = set(terms(text)) | meant
        related, table = related_stems(), synonyms()
        self.alternatives: dict[str, dict[str, float]] = {}
        for t in self.terms:
            alts = {r: RELATED_WEIGHT for r in related.get(t, ())}
            for r in table.get(t, ()):
                alts.setdefault(r, SYNONYM_WEIGHT)
            alts[t] = 1.0
            self.alternatives[t] = alts
        self.reach = _reach(self.alternatives.values())
        self.windows: list[Window] = []
        clauses = [set(terms(text[s:e])) & self.terms for s, e in clause_spans(text)]
        for i in range(len(clauses)):
            found = set(meant)
            for j in range(i, min(i + MAX_WINDOW_CLAUSES, len(clauses))):
                found |= clauses[j]
                if found and found != self.terms:
                    alternatives = {t: self.alternatives[t] for t in found}
                    self.windows.append(Window(i, j + 1, set(found), alternatives, _reach(alternatives.values())))

    def credit(self, found: Iterable[str], idf: Rarity) -> float:
        """The rarity mass of `found` (a claim's terms) the sentence states, in its own words or others."""
        return sum(idf(t) * self.reach.get(t, 0.0) for t in found)

    def covered(self, bag: set[str], idf: Rarity) -> float:
        """The rarity mass of the sentence's terms that `bag` (a claim's) accounts for."""
        return _covered(self.alternatives, bag, idf)


@dataclass(frozen=True)
class Window:
    """Clauses `first` to `end` (exclusive) of a sentence, read as a sentence of their own."""

    first: int
    end: int
    terms: set[str]
    alternatives: dict[str, dict[str, float]]
    reach: dict[str, float]

    def credit(self, found: Iterable[str], idf: Rarity) -> float:
        return sum(idf(t) * self.reach.get(t, 0.0) for t in found)

    def covered(self, bag: set[str], idf: Rarity) -> float:
        return _covered(self.alternatives, bag, idf)


def _reach(alternatives: Iterable[dict[str, float]]) -> dict[str, float]:
    reach: dict[str, float] = {}
    for alts in alternatives:
        for r, w in alts.items():
            if w > reach.get(r, 0.0):
                reach[r] = w
    return reach


def _covered(alternatives: dict[str, dict[str, float]], bag: set[str], idf: Rarity) -> float:
    found = 0.0
    for t, alts in alternatives.items():
        if t in bag:
            found += idf(t)
        elif not bag.isdisjoint(alts):
            found += idf(t) * max(w for a, w in alts.items() if a in bag)
    return found


def literal(sentence: set[str], known: Statement, idf: Rarity) -> float:
    """`similarity` counting only the sentence's own words: the floor other words build on."""
    if not sentence or not known.statement:
        return 0.0
    of_sentence = idf.mass(sentence & known.bag) / idf.mass(sentence)
    of_claim = idf.mass(sentence & known.statement) / idf.mass(known.statement)
    return math.sqrt(of_sentence * of_claim)


def similarity(sentence: Sentence | Window, known: Statement, idf: Rarity) -> float:
    """Both ways at once: the geometric mean of how much of the sentence the claim
    accounts for and how much of the claim's statement the sentence repeats."""
    if not sentence.terms or not known.statement:
        return 0.0
    of_sentence = sentence.covered(known.bag, idf) / idf.mass(sentence.terms)
    of_claim = sentence.credit(known.statement, idf) / idf.mass(known.statement)
    return math.sqrt(of_sentence * of_claim)


@dataclass(frozen=True)
class Closest:
    """A claim against a sentence: its similarity to the whole sentence or to the window that
    restates it, whichever is higher; and the clauses it is stated in (`window`, the window
    closest to it, None when no window comes close: the whole sentence states it)."""

    score: float
    window: Window | None = None
    # Whether `window` restates the claim on its own (WINDOW_CLAIM_SHARE).
    restates: bool = False


def closest_window(sentence: Sentence, known: Statement, idf: Rarity, floor: float) -> Closest:
    """The claim's `Closest` reading of the sentence, counting only the whole sentence and the
    windows that share at least `floor` (`literal`) in their own words."""
    whole = similarity(sentence, known, idf) if literal(sentence.terms, known, idf) >= floor else 0.0
    if not known.statement or restated(sentence, known, idf) < MIN_CLAIM_SHARE:
        return Closest(whole)
    # What the claim says besides who it is about: who is checked apart (`relate`).
    said = known.statement.difference(*known.people)
    best: tuple[float, Window | None, bool] = (0.0, None, False)
    for window in sentence.windows:
        if literal(window.terms, known, idf) < floor:
            continue
        score = similarity(window, known, idf)
        mass = idf.mass(said)
        own = idf.mass(window.terms & said) >= WINDOW_OWN_SHARE * mass
        restates = window.credit(said, idf) >= WINDOW_CLAIM_SHARE * mass and own
        if (restates, score) > (best[2], best[0]):
            best = (score, window, restates)
    return Closest(max(whole, best[0] if best[2] else 0.0), best[1], best[2])


def same_subject(sentence: Sentence, known: Statement, idf: Rarity) -> float:
    """How much of the claim's statement, its values left out, the sentence repeats:
    a sentence giving another value for the same thing differs exactly there."""
    if not known.subject:
        return 0.0
    return sentence.credit(known.subject, idf) / idf.mass(known.subject)


def restated(sentence: Sentence, known: Statement, idf: Rarity) -> float:
    """How much of the claim's own statement the sentence repeats, by rarity."""
    if not known.statement:
        return 0.0
    return sentence.credit(known.statement, idf) / idf.mass(known.statement)

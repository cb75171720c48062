"""Proposing claims from a new article: supports, conflicts and new claims. Pure.

`propose(article, claims)` reads an article split by `knowledge.articles.reading`
(boilerplate, body sentences with offsets, footnote digits) and, for every
substantive body sentence, proposes exactly one of:

- **supports**: the sentence is one more verbatim quote of an existing claim;
- **conflicts**: it is about the same subject as an existing claim but states a
  different figure (a length, a count, a date): a new claim linked as a conflict;
- **new**: a new claim whose text is the sentence itself, lightly trimmed, so
  the draft can never add a fact the sentence does not state.

Similarity is word overlap weighted by rarity (idf over the existing claims),
measured both ways: how much of the sentence the claim's words account for,
and how much of the claim's statement the sentence repeats. Both must be high
for a support, because a sentence that merely names the same people is not
evidence for a claim. The thresholds were set with the leave-one-article-out
measurement (`python -m knowledge.articles.ingest_eval`); see the README.

Nothing here reads or writes the database: proposals go to the review queue
through the service, and nothing answers until a moderator accepts one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from knowledge.answering.text import fold, terms
from knowledge.articles.drafts import Draft, draft_quotes, draft_text, names_in, speaker_of
from knowledge.articles.reading import Article
from knowledge.models import Claim, Quote

ProposalKind = Literal["supports", "conflicts", "new"]

# A support needs both directions of overlap.
SUPPORT_SIMILARITY = 0.4
# How much of a claim's statement (its figures left out) a sentence must repeat to be about
# the same thing. Durations are rare in the articles (a call's length), so a lower bar finds
# "two hours" against "90 minutes"; counts and dates are common and need more in common.
SUBJECT_SIMILARITY = {"duration": 0.3, "date": 0.5, "count": 0.5}
# A new claim takes the topic of a claim at least this close.
TOPIC_SIMILARITY = 0.3
# How many of the closest claims are checked for a disagreeing figure.
CONFLICT_CANDIDATES = 5
# Sentences shorter than this (in content words) say too little to be a claim.
MIN_CONTENT_WORDS = 5
# A quote that keeps less than this share of its sentence (cut at a footnote) is dropped.
MIN_KEPT_SHARE = 0.5
# Leaves room for the "-2", "-3"… a taken id gets, within the 80 characters a claim id may have.
MAX_SLUG_CHARS = 70
# An apostrophe or dot between two letters joins them; every other non-alphanumeric separates words.
_SLUG_JOINER = re.compile(r"(?<=[a-z])['.](?=[a-z])")
_SLUG_WORD = re.compile(r"[a-z0-9]+")
NEW_TOPIC = "ingested"

# Figures, by kind: two accounts of the same subject that state figures of the same kind
# with no value in common disagree (another call length, another team size, another date).
_DURATION_UNITS = frozenset("second seconds minute minutes hour hours".split())
_COUNT_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty ninety "
    "hundred thousand million billion half dozen".split()
)
_MONTHS = frozenset("january february march april may june july august september october november december".split())
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


@dataclass(frozen=True)
class Proposal:
    """One candidate for the review queue: a verbatim quote and what to do with it."""

    kind: ProposalKind
    quote: Quote
    # The drafted claim text (new, conflicts) or the supported claim's own text (supports).
    text: str
    claim_id: str | None
    similarity: float
    topic: str = NEW_TOPIC
    entities: list[str] = field(default_factory=list)
    said_by: str | None = None


@dataclass
class _ClaimTerms:
    claim: Claim
    statement: set[str]
    bag: set[str]
    figures: dict[str, set[str]]


class Rarity:
    """Rarity (idf) of each term over the existing claims; an unseen term counts as the rarest.

    `df` gives a term's document frequency among `n` claims: counted from the claims
    themselves (`of_claims`), or read from the live index, so proposing needs only
    the claims each sentence resembles, not every claim in the store.
    """

    def __init__(self, df: Callable[[str], int], n: int) -> None:
        self._df = df
        self._n = max(n, 1)
        self.rare = math.log(1 + (self._n - 0.5) / 1.5)

    @classmethod
    def of_bags(cls, bags: Iterable[set[str]]) -> Rarity:
        counts: Counter[str] = Counter()
        n = 0
        for bag in bags:
            counts.update(bag)
            n += 1
        return cls(lambda term: counts.get(term, 0), n)

    def __call__(self, term: str) -> float:
        df = self._df(term)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5)) if df else self.rare

    def mass(self, found: Iterable[str]) -> float:
        return sum(self(t) for t in found)


def propose(article: Article, claims: Sequence[Claim], rarity: Rarity | None = None) -> list[Proposal]:
    """One proposal per substantive body sentence of `article`, in article order. Pure.

    `claims` are the existing claims to compare with (every claim, or those each
    sentence resembles); `rarity` weighs terms by the whole store when given.

    Boilerplate, headings, list lead-ins and footnote digits never become quotes;
    a sentence repeated word for word in the article is proposed once.
    """
    known = [_claim_terms(c) for c in claims]
    idf = rarity or Rarity.of_bags(k.bag for k in known)
    quoted = {(q.source_id, q.start, q.end) for c in claims for q in c.quotes}
    seen: set[str] = set()
    out: list[Proposal] = []
    quotes = substantive_quotes(article)
    drafts = draft_quotes(article, quotes)
    for quote in quotes:
        key = " ".join(fold(quote.quote).lower().split())
        if key in seen or (quote.source_id, quote.start, quote.end) in quoted:
            continue
        seen.add(key)
        out.append(_redrafted(_classify(quote, known, idf), drafts.get((quote.start, quote.end))))
    return out


def _redrafted(proposal: Proposal, draft: Draft | None) -> Proposal:
    # The wording, names and speaker read with the article around the sentence
    # (knowledge.articles.drafts); a support keeps the claim's own text.
    if draft is None or proposal.kind == "supports":
        return proposal
    return replace(proposal, text=draft.text, entities=draft.entities, said_by=draft.said_by)


def substantive_quotes(article: Article) -> list[Quote]:
    """The body sentences worth a claim, as quotes free of footnote digits and boilerplate."""
    quotes = []
    for span in article.sentences:
        if span.kind != "body" or article.overlaps_boilerplate(span.start, span.end):
            continue
        start, end = _without_footnotes(article, span.start, span.end)
        if end <= start or (end - start) < MIN_KEPT_SHARE * (span.end - span.start):
            continue
        text = article.text[start:end]
        if len(terms(text)) < MIN_CONTENT_WORDS:
            continue
        quotes.append(Quote(source_id=article.source_id, start=start, end=end, quote=text))
    return quotes


def _without_footnotes(article: Article, start: int, end: int) -> tuple[int, int]:
    # A footnote marker ends the usable part of a sentence: "…Europeans."1 keeps "…Europeans."
    marker = article.first_footnote_in(start, end)
    if marker is not None:
        end = marker
    while end > start and article.text[end - 1].isspace():
        end -= 1
    return start, end


def _claim_terms(claim: Claim) -> _ClaimTerms:
    statement_text = " ".join([claim.text, *claim.entities, claim.said_by or ""])
    statement = set(terms(statement_text))
    quoted = " ".join(q.quote for q in claim.quotes)
    bag = statement | set(terms(quoted)) | set(terms(" ".join(claim.keywords)))
    # Only the claim's own statement: its quotes may mention other figures in passing.
    return _ClaimTerms(claim, statement, bag, figures(claim.text))


def similarity(sentence: set[str], known: _ClaimTerms, idf: Rarity) -> float:
    """Both ways at once: the geometric mean of how much of the sentence the claim
    accounts for and how much of the claim's statement the sentence repeats."""
    if not sentence or not known.statement:
        return 0.0
    of_sentence = idf.mass(sentence & known.bag) / idf.mass(sentence)
    of_claim = idf.mass(sentence & known.statement) / idf.mass(known.statement)
    return math.sqrt(of_sentence * of_claim)


_UNIT_TERMS = frozenset(
    terms("seconds minutes hours days weeks months years long lasting lasted duration percent per cent")
)


def same_subject(sentence: set[str], known: _ClaimTerms, idf: Rarity) -> float:
    """How much of the claim's statement, its figures left out, the sentence repeats:
    a sentence giving another figure for the same thing differs exactly there."""
    rest = known.statement - set(terms(" ".join(v for values in known.figures.values() for v in values)))
    # The units and the word "long" belong to the figure too: "lasted two hours" and
    # "was about 90 minutes long" are about the same subject, the call.
    rest -= _UNIT_TERMS
    if not rest:
        return 0.0
    return idf.mass(sentence & rest) / idf.mass(rest)


def _classify(quote: Quote, known: list[_ClaimTerms], idf: Rarity) -> Proposal:
    sentence = set(terms(quote.quote))
    ranked = sorted(((similarity(sentence, k, idf), k) for k in known), key=lambda sk: -sk[0])
    entities = names_in(quote.quote)
    speaker = speaker_of(quote.quote, entities)
    draft = draft_text(quote.quote)
    if not ranked:
        return Proposal("new", quote, draft, None, 0.0, NEW_TOPIC, entities, speaker)
    best_score, best = ranked[0]
    mine = figures(quote.quote)
    # A close claim that states the same figure is the best evidence there is: a support.
    for score, other in ranked[:CONFLICT_CANDIDATES]:
        if score >= SUPPORT_SIMILARITY and agreeing(mine, other.figures):
            return Proposal("supports", quote, other.claim.text, other.claim.id, round(score, 3), other.claim.topic)
    # Another figure of the same kind, about the same subject: proposed as its own claim,
    # linked as a conflict. Ranked by subject alone, since the figures are what differ.
    rivals = [(same_subject(sentence, k, idf), k, kinds) for k in known if (kinds := disagreeing(mine, k.figures))]
    for subject, other, kinds in sorted(rivals, key=lambda r: -r[0])[:CONFLICT_CANDIDATES]:
        if subject >= min(SUBJECT_SIMILARITY[k] for k in kinds):
            score = similarity(sentence, other, idf)
            return Proposal(
                "conflicts", quote, draft, other.claim.id, round(score, 3), other.claim.topic, entities, speaker
            )
    if best_score >= SUPPORT_SIMILARITY:
        return Proposal("supports", quote, best.claim.text, best.claim.id, round(best_score, 3), best.claim.topic)
    topic = best.claim.topic if best_score >= TOPIC_SIMILARITY else NEW_TOPIC
    return Proposal("new", quote, draft, None, round(best_score, 3), topic, entities, speaker)


def figures(text: str) -> dict[str, set[str]]:
    """The figures `text` states, by kind (duration, date, count), as normalised words."""
    low = fold(text).lower()
    tokens = re.findall(r"\d+(?:[.,]\d+)?|[a-z]+", low)
    found: dict[str, set[str]] = {}
    numbers = {t.replace(",", "") for t in tokens if t[0].isdigit()} | {t for t in tokens if t in _COUNT_WORDS}
    if any(t in _DURATION_UNITS for t in tokens):
        # "an hour" states one hour; the unit alone is no value to compare.
        found["duration"] = numbers or {"1"}
    dates = {t for t in tokens if t in _MONTHS or t in _WEEKDAYS}
    if dates:
        found["date"] = dates | {t for t in tokens if t.isdigit() and len(t) <= 2}
    if numbers and "duration" not in found:
        found["count"] = {t for t in numbers if not (t.isdigit() and len(t) == 4)}  # years are not counts
    return {k: v for k, v in found.items() if v}


def agreeing(mine: dict[str, set[str]], theirs: dict[str, set[str]]) -> bool:
    """Whether two statements give a figure of one kind with a value in common."""
    return any(kind in theirs and values & theirs[kind] for kind, values in mine.items())


def disagreeing(mine: dict[str, set[str]], theirs: dict[str, set[str]]) -> list[str]:
    """The kinds of figure two statements both give with no value in common."""
    return [kind for kind, values in mine.items() if kind in theirs and not values & theirs[kind]]


def claim_slug(text: str) -> str:
    """The readable id of a claim nobody named: its first words, lowercase ASCII, joined by hyphens.

    The one rule for every claim made without an id (a moderator's `add`, an accepted
    ingest candidate): accents are dropped ("café" → "cafe"), an apostrophe or a dot
    inside a word joins it ("Zelenskyy’s" → "zelenskyys", "U.S." → "us"), at most
    8 words and MAX_SLUG_CHARS characters, cut at a word. The result always matches
    `CLAIM_ID`; text with no ASCII letter or digit gives "claim".
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    found = _SLUG_WORD.findall(_SLUG_JOINER.sub("", plain))
    slug = found[0][:MAX_SLUG_CHARS] if found else "claim"
    for word in found[1:8]:
        if len(slug) + len(word) + 1 > MAX_SLUG_CHARS:
            break
        slug = f"{slug}-{word}"
    return slug

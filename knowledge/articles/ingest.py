"""Proposing claims from a new article: supports, conflicts and new claims. Pure.

`propose(article, claims)` reads an article split by `knowledge.articles.reading`
(boilerplate, body sentences with offsets, footnote digits) and, for every
substantive body sentence, proposes:

- **supports**: the sentence is one more verbatim quote of an existing claim, of
  each claim it restates (a sentence giving a call's length and its date
  supports both claims, up to MAX_SUPPORTS);
- **conflicts**: it is about the same subject as an existing claim but gives a
  different value of one kind (a length, a sum, a count, a date, a venue, an
  office, quoted words; `knowledge.articles.facts`), or disagrees with its account
  in tone, roster or quoted words (`knowledge.articles.disagreement`): a new claim
  linked as a conflict, one proposal per contradicted claim (at most three);
- **new**, when it is neither: a new claim whose text is the sentence itself,
  lightly trimmed, so the draft can never add a fact the sentence does not state.

Similarity is word overlap weighted by rarity (idf over the existing claims),
measured both ways: how much of the sentence the claim's words account for,
and how much of the claim's statement the sentence repeats. Both must be high
for a support by words alone, because a sentence that merely names the same
people is not evidence for a claim; the same value of a fact about the same
subject is. A sentence is read the way the matcher reads a question
(`Sentence`): its terms folded to entities and office-holders (`text.terms`),
each standing also for the matcher's related words and WordNet synonyms at the
matcher's lower weights, so "trading its land" restates "exchanging its
territory". Other words only lift a sentence that already shares enough in its
own words (LITERAL_SIMILARITY), and a claim whose point is a figure or a date
needs a sentence that gives one of that kind. A claim is scored against the
whole sentence or its closest run of clauses (the measures and the clauses are
`knowledge.articles.similarity`'s), so one clause of a long sentence may restate
it, and a second claim is supported when clauses of its own restate it. A person
counts as named through what the draft resolves ("he", "the leaders", "the
former president", "The call …" after a sentence naming two people), through
the body the matcher relates to them ("the Kremlin" for its spokesman), and a
claim naming three or more people may have one left unnamed when the sentence
names nobody in their place. The thresholds were set with the
leave-one-article-out measurement (`python -m knowledge.articles.ingest_eval`);
see the README.

Nothing here reads or writes the database: proposals go to the review queue
through the service, and nothing answers until a moderator accepts one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from knowledge.answering.fact_check import strip_values
from knowledge.answering.related import related_stems
from knowledge.answering.text import fold, terms
from knowledge.articles.disagreement import disagreements, ranked
from knowledge.articles.drafts import Draft, draft_quotes, draft_text, names_in, speaker_of
from knowledge.articles.facts import Facts, compare, read_facts
from knowledge.articles.reading import Article
from knowledge.articles.similarity import (
    Closest,
    Rarity,
    Sentence,
    Window,
    closest_window,
    restated,
    same_subject,
    similarity,
)
from knowledge.entities import shipped
from knowledge.models import Claim, Quote

ProposalKind = Literal["supports", "conflicts", "new"]

# A support needs both directions of overlap... (Chosen with the leave-one-article-out
# measurement once related words and synonyms counted: 0.42 over all five seeds; chosen on
# four and scored on the fifth, the held-out figures are in the README.)
SUPPORT_SIMILARITY = 0.38
LITERAL_SIMILARITY = 0.3
# ...or the same value of a fact (a length, a date, a venue) about the same subject: the claim's
# statement, its values left out, repeated this much ("the call ran to nearly an hour and a
# half" supports "the call was about 90 minutes long" at a word similarity of 0.36).
FACT_SUPPORT_SUBJECT = 0.4
# ...or most of the claim's own statement restated (a sentence that states several facts
# supports each claim it restates, though each accounts for only part of it).
RESTATED = 0.8
# A claim naming this many people or more may have one of them left unnamed (`_spared`).
SPARE_ONE_OF = 3
# A sentence supports at most this many claims.
MAX_SUPPORTS = 3
# How much of a claim's statement (its values left out) a sentence must repeat to be about
# the same thing when it gives another value. Durations are rare in the articles (a call's
# length), so a lower bar finds "two hours" against "90 minutes"; other kinds are common
# (dates, counts, places) and need more in common.
SUBJECT_SIMILARITY = {"amount:time": 0.3}
DEFAULT_SUBJECT_SIMILARITY = 0.5
# A new claim takes the topic of a claim at least this close.
TOPIC_SIMILARITY = 0.3
# Sentences shorter than this (in content words) say too little to be a claim.
MIN_CONTENT_WORDS = 4
# A quote that keeps less than this share of its sentence (cut at a footnote) is dropped.
MIN_KEPT_SHARE = 0.5
# Leaves room for the "-2", "-3"… a taken id gets, within the 80 characters a claim id may have.
MAX_SLUG_CHARS = 70
# An apostrophe or dot between two letters joins them; every other non-alphanumeric separates words.
_SLUG_JOINER = re.compile(r"(?<=[a-z])['.](?=[a-z])")
_SLUG_WORD = re.compile(r"[a-z0-9]+")
NEW_TOPIC = "ingested"

# A sentence opening with a pronoun names its subject in the sentence before.
_PRONOUN_START = re.compile(r"(?:He|She|They|His|Her|Their)\b")


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
    facts: Facts
    # The statement's terms with its values (figures, dates, venues, offices) left out.
    subject: set[str]
    # The terms of each person the statement names: a sentence that does not name one of
    # them is no evidence for it ("Braže insisted…" is not "Baerbock and Albares insisted…").
    people: list[set[str]]


def propose(article: Article, claims: Sequence[Claim], rarity: Rarity | None = None) -> list[Proposal]:
    """The proposals for each substantive body sentence of `article`, in article order. Pure.

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
        draft = drafts.get((quote.start, quote.end))
        out.extend(_redrafted(p, draft) for p in relate(quote, known, idf, draft))
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


# Words that belong to a value, not to what it is the value of: units, "long", weekdays.
_UNIT_TERMS = frozenset(
    terms(
        "seconds minutes hours days weeks months years long lasting lasted duration percent per cent hourlong "
        "monday tuesday wednesday thursday friday saturday sunday"
    )
)


def _claim_terms(claim: Claim) -> _ClaimTerms:
    statement_text = " ".join([claim.text, *claim.entities, claim.said_by or ""])
    statement = set(terms(statement_text))
    quoted = " ".join(q.quote for q in claim.quotes)
    bag = statement | set(terms(quoted)) | set(terms(" ".join(claim.keywords)))
    # Only the claim's own statement: its quotes may mention other figures in passing.
    # The units and the word "long" belong to the figure too: "lasted two hours" and
    # "was about 90 minutes long" are about the same subject, the call.
    subject = set(terms(strip_values(claim.text))) - _UNIT_TERMS
    said = set(terms(claim.text))
    # One set per person named, holding all their names: "Dmitry Peskov" is one person,
    # named by a sentence that says "Peskov" (or "the Kremlin", which speaks for him).
    people = [set(names) for names in _people_names() if not said.isdisjoint(names)]
    return _ClaimTerms(claim, statement, bag, read_facts(claim.text), subject & statement, people)


@cache
def _people_names() -> tuple[frozenset[str], ...]:
    """Each person of the entities file as the terms of all their names, less the terms several
    people's names hold ("President", "John"): those name nobody in particular."""
    persons = _persons()
    return tuple(
        frozenset(t for name in (*p.names, p.token) for t in terms(name) if t in persons)
        for p in shipped().of_kind("person")
    )


@cache
def _people_terms() -> frozenset[str]:
    """The terms of every person the entities file names ("Marco Rubio" → "rubio")."""
    return frozenset(t for p in shipped().of_kind("person") for name in (*p.names, p.token) for t in terms(name))


def relate(quote: Quote, known: list[_ClaimTerms], idf: Rarity, context: Draft | None = None) -> list[Proposal]:
    """What one sentence is to the existing claims: supports of each claim it restates
    (up to MAX_SUPPORTS), else a conflict with the claim about the same subject whose
    value it contradicts, else a new claim. A support never contradicts a value of its
    claim, nor a claim the sentence already supports; a conflict also comes with the
    sentence's supports: accepting both is a new claim linked as a conflict, plus
    quotes for the claims it agrees with."""
    # The people the sentence means without naming them ("he", "the two leaders") are read
    # as if it named them: `knowledge.articles.drafts` resolves them with the article before.
    meant = set(terms(" ".join(context.refers_to))) if context is not None else set()
    # The people a sentence names or means are the subject of each of its clauses.
    analysed = Sentence(quote.quote, meant | (set(terms(quote.quote)) & _people_terms()))
    sentence = analysed.terms
    mine = read_facts(quote.quote)
    entities = names_in(quote.quote)
    speaker = speaker_of(quote.quote, entities)
    draft = draft_text(quote.quote)
    unnamed = 1 if _PRONOUN_START.match(quote.quote) else 0
    # Who the sentence names: in its own words, through the "he" its draft resolves with the
    # article before it, or through what the matcher relates to a name (the Kremlin speaks
    # for Peskov, the Pentagon is Hegseth's).
    named = _named(sentence | (set(terms(context.text)) if context is not None else set()))
    supports: list[tuple[float, float, bool, Closest, _ClaimTerms]] = []
    rivals: list[tuple[float, float, _ClaimTerms]] = []
    best_score = 0.0
    best: _ClaimTerms | None = None
    scored: list[tuple[Claim, float]] = []
    for k in known:
        score = similarity(analysed, k, idf)
        scored.append((k.claim, score))
        if score > best_score:
            best_score, best = score, k
        facts = compare(mine, k.facts)
        subject = same_subject(analysed, k, idf)
        if facts.disagreed:
            bar = min(SUBJECT_SIMILARITY.get(kind, DEFAULT_SUBJECT_SIMILARITY) for kind in facts.disagreed)
            if subject >= bar:
                rivals.append((subject, score, k))
            continue
        # Quoted words the claim does not quote are another remark, unless the claim's own
        # quotes hold them (the remark, quoted in part by each article).
        if facts.different_quotes and not all(q <= k.bag for q in mine.quotes):
            continue
        if sum(not (n & named) for n in k.people) > unnamed + _spared(k, named):
            continue
        if _figures(k.facts) - _figures(mine) - ({"date"} if "weekday" in facts.agreed else set()):
            # A claim whose point is a figure or a date ("spending of 5 percent") is not
            # restated by a sentence that gives none of that kind (the same weekday gives the
            # day), however many words they share.
            continue
        # Who holds an office is who the sentence is about, not evidence of what it says.
        same_value = any(not kind.startswith("office:") for kind in facts.agreed) and subject >= FACT_SUPPORT_SUBJECT
        strong = same_value or restated(analysed, k, idf) >= RESTATED
        # The claim against the whole sentence or against its closest run of clauses
        # (`similarity.best_window`): a long sentence may state the claim in one clause.
        closest = closest_window(analysed, k, idf, LITERAL_SIMILARITY)
        if strong or closest.score >= SUPPORT_SIMILARITY:
            # Ranked by closeness weighed by how much of the claim's statement the sentence
            # repeats: of two close claims, the one the sentence says more of comes first.
            rank = max(score, closest.score) * math.sqrt(restated(analysed, k, idf))
            supports.append((rank, max(score, closest.score), strong, closest, k))
    chosen: list[tuple[float, Closest, _ClaimTerms]] = []
    for _, score, strong, closest, k in sorted(supports, key=lambda s: -s[0]):
        if len(chosen) == MAX_SUPPORTS:
            break
        # One sentence is never evidence for two claims the curators hold in conflict. Beyond
        # the closest claim, a claim must be restated, share a value, or be restated by clauses
        # of its own (none the claims chosen before are stated in).
        if chosen and any(c.claim.id in k.claim.conflicts for _, _, c in chosen):
            continue
        if chosen and not strong and not _apart(closest, [c for _, c, _ in chosen]):
            continue
        chosen.append((score, closest, k))
    # Rivals most about the same thing first (the values are what differ), then accounts that
    # disagree in tone, roster or quoted words (knowledge.articles.disagreement).
    teller = context.said_by if context is not None and context.said_by else speaker
    by_id = {k.claim.id: (score, k) for k, (_, score) in zip(known, scored, strict=True)}
    of_value = [k.claim.id for _, _, k in sorted(rivals, key=lambda r: r[:2], reverse=True)]
    against = ranked(of_value, disagreements(quote.quote, teller, scored))
    # A sentence is never evidence for a claim it contradicts.
    backed = [(score, k) for score, _, k in chosen if k.claim.id not in against]
    # A disagreement the store already holds is no new claim: the sentence restates a claim
    # linked to the one it contradicts ("a team of four" supports the four-member team,
    # already in conflict with the three-member one), and its support is the proposal.
    linked = {other for _, k in backed for other in k.claim.conflicts}
    against = [claim_id for claim_id in against if claim_id not in linked]
    out = [Proposal("supports", quote, k.claim.text, k.claim.id, round(score, 3), k.claim.topic) for score, k in backed]
    for claim_id in against:
        score, other = by_id[claim_id]
        out.append(Proposal("conflicts", quote, draft, claim_id, round(score, 3), other.claim.topic, entities, speaker))
    if out:
        return out
    topic = best.claim.topic if best is not None and best_score >= TOPIC_SIMILARITY else NEW_TOPIC
    return [Proposal("new", quote, draft, None, round(best_score, 3), topic, entities, speaker)]


def _apart(closest: Closest, others: list[Closest]) -> bool:
    """Whether clauses of their own restate a claim: none of those `others` are stated in
    (a claim no window comes close to is stated by the whole sentence)."""
    mine = closest.window
    return mine is not None and all(o.window is not None and not _overlap(mine, o.window) for o in others)


def _overlap(a: Window, b: Window) -> bool:
    return a.first < b.end and b.first < a.end


def _spared(known: _ClaimTerms, named: set[str]) -> int:
    """How many of a claim's people a sentence may leave unnamed: one, of a claim naming
    SPARE_ONE_OF or more, when the sentence names no other person in their place (the
    rest of the claim's people are named: "X spoke with Y after the call with Z")."""
    if len(known.people) < SPARE_ONE_OF:
        return 0
    persons = _persons()
    theirs = {p for n in known.people for t in n for p in persons.get(t, ())}
    others = {p for t in named for p in persons.get(t, ())} - theirs
    return 0 if others else 1


@cache
def _persons() -> dict[str, frozenset[str]]:
    """Term → the person (entity token) whose names hold it ("volodymyr" → Zelenskyy); a
    term several people's names hold ("president") names nobody."""
    out: dict[str, set[str]] = {}
    for p in shipped().of_kind("person"):
        for name in (*p.names, p.token):
            for t in terms(name):
                out.setdefault(t, set()).add(p.token)
    return {t: frozenset(found) for t, found in out.items() if len(found) == 1}


def _figures(facts: Facts) -> set[str]:
    """The kinds of figure and date a statement gives (not places, offices or quoted words)."""
    return {kind for kind in facts.kinds() if kind.startswith("amount:") or kind == "date"}


def _named(found: set[str]) -> set[str]:
    """`found` with each person the matcher relates to one of its terms."""
    spoken_for = _spoken_for()
    return found | {p for t in found for p in spoken_for.get(t, ())}


@cache
def _spoken_for() -> dict[str, frozenset[str]]:
    """Term → the people the matcher relates it to ("kremlin" → Peskov)."""
    out: dict[str, set[str]] = {}
    for person in _people_terms():
        for term in related_stems().get(person, frozenset()):
            out.setdefault(term, set()).add(person)
    return {t: frozenset(p) for t, p in out.items()}


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

"""Accounts that disagree without a differing figure: which existing claims a sentence
contradicts by tone, by roster or by quoted words. Pure.

`knowledge.articles.facts` finds a conflict where two statements give different values
of one kind (a length, a date, a count). Articles also disagree in kinds that have no
value to compare (`knowledge.articles.stances` reads what each statement says):

- **tone**: one account calls a party's response or account reserved ("muted",
  "far more restrained", "merely acknowledged"), another reports the same party warm
  or outspoken ("embraced", "called the talks productive", "appealed"); or two
  parties give opposite accounts of one event they held together (a reserved
  readout of a call, a warm description of the call with that party);
- **roster**: two statements name different sets of people of one party, or of
  countries, for the same role: who holds the talks, who signed or reacted
  ("Rubio and Vance" against "Rubio, Ratcliffe and Waltz"); a set that is a part
  of the other counts too, since each presents its list as the one;
- **quoted words**: the same speaker (a named person, or a role such as "a senior
  diplomat") quoted with words that share one and differ in another ("a premature
  surrender" and "preemptive surrender"), or the same short quoted word applied to
  another object ("unrealistic" said of NATO membership, and of the old borders).

A claim's quoted words are read from its quotes, what the articles actually printed,
not from its curated text, which may mention the other account in passing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from knowledge.answering.text import fold, terms
from knowledge.articles.stances import EXPRESSIVE, RESERVED, NameList, Stances, read_stances, speaks_for
from knowledge.entities import shipped
from knowledge.models import Claim

# A sentence conflicts with at most this many claims (the closest by words first).
MAX_CONFLICTS = 3
# Two quoted passages are one remark quoted two ways when this share of their words is common.
MISQUOTE_OVERLAP = 1 / 3
# A quoted word said of another object: the share of the sentence's other words (its
# object; names, titles and reporting words left out) the claim may repeat, at most.
OTHER_OBJECT = 0.34
# ...read from this many words before the quoted verdict, and needing at least
# MIN_OBJECT_TERMS of them, or there is nothing to tell apart.
OBJECT_WINDOW = 6
MIN_OBJECT_TERMS = 2
# A quoted word applied to two objects is a short verdict ("unrealistic"), not a sentence.
MAX_VERDICT_TERMS = 2
# Words that report speech, which say nothing of what the words are about.
_REPORTING = frozenset(
    terms(
        "said says declared stated described called warned insisted told added noted argued claimed "
        "according described describing calling stating saying"
    )
)


@dataclass(frozen=True)
class Disagreement:
    """A claim the sentence contradicts, how, and how close its words are (for ranking)."""

    claim_id: str
    kind: str  # "tone", "roster" or "quote"
    similarity: float


def disagreements(sentence: str, speaker: str | None, claims: Sequence[tuple[Claim, float]]) -> list[Disagreement]:
    """The claims `sentence` contradicts by tone, roster or quoted words, closest first.

    `speaker` is who the sentence quotes or stands for (its reporting clause, or the
    person an opening "he" means); `claims` pairs each claim with its word similarity
    to the sentence, which ranks the disagreements.
    """
    mine = read_stances(sentence, speaker)
    sentence_terms = frozenset(terms(sentence))
    found: list[Disagreement] = []
    for claim, similarity in claims:
        theirs = _claim_stances(claim.text, claim.said_by, tuple(claim.entities))
        kind = _contradiction(sentence, mine, sentence_terms, speaker, claim, theirs)
        if kind is not None:
            found.append(Disagreement(claim.id, kind, similarity))
    return sorted(found, key=lambda d: -d.similarity)


@lru_cache(maxsize=8192)
def _claim_stances(text: str, said_by: str | None, entities: tuple[str, ...]) -> Stances:
    """A claim's reading; the parties it is about include those its entities name ("Vladimir
    Putin"). Cached: every sentence of an article is compared with the same claims."""
    theirs = read_stances(text, said_by)
    named = {party for e in entities if (party := speaks_for(e)) is not None}
    return replace(theirs, named=theirs.named | named)


@lru_cache(maxsize=8192)
def _terms_of(text: str) -> tuple[str, ...]:
    return tuple(terms(text))


def _contradiction(
    sentence: str, mine: Stances, sentence_terms: frozenset[str], speaker: str | None, claim: Claim, theirs: Stances
) -> str | None:
    if any((party, -side) in theirs.tones for party, side in mine.tones):
        return "tone"
    if _counterpart(mine, theirs) or _counterpart(theirs, mine):
        return "tone"
    if any(_other_roster(a, b) for a in mine.lists for b in theirs.lists):
        return "roster"
    if mine.quotes and _same_speaker(sentence_terms, speaker, claim.said_by):
        printed = _printed_quotes(claim)
        if any(_misquoted(a, b) for a in mine.quotes for b in printed):
            return "quote"
        if _other_object(sentence, speaker, claim, printed):
            return "quote"
    return None


def _counterpart(reserved: Stances, warm: Stances) -> bool:
    """One party's reserved account of an event against another's warm account of the same
    event held with the first ("the Kremlin's readout of the call was restrained" against
    "Trump called his call with Putin productive"). An account of an event the reserved
    party had no part in ("her own call with the president was good") is no counterpart."""
    if not reserved.events & warm.events:
        return False
    held_back = {party for party, side in reserved.tones if side == RESERVED}
    praised = {party for party, side in warm.tones if side == EXPRESSIVE} & warm.warm
    # A statement that tells both accounts ("Trump claimed a breakthrough, the Kremlin was
    # cautious") agrees with the warm one: it contradicts neither.
    if any((b, EXPRESSIVE) in reserved.tones for b in praised):
        return False
    return any(a != b and a in warm.named for a in held_back for b in praised)


def _other_roster(a: NameList, b: NameList) -> bool:
    """Two lists of one kind, for a role both give, sharing a name but not the same names.
    A list that is part of the other contradicts it only when both present theirs as a whole
    group ("a team of three" against "a team of four"): "Rubio and Waltz met the hosts" is
    two of the team, not another team."""
    if a.kind != b.kind or not a.roles & b.roles or a.names == b.names or not a.names & b.names:
        return False
    part = a.names < b.names or b.names < a.names
    return not part or (a.whole and b.whole)


def _printed_quotes(claim: Claim) -> tuple[frozenset[str], ...]:
    """The passages the articles quote in the claim's quotes; the claim's own text's when
    its quotes hold no quotation marks."""
    return _printed(tuple(q.quote for q in claim.quotes), claim.text, claim.said_by)


@lru_cache(maxsize=8192)
def _printed(quotes: tuple[str, ...], text: str, said_by: str | None) -> tuple[frozenset[str], ...]:
    printed = tuple(p for q in quotes for p in read_stances(q).quotes)
    return printed or read_stances(text, said_by).quotes


@lru_cache(maxsize=8192)
def _words_of(text: str, quotes: tuple[str, ...]) -> frozenset[str]:
    """A claim's terms, its text's and its quotes'."""
    return frozenset(terms(" ".join([text, *quotes])))


def _misquoted(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two quoted passages that share words (not names) and differ in another, neither
    holding the other: one remark quoted two ways ("a premature surrender", "preemptive
    surrender"), not two remarks that happen to share a word ("peace")."""
    a, b = a - _name_terms(), b - _name_terms()
    shared = len(a & b)
    return shared > 0 and not (a <= b or b <= a) and shared / len(a | b) >= MISQUOTE_OVERLAP


def _other_object(sentence: str, speaker: str | None, claim: Claim, printed: Sequence[frozenset[str]]) -> bool:
    """The same short quoted verdict, about something the claim does not speak of: what the
    verdict is said of is the few words before it ("NATO membership for Ukraine is
    'unrealistic'"), the speaker, titles and reporting words left out."""
    claim_terms = _words_of(claim.text, tuple(q.quote for q in claim.quotes))
    parts = fold(sentence).split('"')
    said_by = frozenset(_terms_of(claim.said_by or "")) | frozenset(_terms_of(speaker or ""))
    left_out = said_by | _REPORTING | _title_terms()
    for i in range(1, len(parts), 2):
        verdict = frozenset(terms(parts[i]))
        # A verdict is a word or two of judgement; a quote naming someone ("without Ukraine")
        # is part of a remark, not a judgement that could be passed on something else.
        if not (0 < len(verdict) <= MAX_VERDICT_TERMS and verdict <= claim_terms) or verdict & _name_terms():
            continue
        ours = frozenset([t for t in terms(parts[i - 1]) if t not in left_out][-OBJECT_WINDOW:])
        # The claim's own object: its words but the verdict, the speaker, titles and reporting.
        theirs = frozenset(_terms_of(claim.text)) - verdict - left_out
        if len(ours) < MIN_OBJECT_TERMS or len(theirs) < MIN_OBJECT_TERMS:
            continue
        # Neither may repeat much of the other's: "the 2014 borders" called "unrealistic"
        # twice is one remark, whatever else either adds.
        repeated = len(ours & claim_terms) / len(ours), len(theirs & frozenset(terms(sentence))) / len(theirs)
        if max(repeated) <= OTHER_OBJECT:
            return True
    return False


def _same_speaker(sentence_terms: frozenset[str], speaker: str | None, said_by: str | None) -> bool:
    """Whether the sentence quotes the claim's speaker: its reporting clause names them,
    or, when it names no speaker, it mentions them ("as described by one European NATO
    diplomat" for a claim said by a "senior European diplomat": the head word and at
    least half of the description)."""
    theirs = _terms_of(said_by or "")
    if not theirs:
        return False
    if speaker:
        mine = _terms_of(speaker)
        return bool(mine) and mine[-1] == theirs[-1]
    # A named person merely mentioned is not quoted ("fears that Trump's approach…");
    # a speaker described by role is only ever mentioned.
    if len(theirs) < 2:
        return False
    shared = sum(t in sentence_terms for t in theirs)
    return theirs[-1] in sentence_terms and 2 * shared >= len(theirs)


@cache
def _name_terms() -> frozenset[str]:
    """The terms of every name in the entities file."""
    return frozenset(t for e in shipped().entities for name in (*e.names, e.token) for t in terms(name))


@cache
def _title_terms() -> frozenset[str]:
    """The terms of every office's names ("defence secretary", "foreign minister")."""
    return frozenset(t for o in shipped().offices for name in o.names for t in terms(name))


def ranked(first: Sequence[str], more: Sequence[Disagreement], limit: int = MAX_CONFLICTS) -> list[str]:
    """Claim ids to propose conflicts with: `first` (conflicts of value), then the
    disagreements, each once, at most `limit`."""
    out: list[str] = []
    for claim_id in [*first, *(d.claim_id for d in more)]:
        if claim_id not in out:
            out.append(claim_id)
    return out[:limit]

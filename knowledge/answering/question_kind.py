"""What sort of answer a question asks for, and whether a claim states one. Pure functions.

"When …?" wants a date or a time, "how long …?" a duration, "how many
soldiers …?" a count *of soldiers*, "how old …?" an age. A claim that shares
the question's words but states no such thing does not answer it: "How many
soldiers has Russia lost?" must not be answered with a claim about Russia and
soldiers that gives no number. So the matcher ranks claims that state the kind
of thing asked above those that merely share words, and abstains when no claim
that covers the question states it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from knowledge.answering.amounts import Amount, amounts
from knowledge.answering.fact_check import is_negative
from knowledge.answering.text import STOPWORDS, stem, terms, words
from knowledge.answering.values import Date, Place, dates, places


class Kind(Enum):
    OTHER = "other"
    WHEN = "when"
    DURATION = "duration"
    QUANTITY = "quantity"
    AGE = "age"
    # "What word did X use for Y": a word or phrase the claim quotes.
    WORDING = "wording"


_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "thousand million billion trillion dozen dozens hundreds thousands millions half"
)
# A figure starts only where a run of digits starts, and its digits are never given back
# (possessive): a pattern built on it reads a 20,000-digit run once, not once per digit.
_NUMBER = rf"(?:(?<!\d)\d++(?:[.,]\d++)?+%?|\b(?:{'|'.join(_NUMBER_WORDS.split())})\b)"
_MONTHS = "january february march april may june july august september october november december"
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
_TIME = re.compile(
    rf"\b(?:{'|'.join(_MONTHS.split())}|{'|'.join(_DAYS.split())}|(?:19|20)\d\d|\d{{1,2}}:\d\d"
    r"|morning|afternoon|evening|night|weekend|week|today|yesterday|tomorrow|tonight|ago|date|dates"
    r"|days? (?:before|after|later|earlier)|this year|last year|next year|recently|recent"
    r"|preceded|followed|following|since)\b"
)
_UNIT = r"(?:second|minute|hour|day|week|month|year)s?"
# "lengthy" is how one article gives the call's length without a figure.
_DURATION = re.compile(rf"{_NUMBER}[\s-]*{_UNIT}\b|\bhour and a half\b|\blengthy\b")
_QUANTITY = re.compile(rf"{_NUMBER}|[£$€]\s?\d")
_PLAIN_WORD = re.compile(r"[a-z]+")
_FUTURE = re.compile(r"\b(?:will|going to|shall|gonna|next|upcoming|scheduled|expected|planned|would)\b")
# "what did X say", "did X comment on": X is asked to be the one speaking.
_ASKED_SPEAKER = re.compile(
    r"\b(?:what|did|does|has|have|had|how did|why did|when did)\s+(.{2,50}?)\s+"
    r"(say|said|think|argue|claim|comment|mention|tell|write|post|announce|react|respond|warn|insist|stress)\b"
)
_SAYING = re.compile(
    r"\b(?:said|says|say|told|tell|stressed|warned|warns|argued|argues|insisted|insist|called|calls|described"
    r"|describe|wrote|write|confirmed|announced|stated|affirmed|appealed|urged|urge|reiterated|declared|rejected"
    r"|ruled|kept|claimed|signalled|signaled|indicated|revealed|suggested|expects|sees|reads|acknowledged"
    r"|reacted|responded|voiced|fear|fears|called|demand|demands|report|reports|recalled|backed|emphasized"
    r"|emphasised|cautioned|noted|hailed|praised|criticised|criticized|described|accounts?|readout|statement"
    r"|post|posted|expressed|agreed|welcomed|insists|stresses|urges|notes|claims|describes|demanded|wants|wanted"
    r"|argue|warn|stress|announces|affirms|confirms|reiterates|declares|rejects|dismissed|dismisses)\b"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_LABEL_BEFORE = re.compile(rf"(?:article|pre-|{'|'.join(_MONTHS.split())})\s*$")
_AGE = re.compile(rf"{_NUMBER}[\s-]*years?[\s-]*old\b|\baged?\s+\d+|\bbirthday\b|\bborn\b")

# Question openings, checked in order: the first that matches decides.
_ASKS: list[tuple[re.Pattern[str], Kind]] = [
    (re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b|\bwhat is (?:his|her|their) age\b|\bborn\b"), Kind.AGE),
    (re.compile(r"\bhow long ago\b|\bsince when\b"), Kind.WHEN),
    (re.compile(r"\bhow long\b|\bfor how long\b|\bwhat (?:was|is) the (?:length|duration)\b"), Kind.DURATION),
    (
        re.compile(
            r"\bhow (?:many|much|big|large|huge|small)\b|\bwhat (?:number|percentage|percent|share|amount|sum|size)\b"
            r"|\bsize of\b|\bnumber of\b|\bhow many\b"
        ),
        Kind.QUANTITY,
    ),
    (
        re.compile(r"\bwhen\b|\bwhat (?:date|day|time|year|month)\b|\bwhich (?:date|day|year|month)\b|\bhow soon\b"),
        Kind.WHEN,
    ),
]
# "will meet", "would hold talks", "is to visit": the verb a claim puts in the future.
_FUTURE_VERB = re.compile(
    r"\b(?:will|would|shall|'ll|going to|(?:is|are|was|were) to|expected to|plans? to)\s+(?:also\s+)?([a-z]+)"
)
# Past forms that do not end in -ed, for the verbs the articles put in the future.
_IRREGULAR_PAST = {
    "met": "meet",
    "held": "hold",
    "went": "go",
    "came": "come",
    "gave": "give",
    "took": "take",
    "spoke": "speak",
    "sent": "send",
    "began": "begin",
    "made": "make",
    "saw": "see",
    "won": "win",
    "lost": "lose",
    "left": "leave",
    "brought": "bring",
    "sat": "sit",
    "wrote": "write",
    "found": "find",
    "paid": "pay",
    "led": "lead",
    "became": "become",
}
_PAST_AUX = frozenset({"did", "was", "were", "had", "happened"})


def _past_verbs(low: str, future: bool) -> frozenset[str]:
    """Stems of the verbs `low` puts in the past: irregular pasts, -ed forms, and after
    "did" any verb. Empty when the question speaks of the future."""
    if future:
        return frozenset()
    tokens = re.findall(r"[a-z]+", low)
    after_did = bool(_PAST_AUX & set(tokens))
    found = set()
    for tok in tokens:
        # After "did" the verb is bare ("did they meet"); "meeting" or "talks" are not it.
        bare = after_did and not tok.endswith(("ing", "s"))
        base = _IRREGULAR_PAST.get(tok) or (tok if tok.endswith("ed") or bare else None)
        if base and base not in STOPWORDS:
            found.add(stem(base))
    return frozenset(found)


# "how many X": the words after "many" say what is counted.
_COUNTED = re.compile(r"\bhow (?:many|much)\s+([a-z][\w'-]*)(?:\s+([a-z][\w'-]*))?")
_MEASURED = re.compile(r"\bhow much\b|\bwhat (?:percentage|percent|share|amount|sum)\b")
# Words between "how many" and the counted noun that say nothing about it.
_MEASURED = re.compile(r"\bhow much\b|\bwhat (?:percentage|percent|share|amount|sum)\b")
# Words between "how many" and the counted noun that only qualify it.
_QUALIFIERS = frozenset(
    "of the usa russia ukraine europe nato more other different new total military financial".split()
)
# A verb or pronoun right after "how much" ("how much did they give", "how much
# is Britain giving") means the measured thing is not named.
_NOT_NAMED = frozenset("did does do is are was were will would has have had should could can it they".split())


# Counting people is counting members, officials, nations' envoys…
_PEOPLE = frozenset(stem(w) for w in "people persons member members officials individuals".split())


@dataclass(frozen=True)
class Asked:
    """What a question asks for: its kind and, for a count, the counted words' stems."""

    kind: Kind
    counted: frozenset[str] = frozenset()
    # "When will …", "how long will …": asked about what has not happened yet.
    future: bool = False
    # "What did X say …": the stems of X, who must be the one speaking in the answer.
    speaker: frozenset[str] = frozenset()
    # "How much", "what percentage": an amount of money or a share, not a head count.
    measured: bool = False
    # Stems of the verbs the question puts in the past ("when they met", "did they meet").
    past: frozenset[str] = frozenset()
    # "What did X stress": the verb of saying, which asks for X's words rather than naming a topic.
    saying: str = ""


@dataclass(frozen=True)
class Stated:
    """What sorts of answer a claim's text and quotes state."""

    time: bool
    duration: bool
    quantity: bool
    age: bool
    # Stems of the words right after each number ("90-minute call" → minut, call).
    counted: frozenset[str]
    # Figures with units, for checking a reader's figure against them.
    amounts: tuple[Amount, ...] = ()
    # The claim's own text denies something ("ruled out", "without consulting").
    negative: bool = False
    # The claim's own text speaks of what was still to come ("will meet", "scheduled").
    future: bool = False
    # Who speaks in the claim: its speaker and the names just before a verb of saying.
    speakers: frozenset[str] = frozenset()
    # The stems of the claim's own statement (not its quotes), for fact checks.
    text_terms: frozenset[str] = frozenset()
    # Calendar dates and the places things happen in, at or to, for checks.
    dates: tuple[Date, ...] = ()
    places: tuple[Place, ...] = ()
    # The same, from the claim's own statement only (its quotes may set other scenes).
    own_amounts: tuple[Amount, ...] = ()
    own_dates: tuple[Date, ...] = ()
    own_places: tuple[Place, ...] = ()
    # Stems of the verbs the claim's own statement puts in the future ("will meet").
    future_verbs: frozenset[str] = frozenset()
    # The claim's own statement quotes a word or phrase ("called them \"freeloaders\"").
    wording: bool = False


# A quoted word or phrase of up to eight words (straight or curly quotes; no quote inside).
_QUOTED_WORDS = re.compile(r"[\"“](?:[^\"“”\s]++\s?){1,8}[\"”]")

NOTHING_STATED = Stated(False, False, False, False, frozenset())


def asked_kind(question: str, kind: Kind | None = None) -> Asked:
    """The kind of answer `question` asks for (OTHER when it asks for none in particular).

    `kind`, when given, is what the question reader found; the patterns here
    then only add what is counted, whether it is to come, and who must speak.
    """
    low = " ".join(question.lower().split())
    said = _ASKED_SPEAKER.search(low)
    speaker = frozenset(stem(w) for w in words(said.group(1)) if w not in STOPWORDS) if said else frozenset()
    if kind is None:
        kind = next((k for pattern, k in _ASKS if pattern.search(low)), Kind.OTHER)
    saying = said.group(2) if said else ""
    if kind in (Kind.OTHER, Kind.WORDING):
        return Asked(kind, speaker=speaker, past=_past_verbs(low, bool(_FUTURE.search(low))), saying=saying)
    counted: frozenset[str] = frozenset()
    m = _COUNTED.search(low)
    if kind is Kind.QUANTITY and m and m.group(1) not in _NOT_NAMED:
        picked = [g for g in m.groups() if g and g not in _QUALIFIERS][:1]
        counted = frozenset(stem(w) for p in picked for w in words(p))
    measured = kind is Kind.QUANTITY and bool(_MEASURED.search(low))
    future = bool(_FUTURE.search(low))
    return Asked(
        kind, counted, future=future, speaker=speaker, measured=measured, past=_past_verbs(low, future), saying=saying
    )


def stated_kinds(texts: list[str], said_by: str | None = None) -> Stated:
    """What a claim states, from its text (first) and quotes, and who says it. Read-only."""
    low = " ".join(" ".join(texts).lower().split())
    counted: set[str] = set()
    quantity = False
    for m in _QUANTITY.finditer(low):
        # Years, days of a month and "Article 5" are labels, not amounts.
        before = low[max(0, m.start() - 12) : m.start()]
        if _YEAR.fullmatch(m.group()) or _LABEL_BEFORE.search(before):
            continue
        quantity = True
        after = _PLAIN_WORD.findall(low, m.end(), m.end() + 50)[:4]
        counted.update(stem(w) for w in after)
    stated = Stated(
        # A date in a quote is often only where the story is set; "when" wants a
        # claim whose own statement gives the time.
        time=bool(texts) and bool(_TIME.search(texts[0].lower())),
        duration=bool(_DURATION.search(low)),
        quantity=quantity,
        age=bool(_AGE.search(low)),
        counted=frozenset(counted),
        amounts=tuple(dict.fromkeys(a for t in texts for a in amounts(t))),
        negative=bool(texts) and is_negative(texts[0]),
        future=bool(texts) and bool(_FUTURE.search(texts[0].lower())),
        speakers=_speakers(texts[0] if texts else "", said_by),
        text_terms=frozenset(terms(texts[0])) if texts else frozenset(),
        dates=tuple(dict.fromkeys(d for t in texts for d in dates(t))),
        places=tuple(dict.fromkeys(p for t in texts for p in places(t))),
        own_amounts=amounts(texts[0]) if texts else (),
        own_dates=dates(texts[0]) if texts else (),
        own_places=places(texts[0]) if texts else (),
        future_verbs=frozenset(stem(m.group(1)) for m in _FUTURE_VERB.finditer(texts[0].lower()))
        if texts
        else frozenset(),
        wording=bool(texts) and bool(_QUOTED_WORDS.search(texts[0])),
    )
    return NOTHING_STATED if stated == NOTHING_STATED else stated


def _speakers(text: str, said_by: str | None) -> frozenset[str]:
    found = {stem(w) for w in words(said_by or "") if w not in STOPWORDS}
    low = text.lower()
    for m in _SAYING.finditer(low):
        # The subject of a verb of saying sits just before it ("Kremlin spokesman
        # Dmitry Peskov said", "Trump's description of Putin").
        found.update(stem(w) for w in words(low[max(0, m.start() - 80) : m.start()])[-8:] if w not in STOPWORDS)
    return frozenset(found)


def states_answer(asked: Asked, stated: Stated, related: dict[str, set[str]]) -> bool:
    """True when a claim states the kind of thing the question asks for.

    For "how many X" the claim must count X (or a related word) itself: a
    claim that counts years does not say how many soldiers there are.
    """
    if asked.speaker and not _speaks(asked.speaker, stated.speakers, related):
        return False
    past = asked.past | {r for v in asked.past for r in related.get(v, ())}
    if past & stated.future_verbs:
        # "What did they sign when they met?" is not answered by "they will meet": the
        # sources report it as still to come.
        return False
    if asked.kind is Kind.OTHER:
        return True
    if asked.future and asked.kind in (Kind.WHEN, Kind.DURATION) and not stated.future:
        # "When will they meet?" is not answered by when something already happened.
        return False
    if asked.kind is Kind.WHEN:
        return stated.time
    if asked.kind is Kind.WORDING:
        return stated.wording
    if asked.kind is Kind.DURATION:
        return stated.duration
    if asked.kind is Kind.AGE:
        return stated.age
    if not stated.quantity:
        return False
    if asked.measured and not any(m in ("amount", "percent") for _, m in stated.amounts):
        return False
    if not asked.counted:
        return True
    wanted = set(asked.counted)
    if wanted & _PEOPLE:
        # "How many people are on the team": a count of members or officials.
        wanted |= _PEOPLE
    for s in asked.counted:
        wanted |= related.get(s, set())
    return bool(wanted & stated.counted)


def _speaks(speaker: frozenset[str], speakers: frozenset[str], related: dict[str, set[str]]) -> bool:
    return any(s in speakers or related.get(s, set()) & speakers for s in speaker)

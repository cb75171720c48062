"""Reading a message before matching it: which questions it asks, and what each one asks. Pure.

A chat message is not a bag of words. It may hold two questions ("When is the
conference, and who spoke for Germany?"), set a scene before it asks ("With
the Munich gathering days away, who will negotiate for the US?"), or ask
whether something is so ("I heard the call lasted 45 minutes, right?"). The
matcher weighs every word it is given against answering; so the reader first
splits the message into its questions and, for each, separates:

- the *frame*: an open question, or a check of a statement (`Frame.CHECK`,
  with the statement itself as the focus);
- the *attribute* asked: a date, a duration, a place, a person, a role, a
  count, an amount, a reason, what someone said, a yes or no;
- the *focus*: the clause that asks, which the answer must account for;
- the *context*: scene-setting clauses and attributions ("according to the
  articles"), which help find the claim but are never required of it.

A pronoun in the focus ("so what was his answer …") stands for the person the
context names. An office with the country it is held for that nobody in the
articles holds ("the Kremlin's foreign minister") is kept as `unknown_holders`:
the question is about someone the sources never name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cache

from knowledge.answering.chat_words import fold_chat
from knowledge.answering.focus_words import asked_wording, qualifiers, role_topics
from knowledge.answering.questions import CHECK_OPENING, LEAD, OPENS_QUESTION, QWORD, split_questions
from knowledge.answering.text import STOPWORDS, office_mentions, words
from knowledge.entities import shipped


class Frame(Enum):
    OPEN = "open"
    CHECK = "check"


class Attribute(Enum):
    WHEN = "when"
    DURATION = "duration"
    AGE = "age"
    PLACE = "place"
    PERSON = "person"
    ROLE = "role"
    COUNT = "count"
    AMOUNT = "amount"
    REASON = "reason"
    SAID = "said"
    WORDING = "wording"
    YES_NO = "yes/no"
    OTHER = "other"


@dataclass(frozen=True)
class Reading:
    """One question of a message, read."""

    # The question as written (this part of the message).
    text: str
    # What is asked (for a check: the statement checked), chat words folded.
    focus: str
    # Scene-setting clauses and attributions: searched with, never required of the answer.
    context: str = ""
    frame: Frame = Frame.OPEN
    attribute: Attribute = Attribute.OTHER
    # Offices named with a country or body nobody in the articles holds them for.
    unknown_holders: tuple[str, ...] = field(default=())
    # "What kind of deal …": the word whose kind is asked; the answer should name it.
    head: str = ""
    # Words that only say who or where a described one is, or set a condition: "Putin's"
    # in "Putin's press secretary", "Kyiv" in "… if Kyiv keeps at it". They count for
    # ranking and coverage, but a claim need not name them (see `qualifiers`).
    qualifiers: tuple[str, ...] = field(default=())
    # A trailing "when …"/"while …" clause moved to the context: the occasion of what is
    # asked. Unlike the asker's scene, a name in it the articles never use still refuses.
    occasion: str = ""

    @property
    def is_check(self) -> bool:
        return self.frame is Frame.CHECK


# ---- checks ----------------------------------------------------------------------
_CHECK_TAG = re.compile(
    # It may start only where a run of separators starts, and never gives back what a run
    # took (possessive): a question of 4,000 commas is read once, not once per comma.
    r"(?<![,;.\-–—\s])(?:(?:\s*+[,;.\-–—]++)++|\s)\s*+"
    r"(?:(?:is|was) (?:that|this|it) (?:really )?(?:true|correct|right|accurate|so)"
    r"|(?:that's|that is) (?:true|correct|right)|right|correct|true|no|isn't it|wasn't it|didn't (?:he|she|they|it)"
    r"|don't they|doesn't (?:he|she|it)|or not|yes or no)\s*+[?.!]*+\s*+$",
    re.IGNORECASE,
)
# "Did Hegseth really rule …?", "Was the call really that long?"
_REALLY = re.compile(
    r"^\s*(?:so\s+)?(did|does|do|was|were|is|are|has|have|had|will|would)\s+(.+?)\s+really\s+(.+)$",
    re.IGNORECASE,
)
# "So Healey promised more aid?": a statement put as a question.
_SO_STATEMENT = re.compile(rf"^\s*so\s+(?!{QWORD}\b)(?!(?:like|um|uh|yeah|ok|okay)\b)(.+?)\s*\?+\s*$", re.IGNORECASE)
_AUX_TO_STATEMENT = {"did": "", "does": "", "do": "", "will": "will", "would": "would"}

# ---- context -------------------------------------------------------------------------
# Where the clauses of a long question meet.
# Read on text whose white space is single spaces (chat folding leaves it so).
_CLAUSE = re.compile(r" ?(?:[;:,]|\. | [-–—]) ?")
# Trailing or leading attributions: where the reader read it, not what they ask.
_ATTRIBUTION = re.compile(
    # Starts only where a run of spaces starts (possessive), so a run is read once.
    r"(?:,\s*+|(?<!\s)\s++)(?:according to|as reported by|says|per|in)\s+(?:the\s+)?"
    r"(?:articles?|reports?|sources?|press"
    r"|media|news|coverage|analysis|analyses|stories|story|papers?)\b[^,?]*\s*(?=[?.!]*$)",
    re.IGNORECASE,
)
# ", where allies were nervous": "where", "when", "why" or "how" not followed by
# a verb that asks reads as a relative clause, not as the question.
_RELATIVE = re.compile(
    r"^(?:where|when|why|how)\s+(?!(?:is|are|was|were|did|does|do|will|would|can|could|has|have|had|should"
    r"|shall|long|many|much|old|far|soon|often|exactly)\b)",
    re.IGNORECASE,
)
_DESCRIBING = re.compile(r"^(?:which|who|whose)\s", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|himself|herself)\b", re.IGNORECASE)

# ---- the attribute asked --------------------------------------------------------------
# The question word that opens the question decides; "when" later in it is a
# conjunction ("which war did he recall when he posted").
_OPENING_WH = re.compile(
    rf"^{LEAD}(?:(?:in|on|at|from|to|for|with|by|since|during|under|after|before|of|about)\s+)?"
    r"(?P<wh>how long ago|since when|how long|how many|how much|how old|how soon|how big|how large|how small"
    r"|how high|how huge|how far|when|where|why|whose|whom|who"
    r"|which|what|how)\b(?:\s+(?P<next>[\w'-]+))?",
    re.IGNORECASE,
)
_WH_ATTRIBUTE = {
    "how long ago": Attribute.WHEN,
    "since when": Attribute.WHEN,
    "how soon": Attribute.WHEN,
    "when": Attribute.WHEN,
    "how long": Attribute.DURATION,
    "how many": Attribute.COUNT,
    "how big": Attribute.COUNT,
    "how large": Attribute.COUNT,
    "how small": Attribute.COUNT,
    "how high": Attribute.COUNT,
    "how huge": Attribute.COUNT,
    "how far": Attribute.COUNT,
    "how much": Attribute.AMOUNT,
    "how old": Attribute.AGE,
    "where": Attribute.PLACE,
    "why": Attribute.REASON,
    "who": Attribute.PERSON,
    "whom": Attribute.PERSON,
    "whose": Attribute.PERSON,
}
# "what date", "which country", "what percentage": the noun after "what"/"which" decides.
_NOUN_ATTRIBUTE = {
    **dict.fromkeys("date day time year month hour".split(), Attribute.WHEN),
    **dict.fromkeys("country city place venue capital location region".split(), Attribute.PLACE),
    **dict.fromkeys("percentage percent share amount sum".split(), Attribute.AMOUNT),
    **dict.fromkeys(["number"], Attribute.COUNT),
    **dict.fromkeys("length duration".split(), Attribute.DURATION),
    **dict.fromkeys(
        "official officials people person minister ministers leader leaders member members".split(), Attribute.PERSON
    ),
    **dict.fromkeys(["reason"], Attribute.REASON),
}
# Asked anywhere in the question, once the opening has not decided.
_ASKS: list[tuple[re.Pattern[str], Attribute]] = [
    (re.compile(r"\bwhat (?:was|is) the (?:length|duration)\b|\bhow long\b"), Attribute.DURATION),
    (re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b"), Attribute.AGE),
    (re.compile(r"\bhow many\b|\bnumber of\b"), Attribute.COUNT),
    (re.compile(r"\bhow much\b|\bwhat (?:percentage|percent|share|amount|sum)\b"), Attribute.AMOUNT),
    (
        re.compile(
            r"\b(?:job|title)\b|\b(?:what|which) (?:office|post|position|role) (?:does|did|is|was)\b"
            r"|'s (?:role|position|office|post)\b"
        ),
        Attribute.ROLE,
    ),
    (
        re.compile(
            r"\b(?:say|said|says|tell|told|write|wrote|posted|describe|described|characteri[sz]e|claim"
            r"|warn|warned|argue|argued|insist|insisted|announce|announced|react|respond)\b"
        ),
        Attribute.SAID,
    ),
    (
        re.compile(rf"^{LEAD}(?:did|does|do|is|are|was|were|will|would|can|could|has|have|had|should)\b"),
        Attribute.YES_NO,
    ),
]


def read(message: str) -> list[Reading]:
    """The questions in `message`, each read; a message of one question gives one Reading.

    A later question that leans on an earlier one ("…, and what was his answer?")
    gets the earlier one as context.
    """
    readings: list[Reading] = []
    for part in split_questions(message):
        previous = readings[-1].text if readings else ""
        readings.append(read_question(part, previous))
    return readings


def read_question(text: str, previous: str = "") -> Reading:
    """One question read: frame, attribute, focus, context. Pure."""
    # Checks are read before chat folding, which drops "so" and "really" as filler.
    statement = checked_statement(text)
    if statement is not None:
        focus, context = _strip_attribution(fold_chat(statement))
        frame, occasion = Frame.CHECK, ""
    else:
        focus, context, occasion = _split_context(role_topics(fold_chat(text)))
        frame = Frame.OPEN
    focus, described = asked_wording(focus) if frame is Frame.OPEN else (focus, None)
    if described is not None:
        context = " ".join(p for p in (described, context) if p)
    if _PRONOUN.search(focus):
        focus = _resolve_pronoun(focus, " ".join(p for p in (context, previous) if p))
    elif previous and re.search(r"\b(?:they|them|their|it|its|there|that)\b", focus, re.IGNORECASE):
        context = " ".join(p for p in (context, previous) if p)
    return Reading(
        text=text.strip(),
        focus=focus,
        context=context,
        frame=frame,
        attribute=Attribute.WORDING
        if described is not None
        else asked_attribute(focus)
        if frame is Frame.OPEN
        else Attribute.YES_NO,
        unknown_holders=unknown_holders(focus),
        head=_asked_head(focus) if frame is Frame.OPEN else "",
        qualifiers=qualifiers(focus),
        occasion=occasion,
    )


def checked_statement(question: str) -> str | None:
    """The statement a check asks about, in any of its frames, or None for other questions.

    "Is it correct that X", "I heard X, right?", "Did X really Y?", "X — is
    that correct?", "So X?" all check X.
    """
    text = " ".join(question.split())
    opening = CHECK_OPENING.match(text)
    tag = _CHECK_TAG.search(text)
    statement: str | None = None
    if opening:
        statement = text[opening.end() :]
        if tag and tag.start() > opening.end():
            statement = text[opening.end() : tag.start()]
    elif tag and tag.start() > 0 and not OPENS_QUESTION.match(text):
        statement = text[: tag.start()]
    else:
        really = _REALLY.match(text)
        so = _SO_STATEMENT.match(text)
        if really:
            aux = _AUX_TO_STATEMENT.get(really.group(1).lower(), really.group(1).lower())
            statement = " ".join(p for p in (really.group(2), aux, really.group(3)) if p)
        elif so:
            statement = so.group(1)
    if statement is None:
        return None
    statement = statement.strip().rstrip("?!. ").strip()
    return statement or None


def _split_context(question: str) -> tuple[str, str, str]:
    """(focus, context, occasion): the clause that asks, what only sets the scene, and
    the trailing "when …" clause among the latter."""
    return _trailing_occasion(*_split_clauses(question))


def _split_clauses(question: str) -> tuple[str, str]:
    focus, context = _strip_attribution(question)
    pieces = _CLAUSE.split(focus)
    if len(pieces) < 2:
        return focus, context
    asking = [i for i, piece in enumerate(pieces) if OPENS_QUESTION.match(piece) and not _RELATIVE.match(piece)]
    # ", which was critical of …, what did it say …": a "which"/"who" clause with a
    # question after it describes something; the question is the later clause.
    asking = [i for n, i in enumerate(asking) if not (_DESCRIBING.match(pieces[i]) and n + 1 < len(asking))]
    for i, piece in enumerate(pieces):
        if i in asking:
            if i == 0:
                return focus, context
            # The question runs from this clause to the end; the clauses before it set the scene.
            start = _clause_start(focus, piece, pieces[:i])
            before = focus[:start].strip(" ,;:-–—")
            return focus[start:].strip(), " ".join(p for p in (before, context) if p)
    return focus, context


# "… standing when she gave that speech?": a "when"/"while" clause after a question
# that asks something else names the occasion, not what is asked.
_OCCASION = re.compile(r"\s(?:when|while|whilst)\s(?=\S)", re.IGNORECASE)
# The asking clause must keep this many content words of its own to stand without the occasion:
# "What did Healey argue when asked about aid?" needs the occasion to be about anything.
_MIN_OWN_WORDS = 2
_SAYING = frozenset("say said says tell told warn warned argue argued claim claimed stress stressed".split())


def _trailing_occasion(focus: str, context: str) -> tuple[str, str, str]:
    """`focus` without a trailing "when …"/"while …" clause when it asks without it."""
    m = _OCCASION.search(focus)
    if m is None or asked_attribute(focus) is Attribute.WHEN:
        return focus, context, ""
    own = [w for w in words(focus[: m.start()]) if w not in STOPWORDS and w not in _SAYING]
    if len(own) < _MIN_OWN_WORDS:
        return focus, context, ""
    occasion = focus[m.start() :].strip(" ?!.")
    return focus[: m.start()].strip() + "?", " ".join(p for p in (occasion, context) if p), occasion


def _clause_start(text: str, piece: str, before: list[str]) -> int:
    """Where `piece` starts in `text`, after the clauses `before` it."""
    pos = 0
    for b in before:
        pos = text.index(b, pos) + len(b)
    return text.index(piece, pos)


def _strip_attribution(text: str) -> tuple[str, str]:
    # An attribution runs to the end with no "," or "?" inside (but the comma before it): it
    # starts at the last of them or after. Searching only there, each earlier "according to
    # the article" is not tried and failed again, scanning to the end (quadratic).
    core = text.rstrip("?.! ")
    m = _ATTRIBUTION.search(text, max(0, core.rfind(","), core.rfind("?")))
    if not m:
        return text.strip(), ""
    return (text[: m.start()] + text[m.end() :]).strip(), m.group(0).strip(" ,")


@cache
def _people() -> dict[str, str]:
    """Person token → the token itself; every person the entities file names."""
    return {e.token: e.token for e in shipped().of_kind("person")}


def _resolve_pronoun(focus: str, context: str) -> str:
    """`focus` with the person its "he"/"she" stands for, when it names nobody itself."""
    people = _people()
    if any(w in people for w in words(focus)) or not context:
        return focus
    named = next((w for w in words(context) if w in people), None)
    return f"{focus} {named}" if named else f"{focus} {context}"


_HEAD = re.compile(r"\b(?:what|which) (?:kind|kinds|type|types|sort|sorts) of ([a-z][a-z'-]+)", re.IGNORECASE)


def _asked_head(focus: str) -> str:
    m = _HEAD.search(focus)
    return m.group(1).lower() if m else ""


def asked_attribute(focus: str) -> Attribute:
    """What sort of answer an open question asks for."""
    low = " ".join(focus.lower().split())
    opening = _OPENING_WH.match(low)
    if opening:
        wh, following = opening.group("wh"), (opening.group("next") or "").removesuffix("s")
        if wh in _WH_ATTRIBUTE:
            return _WH_ATTRIBUTE[wh]
        found = _NOUN_ATTRIBUTE.get(following) or _NOUN_ATTRIBUTE.get(opening.group("next") or "")
        if found:
            return found
    for pattern, attribute in _ASKS:
        if pattern.search(low):
            return attribute
    return Attribute.OTHER


def unknown_holders(text: str) -> tuple[str, ...]:
    """Offices named with a country or body that nobody in the articles holds them for.

    "the Kremlin's foreign minister", "the British prime minister": the question is
    about a person the articles never name. Generic words ("a European
    leader") and countries with ministers whose office the articles leave
    unstated do not count.
    """
    return tuple(
        f"{m.place} {m.offices[0]}" for m in office_mentions(text) if not m.holders and not m.generic and not m.unstated
    )

"""Drafting a claim from an article sentence: its wording, the names in it, who said it. Pure.

The quote stays verbatim; only the draft a moderator reviews is worded better, and it
never states a fact the article does not:

- furniture goes: a picture credit ("(AP Photo/Evan Vucci)"), a bullet, a dateline,
  a leading connective ("However, "), but never a word of the statement ("So far," stays);
- "he"/"she" opening the sentence, or in its reporting clause ("…, he said"), becomes the
  person the article named as the subject just before (the previous sentence's subject,
  followed through a chain of "He …" sentences); "it" is never guessed;
- the speaker is read from the reporting clause: the subject before the verb ("Peskov
  said"), or the name after it only when the clause is inverted ("…, said Baerbock");
  "He said Europe …" is said by whoever "he" is, never by Europe; an institution
  that speaks through statements is a speaker ("…, the Kremlin said");
- entities are names: titles, sentence openers, contractions ("I'll"), credits
  ("AP Photo"), hyphen-joined adjectives ("Russian-held") and dangling hyphens
  ("Russia-") are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answering.text import fold
from knowledge.articles.reading import Article
from knowledge.articles.sentences import skip_furniture
from knowledge.models import Quote

MAX_TEXT_CHARS = 500

# Words that open a sentence but belong to the sentence before it. "So" and "And" are
# taken only before a comma-free clause start they cannot be part of ("So far" is a phrase).
_CONNECTIVES = re.compile(
    r"(?:However|Meanwhile|Moreover|Furthermore|Instead|Still|Yet|Also|Additionally|In addition|"
    r"At the same time|In turn|Nevertheless|Nonetheless),\s+|(?:And|But)\s+(?=[a-z])",
)
# Verbs that report speech: the one list drafts (the speaker), facts (where a named list
# ends) and stances (who reports a roster) read.
REPORTING_VERBS = frozenset(
    "said says stated states told announced confirmed revealed wrote posted added noted warned declared "
    "described argued insisted emphasised emphasized stressed suggested claimed explained acknowledged "
    "dismissed affirmed responded remarked tweeted asserted signalled signaled".split()
)
_REPORTING = re.compile(r"\b(?:" + "|".join(sorted(REPORTING_VERBS)) + r")\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
# At most this many characters between a speaker's name and the reporting verb.
_SPEAKER_GAP = 3
# At most this many characters of titles between an inverted reporting verb and the name.
_TITLES_GAP = 40
# Name particles ("Ursula von der Leyen", "Mohammed bin Salman") join the words around them.
_NAME = re.compile(
    r"\b[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|(?:de|von|van|al|der|den|bin|ibn|da|di|du|la|le|del)\b"
    r"(?=\s+(?:[A-Z]|(?:der|den|la|le)\s+[A-Z]))))*"
)
# Capitalised words that are not names: sentence openers, titles, months, weekdays.
_NOT_NAMES = frozenset(
    """
    The A An In On At By For From To Of And But Or If As It Its This That These Those He She They We I You His Her
    Their Our Both All Any Some One Another After Before During While When Where Why How What Who Which However
    Meanwhile Instead Still Yet Also Although Though Following Speaking Announcing Despite Such Earlier Later
    President Prime Minister Secretary Foreign Defence Defense Chancellor Spokesman Spokeswoman Senator Mr Mrs Ms
    Dr General Gen Former Vice State Special Envoy Advisor Adviser National Security Kremlin White House
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday US UK EU There Here Now Then Today Yesterday
    Tomorrow My Your Article Photo Two Three Four Five Six Seven Eight Nine Ten Several Many Most Under Over Until
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    """.split()
)
_TITLE_WORDS = frozenset(
    "President Prime Minister Secretary Foreign Defence Defense Chancellor Spokesman Spokeswoman Senator Mr Mrs Ms "
    "Dr General Gen Former Vice State Special Envoy Advisor Adviser National Security Kremlin US UK EU Russian "
    "Ukrainian American French German British Chairwoman Chairman Chair Director Commissioner".split()
)
# Picture credits, kept out of drafts and names: "(AP Photo/Evan Vucci)", "Photo: Reuters".
_CREDIT_WORDS = ("photo", "getty images", "via ap", "pool", "reuters/", "afp/")
_PRONOUNS = frozenset({"He", "She", "he", "she"})
# Words a sentence's subject may sit after: "in Brussels, signalled" is not said by Brussels.
# Words that may stand, in lower case, before a sentence's subject: "Kremlin spokesman Dmitry Peskov".
_LOWER_TITLES = frozenset(
    "the spokesman spokeswoman spokesperson minister secretary president envoy leader chief director adviser "
    "advisor general foreign defence defense prime state".split()
)
# Words naming an office or a role, right before a person's name.
_OFFICES = frozenset(
    "president minister secretary spokesman spokeswoman spokesperson chancellor senator mr mrs ms dr general "
    "envoy director adviser advisor leader chief ambassador commissioner chairwoman chairman premier king queen "
    "pope prince official diplomat rep sen gov lt col sgt candidate governor mayor representative".split()
)
_PREPOSITIONS = frozenset("in at from to with on of for near into by".split())
# Words standing for the people the article named together just before: "the two leaders",
# "both presidents" (not "the leaders of Europe", who are others).
_COLLECTIVE = re.compile(
    r"\b(?:the|both|the two|these two|the three|all three)\s+(?:leaders|presidents|heads of state|men)\b(?!\s+of\b)",
    re.IGNORECASE,
)
# An encounter a sentence opening "The call …" means: the one the sentence before named people in.
_EVENTS = frozenset("call conversation discussion discussions talks meeting exchange".split())
# Pronouns that stand for the person the article named just before, anywhere in a sentence.
_PERSONAL = frozenset({"he", "she", "his", "her", "him"})
# Words of a title between an inverted reporting verb and the name, in any case ("said EU
# foreign policy chief Kaja Kallas"; the EU reads as "europe" once folded).
_ROLE_WORDS = _OFFICES | _LOWER_TITLES | frozenset("policy affairs top senior security high europe european".split())
# Institutions that speak through statements ("…, the Kremlin said", "according to a Kremlin
# statement"): a speaker, though never a person's name.
_SPEAKING_BODIES = (
    "Kremlin",
    "White House",
    "Pentagon",
    "State Department",
    "Foreign Ministry",
    "Defence Ministry",
    "Defense Ministry",
    "Downing Street",
    "Elysee",
    "Élysée",
    "NATO",
    "European Commission",
    "United Nations",
)
# Words between "according to" and the speaker: "according to a Kremlin statement".
_DETERMINERS = ("a ", "an ", "the ")
_CLOSING_QUOTES = ('"', "”", "’")


@dataclass(frozen=True)
class Draft:
    """A drafted claim: its text, the names it holds, and who said it (None when unstated)."""

    text: str
    entities: list[str]
    said_by: str | None
    # The people the sentence means without naming them: "he" (the person the article
    # named just before), "the former president" opening it, "the two leaders" (the
    # people the article last named together).
    refers_to: tuple[str, ...] = ()


def without_credits(text: str) -> str:
    """`text` without picture credits in parentheses ("(AP Photo/Evan Vucci)"). Linear: each
    "(" is matched with the next ")" by a string search, never by a pattern."""
    out: list[str] = []
    at = 0
    while True:
        open_at = text.find("(", at)
        if open_at < 0:
            break
        close_at = text.find(")", open_at)
        if close_at < 0:
            break
        inside = text[open_at:close_at].lower()
        out.append(text[at:open_at] if any(w in inside for w in _CREDIT_WORDS) else text[at : close_at + 1])
        at = close_at + 1
    out.append(text[at:])
    return " ".join("".join(out).split())


def draft_text(sentence: str, subject: str | None = None) -> str:
    """A one-line claim text made from the sentence itself: furniture and a leading
    connective removed, an opening or reporting "he"/"she" replaced by `subject` when
    given, whitespace collapsed, a capital first letter. It adds no other word."""
    text = without_credits(sentence)
    text = text[skip_furniture(text, 0, len(text)) :]
    connective = _CONNECTIVES.match(text)
    if connective:
        text = text[connective.end() :]
    if subject:
        text = _with_subject(text, subject)
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    if len(text) > MAX_TEXT_CHARS:
        text = text[: MAX_TEXT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text


def _with_subject(text: str, subject: str) -> str:
    first, _, rest = text.partition(" ")
    if first in _PRONOUNS and rest:
        text = f"{subject} {rest}"
    # "…, he added, …" and "…,” she said." name the same subject.
    verb = _REPORTING.search(text)
    if verb:
        before = text[: verb.start()].rstrip()
        pronoun = before.rsplit(" ", 1)[-1]
        if pronoun in _PRONOUNS and before[: -len(pronoun)].rstrip().endswith((",", "”", '"')):
            text = f"{before[: -len(pronoun)]}{subject} {text[verb.start() :]}"
    return text


def names_in(text: str) -> list[str]:
    """Capitalised names the sentence contains (titles and sentence openers dropped), in order."""
    out: list[str] = []
    seen: set[str] = set()  # `out` keeps the order; membership is asked of a set (many names)
    folded = fold(without_credits(text))
    first = next((i for i, ch in enumerate(folded) if ch.isalpha()), 0)
    for m in _NAME.finditer(folded):
        opens = m.start() == first or folded[max(0, m.start() - 1) : m.start()] in ('"', "“", "‘")
        if opens and " " not in m.group(0):
            continue  # a lone capitalised first word (of the sentence or a quotation) is just its start
        for part in _parts(m.group(0).rstrip(".")):
            words = [w.rstrip("'") for w in part.split() if not _is_not_a_name_word(w)]
            while words and words[0] in _TITLE_WORDS | _NOT_NAMES:
                words.pop(0)
            while words and words[-1] in _NOT_NAMES | _TITLE_WORDS:
                words.pop()
            name = " ".join(words).removesuffix("'s").rstrip("'")
            if name and name not in _NOT_NAMES and len(name) > 1 and name not in seen:
                seen.add(name)
                out.append(name)
    return out


def _parts(found: str) -> list[str]:
    """The names in one run of capitalised words: "Germany's Annalena Baerbock" names two,
    the country and the person; "Russia-\nUkraine" (a compound cut at a line break) too."""
    parts: list[str] = []
    for piece in found.split("'s "):
        current: list[str] = []
        for word in piece.split():
            current.append(word.rstrip("-"))
            if word.endswith("-"):
                parts.append(" ".join(current))
                current = []
        parts.append(" ".join(current))
    return [p for p in parts if p]


def _is_not_a_name_word(word: str) -> bool:
    # "I'll", "I'm": contractions of "I"; "Russian-held", "Ramstein-format": adjectives.
    if word.startswith("I'"):
        return True
    head, _, tail = word.partition("-")
    return bool(head and tail and tail[0].islower())


def speaker_of(text: str, names: list[str], pronoun_means: str | None = None) -> str | None:
    """Who a reported statement is attributed to: "according to X"; the subject right before
    a reporting verb ("Peskov confirmed"); the name right after it when the clause is
    inverted ("…,” said Baerbock"); or, for "he/she said", `pronoun_means` (the person the
    article named just before). None when nobody is named."""
    folded = fold(text)
    bodies = [b for b in _SPEAKING_BODIES if b in folded]
    after = _ACCORDING.search(folded)
    if after:
        start = after.end()
        for determiner in _DETERMINERS:
            if folded.startswith(determiner, start):
                start += len(determiner)
                break
        # A person after their titles ("according to Kremlin spokesman Dmitry Peskov"),
        # else the body itself ("according to a Kremlin statement").
        follows = [n for n in names if _titled_at(folded, start, n)] or [
            b for b in bodies if folded.startswith(b, start)
        ]
        if follows:
            return follows[0]
    names = [*names, *bodies]
    verb = _REPORTING.search(folded)
    if verb is None:
        return None
    before_verb = folded[max(0, verb.start() - 12) : verb.start()].rstrip()
    if before_verb.rsplit(" ", 1)[-1] in _PRONOUNS:
        return pronoun_means
    # Only a name right next to the verb (its subject, or "said Baerbock") is the speaker:
    # each name is looked for in the few characters either side of it, never through the
    # whole sentence (a sentence naming thousands would cost thousands of scans).
    inverted = not before_verb or before_verb.endswith((",", *_CLOSING_QUOTES))
    # Right after a closing quote, the words before the verb are the quotation's, not a subject.
    quoted = before_verb.endswith(_CLOSING_QUOTES)
    subject: tuple[int, str] | None = None
    following: tuple[int, str] | None = None
    for name in names:
        at = folded.rfind(name, max(0, verb.start() - _SPEAKER_GAP - len(name)), verb.start())
        if at >= 0 and not quoted and not _after_preposition(folded, at):
            gap = verb.start() - (at + len(name))
            if subject is None or gap < subject[0]:
                subject = (gap, name)
        if inverted:
            # "…,” said Foreign Minister Annalena Baerbock": titles may stand between.
            at = folded.find(name, verb.end(), verb.end() + _TITLES_GAP + len(name))
            between = folded[verb.end() : at].split()
            titled = len(between) <= 4 and all(w in _TITLE_WORDS or w.lower() in _ROLE_WORDS for w in between)
            near = at >= 0 and (at - verb.end() <= _SPEAKER_GAP or titled)
            if near and (following is None or at - verb.end() < following[0]):
                following = (at - verb.end(), name)
    if subject:
        return subject[1]
    return following[1] if following else None


def _titled_at(folded: str, start: int, name: str) -> bool:
    """Whether `name` follows `start` with at most a few title words between."""
    at = folded.find(name, start, start + _TITLES_GAP + len(name))
    if at < 0:
        return False
    between = folded[start:at].split()
    return len(between) <= 4 and all(w in _TITLE_WORDS or w.lower() in _ROLE_WORDS for w in between)


def _after_preposition(folded: str, at: int) -> bool:
    word = folded[max(0, at - 8) : at].rstrip().rsplit(" ", 1)[-1]
    return word in _PREPOSITIONS


def subject_of(text: str, names: list[str]) -> str | None:
    """The name a sentence opens with as its subject ("US Defence Secretary Pete Hegseth, …"):
    the first name, when only titles and capitalised words come before it."""
    if not names:
        return None
    folded = fold(text)
    at = folded.find(names[0])
    if at < 0:
        return None
    lead = folded[:at].split()
    return names[0] if all(w[:1].isupper() or w in _LOWER_TITLES for w in lead) else None


class _People:
    """Which names in an article are people: a name right after an office ("President
    Donald Trump", "spokesman Dmitry Peskov") or a surname seen so ("Trump")."""

    def __init__(self) -> None:
        self.surnames: set[str] = set()

    def read(self, folded: str, names: list[str]) -> list[str]:
        """The people among `names` (in order), learning surnames from titled names."""
        found = []
        for name in names:
            at = folded.find(name)
            # An office among the three words before it: "Secretary of State Marco Rubio".
            before = folded[max(0, at - 30) : at].lower().split()[-3:] if at > 0 else []
            if any(w in _OFFICES for w in before) or (" " not in name and name in self.surnames):
                found.append(name)
                if " " in name:
                    self.surnames.add(name.rsplit(" ", 1)[-1])
        return found


def draft_quotes(article: Article, quotes: list[Quote]) -> dict[tuple[int, int], Draft]:
    """A draft for each of `quotes` (body sentences of `article`, in article order), keyed by
    (start, end). "He"/"she" are resolved against the article's sentence just before: its
    subject or speaker when that is a person, or the one person it names."""
    starts = sorted((q.start, q) for q in quotes)
    people = _People()
    current: str | None = None  # the person the last sentence was about, if it named one
    group: tuple[str, ...] = ()  # the people the last sentence naming two or more named
    before: tuple[str, ...] = ()  # the people the sentence just before named
    drafts: dict[tuple[int, int], Draft] = {}
    at = 0
    for span in article.sentences:
        if span.kind != "body":
            continue
        text = article.text[span.start : span.end]
        folded = fold(text)
        names = names_in(text)
        lead = _lead_word(folded)
        if lead in people.surnames and lead not in names:
            names = [lead, *names]  # "Zelensky affirmed …": a known surname opening the sentence
        opens_with_pronoun = text.split(" ", 1)[0] in _PRONOUNS
        # "He …", "Instead, he …": the sentence is about the person "he" means.
        about_pronoun = opens_with_pronoun or _lead_word(_without_connective(text)) in _PRONOUNS
        named = people.read(folded, names)
        # A "he" later in the sentence means the last person only when the sentence names
        # no person itself ("After Rubio arrived, he said" may well mean Rubio).
        # Any name that may be a person's (many words, or a known surname) counts here.
        maybe_person = any(" " in n or n in people.surnames for n in names)
        means = current if opens_with_pronoun or not maybe_person else None
        refers_to = _references(folded, means, current, group, before)
        while at < len(starts) and starts[at][0] < span.end:
            quote = starts[at][1]
            if quote.start >= span.start:
                found = [n for n in names if n in quote.quote] if quote.quote != text else names
                drafts[(quote.start, quote.end)] = Draft(
                    draft_text(quote.quote, means), found, speaker_of(quote.quote, found, means), refers_to
                )
            at += 1
        if len(named) >= 2:
            group = tuple(dict.fromkeys(named))
        before = tuple(dict.fromkeys(named))
        # The next sentence's "he" is this sentence's person: its subject or speaker, the one
        # person it names, or the same person again when it too opened with "he".
        if about_pronoun and means:
            current = means
            continue
        subject = subject_of(text, names)
        speaker = speaker_of(text, names, means)
        person = next((p for p in (subject, speaker) if p and p in named), None)
        if person is None and len(named) == 1:
            person = named[0]
        current = person
    return drafts


def _references(
    folded: str, means: str | None, current: str | None, group: tuple[str, ...], before: tuple[str, ...]
) -> tuple[str, ...]:
    """The people a sentence means without naming them (see `Draft.refers_to`)."""
    found: list[str] = []
    words = [w.strip(",.;:\"'“”‘’()") for w in folded.split()]
    if means and not _PERSONAL.isdisjoint(w.lower() for w in words):
        found.append(means)
    if current and _opens_with_description(words):
        found.append(current)
    if group and _COLLECTIVE.search(folded):
        found.extend(group)
    if len(before) >= 2 and len(words) > 1 and words[0] == "The" and words[1].lower() in _EVENTS:
        # "The call, which …" opening a sentence is the one the sentence before described.
        found.extend(before)
    return tuple(dict.fromkeys(found))


def _opens_with_description(words: list[str]) -> bool:
    """Whether a sentence opens with a person's office in place of the name: "The former
    president said …", "The Kremlin spokesman added …" (the article named them just before)."""
    if len(words) < 3 or words[0] != "The":
        return False
    # The office is the second, third or fourth word ("The U.S. president"), and a word in
    # lower case, not a name, follows it ("The President Donald Trump …" names him).
    for i in (1, 2, 3):
        if i + 1 < len(words) and words[i].lower() in _OFFICES:
            return words[i + 1][:1].islower() and words[i + 1].lower() not in _OFFICES
    return False


def _without_connective(text: str) -> str:
    found = _CONNECTIVES.match(text)
    return text[found.end() :] if found else text


def _lead_word(folded: str) -> str:
    first = folded.split(" ", 1)[0].strip(",.;:")
    return first.removesuffix("'s").removesuffix("’s")

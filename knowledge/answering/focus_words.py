"""What a question's focus may leave out of the claim it asks for. Pure.

Read by `reader.py`: a question asking for a word or phrase ("what insulting term did he
use for …") describes the answer rather than naming words the claim uses; an office
described by its field ("advisers on military matters") reads as the office; and whose
office a description names, or the names in a trailing condition, need not appear in the
claim (`qualifiers`).
"""

from __future__ import annotations

import re
from functools import cache

from knowledge.answering.questions import LEAD
from knowledge.answering.text import words
from knowledge.entities import plural, shipped

# "What rude term did he attach to …", "which word did she use for …": asked for a
# word or phrase. What describes it ("insulting") and the verb of naming ("applied") are the
# answer's description, not words the claim must use: they go to the context.
_WORDING = re.compile(
    rf"^({LEAD}(?:what|which) )((?:[a-z'-]+ ){{0,2}}?(?:words?|terms?|labels?|nicknames?|epithets?|insults?"
    r"|phrases?|expressions?|slogans?|descriptions?) )",
    re.IGNORECASE,
)
_NAMING = re.compile(
    r"\b(?:appl(?:y|ies|ied|ying)|us(?:e|es|ed|ing)|call(?:s|ed|ing)?|g[ai]ve|give[ns]?|giving|pin(?:s|ned)?"
    r"|attach(?:es|ed)?|coin(?:s|ed)?|cho(?:se|ose|oses|sen)|pick(?:s|ed)?|employ(?:s|ed)?|reserv(?:e|es|ed)"
    r"|hurl(?:s|ed)?|level(?:s|ed|led)?)\b",
    re.IGNORECASE,
)


def asked_wording(focus: str) -> tuple[str, str | None]:
    """(focus, the answer's description) for a question asking for a word or phrase, else (focus, None)."""
    m = _WORDING.match(focus)
    if m is None:
        return focus, None
    rest = focus[m.end() :]
    verbs = _NAMING.findall(rest)
    rest = " ".join(_NAMING.sub(" ", rest).split())
    return m.group(1) + rest, " ".join([m.group(2).strip(), *verbs])


# "advisers on security issues", "minister for foreign affairs": an office described by its
# field reads as the office named by it ("military advisers"), as the entities file writes it.
_ROLE_TOPIC = re.compile(
    r"\b(advis[eo]rs?|ministers?|secretary|secretaries|envoys?|officials?|experts?|chiefs?|aides?)"
    r" (?:on|for) (?:the )?([a-z]+(?: [a-z]+)?) (?:matters|affairs|issues|questions|policy)\b",
    re.IGNORECASE,
)


# "keeps pursuing", "went on fighting": a verb that only says an action goes on names no topic.
_ASPECT = re.compile(
    r"\b(?:keeps?|kept|keeping|continues?|continued|goes on|went on|carr(?:y|ies|ied) on)\s+(?=[a-z]+ing\b)"
)


def role_topics(text: str) -> str:
    text = _ASPECT.sub("", text)
    return _ROLE_TOPIC.sub(lambda m: f"{m.group(2)} {m.group(1)}", text)


def _titles() -> list[str]:
    """Every office name the entities file knows, singular and plural, longest first."""
    names = {n.lower() for o in shipped().offices for n in o.names}
    return sorted(names | {plural(n) for n in names}, key=len, reverse=True)


@cache
def _possessed_role() -> re.Pattern[str]:
    # "Putin's press secretary", "the president's military advisers": the one whose office
    # it is, then up to two words, then the office.
    titles = "|".join(re.escape(t) for t in _titles())
    return re.compile(rf"\b([a-z][\w-]*)'s ((?:[a-z]+ ){{0,2}}?)(?:{titles})\b")


# "… follows if Kyiv refuses …": a condition the claim may put in its own words.
_CONDITION = re.compile(r"\s(?:if|unless)\s(.+)$", re.IGNORECASE)


def qualifiers(focus: str) -> tuple[str, ...]:
    """Words of `focus` a claim need not name: whose office a description names, and
    the names in a trailing condition. Pure."""
    low = " ".join(focus.lower().replace("\u2019", "'").split())
    found = [m.group(1) for m in _possessed_role().finditer(low)]
    condition = _CONDITION.search(low)
    if condition:
        found += words(condition.group(1))
    return tuple(dict.fromkeys(found))

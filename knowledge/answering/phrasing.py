"""Grouping questions that say the same thing: the key near-identical phrasings share. Pure.

Two questions share a key when they ask with the same question word and the
same content words once case, punctuation, chat spellings, stopwords and word
endings are folded away: "How long was the call??", "how long was the call" and
"How long was that call?" group; "When was the call?" does not join them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.answering.text import fold, terms

_ASKS = re.compile(
    r"\b(how long|how many|how much|how old|who|whom|whose|what|when|where|why|which|how|is it true"
    r"|did|does|was|were)\b"
)


def question_word(text: str) -> str:
    """The first question word ("how long", "who", …), or "" when there is none."""
    m = _ASKS.search(fold(text).lower())
    return m.group(1) if m else ""


def phrasing_key(text: str) -> str:
    """The grouping key: question word, then the sorted distinct content stems."""
    return question_word(text) + "|" + " ".join(sorted(set(terms(text))))


def key_terms(key: str) -> set[str]:
    return set(key.partition("|")[2].split())


def is_close_variant(key: str, taught: str, is_known: Callable[[str], bool]) -> bool:
    """Whether a question with `key` is a close variant of a taught phrasing's key.

    Same question word, and the content words differ by at most one word in a
    phrasing of three or more, where that word is one the claims already use
    and is not a number: "how long was the phone call" is a variant of "how
    long was the call", but "how long was the Biden call" (a name the articles
    never use) or "how long was the 2019 call" is not.
    """
    if key == taught:
        return True
    ask, _, _ = key.partition("|")
    if ask != taught.partition("|")[0]:
        return False
    mine, theirs = key_terms(key), key_terms(taught)
    differ = mine ^ theirs
    if len(differ) != 1 or len(mine | theirs) < 3:
        return False
    (word,) = differ
    return not word[:1].isdigit() and is_known(word)

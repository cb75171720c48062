"""Splitting one chat message into the questions it asks. Pure.

People put two questions in one message ("who is on the team? and when do
they meet"). Each is matched on its own; a message with one question comes
back as it is.
"""

from __future__ import annotations

import re

from knowledge.answering.chat_words import is_only_chatter

# A question ends at "?" (however many). Sentences ending in "." or "!" are only
# split off when what follows starts a question, so "Hi. Who is Witkoff?" keeps
# one question and "Mr. Rubio" is never cut.
_END = re.compile(
    r"(?<=\?)(?!\?)\s*|(?<=[.!])\s+(?=(?:and\s+|also\s+)?(?:who|what|when|where|why|how|which|is|are|was|were"
    r"|did|does|do|will|would|can|could|has|have)\b)",
    re.IGNORECASE,
)
# "… and also who …": a second question joined with "and" after a question mark is
# split by the mark; these open the second half and are dropped.
_JOINER = re.compile(r"^(?:and|also|plus|oh and|and also|or)\b[\s,]*", re.IGNORECASE)
# Word characters: a piece with fewer than this many letters is not a question.
_MIN_LETTERS = 3


def split_questions(text: str) -> list[str]:
    """The questions in `text`, in order, each without its joining "and"/"also".

    A piece that is only chatter ("hi.", "lol", "thanks!") is dropped; a
    message that holds one question comes back whole. Repeated "??" become one.
    """
    pieces = []
    for part in _END.split(text):
        part = _JOINER.sub("", re.sub(r"\?{2,}", "?", part.strip())).strip(" ,;")
        if sum(ch.isalpha() for ch in part) >= _MIN_LETTERS and not is_only_chatter(part):
            pieces.append(part)
    return pieces or ([text.strip()] if text.strip() else [])

"""Splitting one chat message into the questions it asks. Pure.

People put two questions in one message ("who is on the team? and when do
they meet", "When is the conference, and who spoke for Germany?"). Each is
matched on its own; a message with one question comes back as it is. A
message is cut at question marks, at sentences that start a question, and at
", and …", "; also …", "plus …", "as well as …" where both sides are
questions: "What did Rutte and von der Leyen say?" stays one.
"""

from __future__ import annotations

import re

from knowledge.answering.chat_words import fold_chat, is_only_chatter

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
_OPENING_JOINER = re.compile(r"^(?:and|also|plus|oh and|and also|or)\b[\s,]*", re.IGNORECASE)
# Word characters: a piece with fewer than this many letters is not a question.
_MIN_LETTERS = 3

QWORD = (
    r"(?:who|whom|whose|what|what's|whats|when|where|why|how|which|did|does|do|is|are|was|were|will|would"
    r"|can|could|has|have|had|should|shall)"
)
WH = r"(?:who|whom|whose|what|what's|whats|when|where|why|how|which)"
# Lead-ins that may come before a question word without making it a statement.
LEAD = (
    r"(?:(?:so|and|but|then|now|ok|okay|well|also|anyway|and so|so then|tell me|i wonder|i keep wondering"
    r"|i'm wondering|i am wondering|wondering|i'd like to know|i want to know|do you know|can you tell me"
    r"|any idea|exactly|just)[\s,]+)*"
)
# A question may open with a preposition: "In what year …", "At what time …".
OPENS_QUESTION = re.compile(
    rf"^{LEAD}(?:(?:in|on|at|from|to|for|with|by|since|during|under|after|before|of|about)\s+(?:what|which|whom|whose)\b"
    rf"|{QWORD}\b)",
    re.IGNORECASE,
)
# Where a message joins two questions: ", and what …", "; also, who …", "plus where …".
# Read on text whose white space is single spaces.
_JOINER = re.compile(
    rf"(?:, ?and(?: also)?,?|; ?(?:and )?(?:also,?)?|, ?(?:also|plus),?|,? plus,?|,? as well as| and also,?"
    rf"| and(?= {WH}\b)) (?={QWORD}\b)",
    re.IGNORECASE,
)

CHECK_OPENING = re.compile(
    r"^\s*(?:so\s+)?(?:is it (?:really )?(?:true|correct|right|a fact|accurate|so)|is this (?:true|correct|right)"
    r"|true or false|fact[- ]?check|(?:can|could) you (?:confirm|check|verify)|please confirm|confirm"
    r"|am i right|did i hear (?:right|correctly)|i (?:heard|read|saw|was told)|someone (?:said|told me)"
    r"|(?:people|they) (?:say|are saying|said)|apparently|rumou?r (?:has it|is)|word is)\b"
    r"\s*(?:that\b|:|,|-)?\s*",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """The questions in `text`, in order, each without its joining "and"/"also".

    A piece that is only chatter ("hi.", "lol", "thanks!") is dropped; a
    message that holds one question comes back whole. Repeated "??" become one.
    """
    pieces = []
    for part in _END.split(text):
        part = _OPENING_JOINER.sub("", re.sub(r"\?{2,}", "?", part.strip())).strip(" ,;")
        if sum(ch.isalpha() for ch in part) >= _MIN_LETTERS and not is_only_chatter(part):
            pieces.extend(_split_compound(part))
    return pieces or ([text.strip()] if text.strip() else [])


def _split_compound(piece: str) -> list[str]:
    """`piece` cut wherever a joiner stands between two questions."""
    out: list[str] = []
    rest = " ".join(piece.split())
    while True:
        cut = next(
            (m for m in _JOINER.finditer(rest) if is_question(rest[: m.start()]) and is_question(rest[m.end() :])),
            None,
        )
        if cut is None:
            break
        out.append(rest[: cut.start()].strip(" ,;"))
        rest = rest[cut.end() :]
    out.append(rest.strip(" ,;"))
    return [p for p in out if p]


def is_question(text: str) -> bool:
    """Whether `text` asks: it opens with a question word or a check ("is it correct that …")."""
    text = fold_chat(text).strip()
    return len(text.split()) >= 3 and bool(OPENS_QUESTION.match(text) or CHECK_OPENING.match(text))

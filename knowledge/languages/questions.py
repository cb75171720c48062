"""Splitting a message in Ukrainian, Russian, Polish, German or French into its questions. Pure.

As in English (knowledge.answering.questions), people ask two things at once: "Коли
відбулася розмова? Скільки вона тривала?", "Wann fand das Gespräch statt und wie lange
dauerte es?". A message is cut after each question mark, and at the language's "and"
(і, та, и, oraz, und, et…) when a question word follows it and the words before it ask
a question too; each side keeps at least MIN_WORDS words, so "Хто і коли …" ("who and
when …") stays one question. The question words are the glossary's, read through the
lemmatizer as the reading of the question does.
"""

from __future__ import annotations

import re

from knowledge.languages.gloss import question_openings

# Each language's words for "and" that may join two questions.
_AND: dict[str, frozenset[str]] = {
    "uk": frozenset({"і", "й", "та", "а"}),
    "ru": frozenset({"и", "а"}),
    "pl": frozenset({"i", "oraz", "a"}),
    "de": frozenset({"und"}),
    "fr": frozenset({"et"}),
}
# After a question mark (or several) and the space that follows.
_AFTER_MARK = re.compile(r"(?<=\?)(?!\?)\s+")
# A word, with inner apostrophes and hyphens, or a number: as gloss reads tokens.
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Each side of a cut at "and" has at least this many words.
MIN_WORDS = 2
# Letters a piece needs to count as a question.
_MIN_LETTERS = 3


def split_foreign(text: str, code: str) -> list[str]:
    """The questions in `text` (in language `code`), in order; the text whole when it asks one."""
    pieces: list[str] = []
    for part in _AFTER_MARK.split(text.strip()):
        if sum(ch.isalpha() for ch in part) >= _MIN_LETTERS:
            pieces.extend(_split_at_and(part.strip(), code))
    return pieces or ([text.strip()] if text.strip() else [])


def _split_at_and(piece: str, code: str) -> list[str]:
    joiners = _AND.get(code, frozenset())
    words = list(_WORD.finditer(piece))
    opens = question_openings([w.group(0) for w in words], code)
    out: list[str] = []
    start = 0  # the first word of the current question
    for i, word in enumerate(words):
        if (
            word.group(0).lower() in joiners
            and i + 1 < len(words)
            and opens[i + 1]
            and any(opens[start:i])
            and i - start >= MIN_WORDS
            and len(words) - (i + 1) >= MIN_WORDS
        ):
            out.append(piece[words[start].start() : word.start()].strip(" ,;"))
            start = i + 1
    out.append(piece[words[start].start() :].strip(" ,;") if words else piece)
    return [p for p in out if p]

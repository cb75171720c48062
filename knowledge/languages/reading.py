"""Which language a question is in, and what it asks in the English matcher's words."""

from __future__ import annotations

from knowledge.language import READ_LANGUAGES, detect, detect_cheaply


def plainly_english(question: str) -> bool:
    """Whether the question is English by its script and function words alone (no model,
    no lemmatizer): such a question needs no reading and no worker thread."""
    return detect_cheaply(question) == "en"


def read_questions(message: str) -> tuple[str, list[tuple[str, str]] | None]:
    """(ISO 639-1 code, each question of the message with its English words), told by the
    whole message's language; (code, None) for a language the bot does not read ("" when
    the text has no letters to tell by, which reads as English).

    An English message comes back whole and unchanged, told without loading a model or a
    lemmatizer; it is split by knowledge.answering.questions. Otherwise the first message
    in a language loads lingua's models and the lemmatizer or lemma table (up to a second
    under load): callers on an event loop run this in a worker thread.
    """
    code = detect(message) or "en"
    if code == "en":
        return code, [(message, message)]
    if code not in READ_LANGUAGES:
        return code, None
    from knowledge.languages.gloss import to_english
    from knowledge.languages.questions import split_foreign

    return code, [(piece, to_english(piece, code)) for piece in split_foreign(message, code)]

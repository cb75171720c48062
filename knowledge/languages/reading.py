"""Which language a question is in, and what it asks in the English matcher's words."""

from __future__ import annotations

from knowledge.language import READ_LANGUAGES, detect, detect_cheaply


def plainly_english(question: str) -> bool:
    """Whether the question is English by its script and function words alone (no model,
    no lemmatizer): such a question needs no reading and no worker thread."""
    return detect_cheaply(question) == "en"


def read_language(question: str) -> tuple[str, str | None]:
    """(ISO 639-1 code, the question in English words), or (code, None) for a language
    the bot does not read ("" when the text has no letters to tell by, which reads as English).

    An English question comes back unchanged, told without loading a model or a lemmatizer.
    Otherwise the first question in a language loads lingua's models and the lemmatizer or
    lemma table (up to a second under load): callers on an event loop run this in a worker
    thread.
    """
    code = detect(question) or "en"
    if code == "en":
        return code, question
    if code not in READ_LANGUAGES:
        return code, None
    from knowledge.languages.gloss import to_english  # here: an English-only process never imports it

    return code, to_english(question, code)

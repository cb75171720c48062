"""Refusing an article that is not in English, before anything is stored. Pure.

The language is read by `knowledge.language.detect` (lingua) from the article's body
sentences (headings and boilerplate left out: a German article under an English site's
menu is German), the first LANGUAGE_SAMPLE_CHARS characters of them, which keeps the
work per request bounded whatever the article's length.
"""

from __future__ import annotations

from knowledge import messages
from knowledge.articles.reading import Article
from knowledge.errors import BadInput
from knowledge.language import detect

LANGUAGE_SAMPLE_CHARS = 4_000
# Names for the refusal line; a language not listed is named by its ISO code.
_LANGUAGE_NAMES = {
    "uk": "Ukrainian",
    "ru": "Russian",
    "pl": "Polish",
    "de": "German",
    "fr": "French",
    "bg": "Bulgarian",
    "be": "Belarusian",
    "cs": "Czech",
    "sk": "Slovak",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "tr": "Turkish",
    "ro": "Romanian",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
}


def body_sample(article: Article) -> str:
    """The article's body sentences, joined, up to LANGUAGE_SAMPLE_CHARS characters."""
    parts: list[str] = []
    size = 0
    for span in article.sentences:
        if span.kind == "body":
            parts.append(article.text[span.start : min(span.end, span.start + LANGUAGE_SAMPLE_CHARS - size)])
            size += len(parts[-1]) + 1
            if size >= LANGUAGE_SAMPLE_CHARS:
                break
    return " ".join(parts) or article.text[:LANGUAGE_SAMPLE_CHARS]


def refuse_unless_english(article: Article) -> None:
    """Raises BadInput (one line naming the language) when the article is in another
    language than English. A text the detector cannot place is let through."""
    language = detect(body_sample(article))
    if language is not None and language != "en":
        raise BadInput(messages.article_not_english(_LANGUAGE_NAMES.get(language, language)))

"""Which language a text is in: one detector for questions and for ingested articles.

lingua ships its own n-gram models (no network, no download at run time) and is built for
short and mixed text, which is what chat questions are. The detector only weighs the
languages listed here: weighing all 75 makes a five-word English question look like Tagalog.
"""

from __future__ import annotations

from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# The languages the bot reads questions in, English first.
READ_LANGUAGES: tuple[str, ...] = ("en", "uk", "ru", "pl", "de", "fr")

# Languages people plausibly write in besides those, so that "not one I read" can be told
# apart from "one I read, badly spelt".
_OTHER_LANGUAGES: tuple[str, ...] = ("bg", "be", "cs", "sk", "es", "it", "pt", "nl", "tr", "ro", "ar", "zh", "ja")


@cache
def _detector() -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in READ_LANGUAGES]
    languages += [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in _OTHER_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the detector cannot tell."""
    language = _detector().detect_language_of(text)
    if language is None:
        return None
    return str(language.iso_code_639_1.name).lower()

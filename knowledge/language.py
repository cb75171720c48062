"""Which language a text is in: one detector for questions and for ingested articles.

Two steps, cheapest first. The script and a few function words settle most questions
without a model: Cyrillic is Ukrainian or Russian (their own letters tell them apart), a
Latin-script question with English function words and no foreign ones is English, and so
is a question of names only ("Putin?", "Hegseth NATO"), so English questions never load
a model. Only the rest goes to lingua, which ships its own n-gram models (no network, no
download at run time) and is built for short and mixed text; it weighs only the languages
listed here, since weighing all 75 makes a five-word English question look like Tagalog.
Where lingua and clear function words disagree on a short question ("Qui est Waltz ?"
reads as Polish to lingua), the function words win.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# The languages the bot reads questions in, English first.
READ_LANGUAGES: tuple[str, ...] = ("en", "uk", "ru", "pl", "de", "fr")
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "uk": "Ukrainian",
    "ru": "Russian",
    "pl": "Polish",
    "de": "German",
    "fr": "French",
}

# Languages in Latin letters people plausibly write in besides those, so that "not one I
# read" can be told apart from "one I read, badly spelt". Other scripts are told by the script.
_OTHER_LANGUAGES: tuple[str, ...] = ("cs", "sk", "es", "it", "pt", "nl", "tr", "ro")
_LATIN_READ: tuple[str, ...] = ("en", "pl", "de", "fr")
# Up to this many words, clear function words outweigh lingua's guess.
SHORT_WORDS = 12

# Scripts no read language is written in: the script alone says "not one I read".
_SCRIPTS = {
    "ARABIC": "ar",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "GREEK": "el",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "THAI": "th",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
}
_UKRAINIAN_LETTERS = frozenset("іїєґ")
# Words only one of the two writes, for Cyrillic questions without a letter of their own.
_CYRILLIC_CUES: dict[str, frozenset[str]] = {
    "uk": frozenset("що чи як хто де коли чому скільки або це цей був була було сказав".split()),
    "ru": frozenset("что ли и как кто где когда почему сколько это этот был была было сказал об".split()),
}
# Not ъ: Bulgarian writes it in almost every sentence, Russian rarely.
_RUSSIAN_LETTERS = frozenset("ыэё")

# Function words that mark a language in a question; only words that are not also common
# in the others (German "was", French "on" and Polish "to" are English words too).
_CUES: dict[str, frozenset[str]] = {
    "en": frozenset(
        "what who whom whose when where which why how did does do is are was were has have had the of about "
        "with will would could should can say said says many much long they their his her its and from into "
        "than been any there this that these those whether".split()
    ),
    "de": frozenset(
        "wer wen wem wessen wann wo wie warum wieso weshalb welche welcher welches welchen ist sind hat "
        "haben hatte wurde wurden wird werden der das dem des ein eine einen einem einer und über "
        "mit nicht auch noch schon für von zu zum zur bei nach gegen sich sagte gesagt dass".split()
    ),
    "fr": frozenset(
        "qui que quoi quand où pourquoi combien quel quelle quels quelles est sont était été a-t-il "
        "a-t-elle ont le la les des du une et sur avec dans contre pas ne il elle ils qu'a "
        "qu'est-ce lequel laquelle au aux se déclaré dit".split()
    ),
    "pl": frozenset(
        "kto kogo komu kiedy gdzie jak jaki jaka jakie dlaczego czemu ile czy co jest są był była było byli "
        "się nie od przez przeciw dla oraz który która które powiedział powiedziała mówił także".split()
    ),
}
# Each cue word with the languages it marks, for one lookup per word.
_CUE_CODES: dict[str, tuple[str, ...]] = {}
for _code, _words in _CUES.items():
    for _w in _words:
        _CUE_CODES[_w] = (*_CUE_CODES.get(_w, ()), _code)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@cache
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    # Imported here: English questions are told without it, and a process starts faster.
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    # Low accuracy mode reads trigrams only: its models load in under a second and ~30 MB, where
    # the full ones took 14 s and 350 MB here; short questions are the function words' job.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _script_counts(text: str) -> Counter[str]:
    """Letters per script: "LATIN", "CYRILLIC", or another script's code."""
    counts: Counter[str] = Counter()
    if text.isascii():  # most questions: no per-letter lookup
        letters = sum(ch.isalpha() for ch in text)
        if letters:
            counts["LATIN"] = letters
        return counts
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        script = name.split(" ", 1)[0]
        if script in ("LATIN", "CYRILLIC"):
            counts[script] += 1
        else:
            counts[_SCRIPTS.get(script, "other")] += 1
    return counts


@cache
def _names_with_cues() -> tuple[str, ...]:
    """The entities' names that hold a foreign cue word ("von der Leyen"): not evidence of German."""
    from knowledge.entities import shipped  # the matcher loads it anyway; here only when needed

    foreign = {w for code, cues in _CUES.items() if code != "en" for w in cues}
    names = {n.lower() for e in shipped().entities for n in e.names}
    return tuple(sorted(n for n in names if foreign & set(_WORD.findall(n))))


def _cue_votes(text: str) -> Counter[str]:
    votes: Counter[str] = Counter()
    low = text.lower()
    for name in _names_with_cues():
        if name in low:
            low = low.replace(name, " ")
    for w in _WORD.findall(low):
        for code in _CUE_CODES.get(w, ()):
            votes[code] += 1
    return votes


def detect_cheaply(text: str) -> str | None:
    """Says "en" when the script and function words alone show the text is English, else None.

    English: no foreign function word, and either plain ASCII, two English function words,
    or names only ("Braže?"); or English function words outnumbering foreign ones. Runs on
    every question, so it stays in the tens of microseconds: ASCII text skips the
    per-letter script lookup.
    """
    # ASCII letters only (punctuation such as ’ — £ does not count): no Polish, German or French letter.
    ascii_only = text.isascii() or all(ch.isascii() for ch in text if ch.isalpha())
    if text.isascii():
        if not _ASCII_LETTER.search(text):
            return None
    else:
        counts = _script_counts(text)
        if not counts or counts.most_common(1)[0][0] != "LATIN":
            return None
    votes = _cue_votes(text)
    foreign = max((n for code, n in votes.items() if code != "en"), default=0)
    if foreign:
        return "en" if votes["en"] >= 2 and votes["en"] > foreign else None
    # Letters of Polish, German or French with at most one English word ("was") to go by: ask lingua.
    if ascii_only or votes["en"] >= 2 or all(w[0].isupper() for w in _WORD.findall(text)):
        return "en"
    return None


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when there are no letters to tell by.

    English questions are told by their script and function words alone, without a model.
    """
    if detect_cheaply(text) == "en":
        return "en"
    counts = _script_counts(text)
    if not counts:
        return None
    script, _ = counts.most_common(1)[0]
    if script == "CYRILLIC":
        letters = {ch for ch in text.lower() if ch in _UKRAINIAN_LETTERS or ch in _RUSSIAN_LETTERS}
        if letters and letters <= _UKRAINIAN_LETTERS:
            return "uk"
        if letters and letters <= _RUSSIAN_LETTERS and len(_WORD.findall(text)) <= SHORT_WORDS:
            return "ru"
        if not letters and len(_WORD.findall(text)) <= SHORT_WORDS:
            words = _WORD.findall(text.lower())
            uk, ru = (sum(w in _CYRILLIC_CUES[code] for w in words) for code in ("uk", "ru"))
            if uk != ru:
                return "uk" if uk > ru else "ru"
        return _lingua(text, ("uk", "ru", "bg", "be"))
    if script != "LATIN":
        return script if script != "other" else None
    # Not plainly English (detect_cheaply): a foreign function word, or foreign letters.
    votes = _cue_votes(text)
    foreign = {code: n for code, n in votes.items() if code != "en"}
    guess = _lingua(text, _LATIN_READ + _OTHER_LANGUAGES)
    # Function words settle only short texts, where lingua's trigrams have too little to go on
    # ("Qui est Waltz ?"); on longer ones lingua is right where shared words mislead ("que", "se").
    if foreign and len(_WORD.findall(text)) <= SHORT_WORDS:
        best, n = max(foreign.items(), key=lambda kv: kv[1])
        clear = n >= 2 and all(m < n for code, m in votes.items() if code != best)
        if clear and guess != best:
            return best
    return guess


def _lingua(text: str, codes: tuple[str, ...]) -> str | None:
    language = _detector(codes).detect_language_of(text)
    if language is None:
        return None
    return str(language.iso_code_639_1.name).lower()


def reads(code: str | None) -> bool:
    """Whether questions in this language are read (None, no letters at all, counts as English)."""
    return code is None or code in READ_LANGUAGES

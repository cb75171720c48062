"""The reply's own sentences in the asker's language, from gettext catalogues read by Babel.

bot/locale/<code>/LC_MESSAGES/talksbot.po holds, per language the bot reads, the
sentences a reply frames its answer with ("That is not in my sources.", "Sources
disagree", the verdict's "Yes — the sources say …", button labels); the msgid is the
English sentence in bot/messages.py. Quotes and claims are never translated: a reply in
another language says that its quotes are the articles' English. A catalogue is read
(and compiled in memory) on the first reply in its language, so English pays nothing.
"""

from __future__ import annotations

import gettext
import io
import re
from functools import cache
from pathlib import Path

from bot import messages

_LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "talksbot"
# The verdict sentences of knowledge.answering.fact_check, by their English frame.
_VERDICT = re.compile(r"(Yes|No) — the sources say (.+)\.")


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The language's translations (English, or a language without a catalogue: none)."""
    path = _LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not path.is_file():
        return gettext.NullTranslations()
    # Imported here: Babel is for replies in other languages, and English starts without it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as f:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(f, locale=language, domain=DOMAIN))
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def say(language: str, sentence: str) -> str:
    """`sentence` (one of bot.messages' English sentences) in `language`, or as it is."""
    if language == "en":
        return sentence
    return catalogue(language).gettext(sentence)


def verdict(language: str, sentence: str | None) -> str | None:
    """A check's verdict framed in `language`; what the sources say stays their English."""
    if sentence is None or language == "en":
        return sentence
    if sentence in (messages.VERDICT_AGREE, messages.VERDICT_OTHERWISE):
        return say(language, sentence)
    found = _VERDICT.fullmatch(sentence)
    if not found:
        return sentence
    frame = messages.VERDICT_YES if found[1] == "Yes" else messages.VERDICT_NO
    return say(language, frame).format(what=found[2])


def quotes_note(language: str) -> str:
    """The label a reply in another language gives its English quotes ("" in English)."""
    return "" if language == "en" else say(language, messages.QUOTES_IN_ENGLISH)

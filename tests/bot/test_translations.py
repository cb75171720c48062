"""The message catalogues: every sentence a reply frames its answer with is translated in
every language the bot reads, placeholders kept; English is the msgid itself."""

from __future__ import annotations

import pytest

from adapters.discord import messages as discord_messages
from adapters.slack import messages as slack_messages
from bot import messages
from bot.translations import catalogue, quotes_note, say, verdict
from knowledge.language import READ_LANGUAGES

FRAMES = [
    messages.NO_ANSWER,
    messages.SUGGESTIONS_LEAD,
    messages.SOURCES_DISAGREE,
    messages.HELPFUL,
    messages.WRONG,
    messages.VERDICT_YES,
    messages.VERDICT_NO,
    messages.VERDICT_AGREE,
    messages.VERDICT_OTHERWISE,
    messages.QUOTES_IN_ENGLISH,
]
OTHERS = [code for code in READ_LANGUAGES if code != "en"]


@pytest.mark.parametrize("code", OTHERS)
@pytest.mark.parametrize("sentence", FRAMES)
def test_every_frame_is_translated_with_its_placeholders(code: str, sentence: str) -> None:
    translated = catalogue(code).gettext(sentence)
    assert translated and translated != sentence
    assert ("{what}" in translated) == ("{what}" in sentence)


def test_the_buttons_say_what_the_catalogues_translate() -> None:
    assert discord_messages.HELPFUL_LABEL == slack_messages.HELPFUL == messages.HELPFUL
    assert discord_messages.WRONG_LABEL == slack_messages.WRONG == messages.WRONG


def test_english_is_the_sentence_itself() -> None:
    assert say("en", messages.NO_ANSWER) == messages.NO_ANSWER
    assert quotes_note("en") == ""
    assert verdict("en", "No — the sources say Wednesday.") == "No — the sources say Wednesday."


def test_a_verdict_keeps_what_the_sources_say_in_english() -> None:
    assert (
        verdict("pl", "No — the sources say Wednesday, not Tuesday.") == "Nie — źródła podają: Wednesday, not Tuesday."
    )
    assert verdict("fr", messages.VERDICT_AGREE) == "Oui — les sources le confirment."

"""Drafts worth accepting: pronouns resolved from the sentence before, furniture stripped,
the speaker read from the reporting clause, entities kept to names; quotes untouched."""

from __future__ import annotations

import pytest

from knowledge.answering.text import words
from knowledge.articles.drafts import draft_text, names_in, speaker_of, without_credits
from knowledge.articles.ingest import Proposal, propose
from knowledge.articles.reading import read_article


def _drafts(text: str) -> dict[str, Proposal]:
    return {p.quote.quote: p for p in propose(read_article("x", text), [])}


def test_he_is_the_person_the_article_named_just_before() -> None:
    text = (
        "Talks in Riyadh\n\n"
        "Kremlin spokesman Dmitry Peskov confirmed that the conversation of the two leaders lasted long.\n"
        "He said Europe would have no seat at the table during the first round of the talks.\n"
        "Instead, he suggested that European countries would be consulted once a framework existed.\n"
        "Any European deployment in Ukraine, he added, would be seen in Moscow as a hostile act.\n"
    )
    drafts = _drafts(text)
    said = drafts["He said Europe would have no seat at the table during the first round of the talks."]
    assert said.text.startswith("Dmitry Peskov said Europe would")
    assert said.said_by == "Dmitry Peskov"  # not "Europe"
    suggested = drafts["Instead, he suggested that European countries would be consulted once a framework existed."]
    assert suggested.text.startswith("Dmitry Peskov suggested that")
    added = drafts["Any European deployment in Ukraine, he added, would be seen in Moscow as a hostile act."]
    assert "Dmitry Peskov added" in added.text and added.said_by == "Dmitry Peskov"
    # The quotes stay verbatim.
    for quote, p in drafts.items():
        assert text[p.quote.start : p.quote.end] == quote


def test_he_stays_he_when_nobody_was_named_just_before() -> None:
    text = (
        "Talks in Riyadh\n\n"
        "The meeting in Riyadh lasted more than four hours and ended without a joint statement.\n"
        "He said the next round would take place in Istanbul within the coming weeks.\n"
    )
    p = _drafts(text)["He said the next round would take place in Istanbul within the coming weeks."]
    assert p.text.startswith("He said")
    assert p.said_by is None  # not "Istanbul", and no guess


def test_he_after_another_person_is_named_in_the_sentence_is_left_alone() -> None:
    text = (
        "Talks in Riyadh\n\n"
        "Kremlin spokesman Dmitry Peskov confirmed that the conversation of the two leaders lasted long.\n"
        "After Secretary of State Marco Rubio arrived, he said the talks would go well for both sides.\n"
    )
    p = _drafts(text)["After Secretary of State Marco Rubio arrived, he said the talks would go well for both sides."]
    assert "Peskov" not in p.text and p.said_by != "Dmitry Peskov"


def test_a_surname_named_earlier_is_a_person_to_resolve_to() -> None:
    text = (
        "Talks\n\n"
        "Ukrainian President Volodymyr Zelenskyy spoke to reporters in Kyiv on Thursday morning.\n"
        "Zelenskyy, despite the setback, kept a diplomatic posture throughout the press conference.\n"
        "She said nothing; he acknowledged the talks but said no deal could be made without Ukraine.\n"
    )
    p = _drafts(text)["She said nothing; he acknowledged the talks but said no deal could be made without Ukraine."]
    assert p.text.startswith("Zelenskyy said nothing")


@pytest.mark.parametrize(
    ("sentence", "draft"),
    [
        (
            "So far, the two sides have agreed only to keep talking about the war.",
            "So far, the two sides have agreed only to keep talking about the war.",
        ),
        (
            "However, the Kremlin called the conversation between Putin and Trump constructive.",
            "The Kremlin called the conversation between Putin and Trump constructive.",
        ),
        (
            "Vladimir Putin attends a meeting in Moscow on Feb. 12, 2025. (Sergei Bobylev, Pool Photo via AP)",
            "Vladimir Putin attends a meeting in Moscow on Feb. 12, 2025.",
        ),
        (
            "- Rubio said the embassies would be staffed again within weeks.",
            "Rubio said the embassies would be staffed again within weeks.",
        ),
        (
            "WASHINGTON (AP) — President Donald Trump said he spoke with Vladimir Putin for more than an hour.",
            "President Donald Trump said he spoke with Vladimir Putin for more than an hour.",
        ),
    ],
    ids=["so far", "connective", "photo credit", "bullet", "dateline"],
)
def test_furniture_goes_and_no_word_is_added(sentence: str, draft: str) -> None:
    assert draft_text(sentence) == draft
    assert set(words(draft)) <= set(words(sentence))


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("He said Europe must take the lead on its own security.", None),
        ("Trump spoke with Putin on the phone and later said Europe would have to wait.", None),
        ("“We will not give in,” said Foreign Minister Annalena Baerbock.", "Annalena Baerbock"),
        ("Kremlin spokesman Dmitry Peskov confirmed the call lasted an hour and a half.", "Dmitry Peskov"),
        ("US Defence Secretary Pete Hegseth, speaking at a meeting in Brussels, signalled a change.", None),
        ("The ministers, according to Sergei Lavrov, agreed to meet again in the spring.", "Sergei Lavrov"),
    ],
)
def test_the_speaker_is_read_from_the_reporting_clause(sentence: str, speaker: str | None) -> None:
    assert speaker_of(sentence, names_in(sentence)) == speaker


def test_he_said_means_the_person_named_before() -> None:
    sentence = "He said Europe must take the lead on its own security."
    assert speaker_of(sentence, names_in(sentence), "Pete Hegseth") == "Pete Hegseth"


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("A photo shows the ministers in Riyadh. (AP Photo/Evan Vucci)", ["Riyadh"]),
        ("The Russia-\nUkraine talks will go on, Lavrov said.", ["Russia", "Ukraine", "Lavrov"]),
        ("“If they want a deal, I'll make it,” Trump told reporters in Washington.", ["Trump", "Washington"]),
        (
            "Russian-held territory was discussed with Ursula von der Leyen in Brussels.",
            ["Ursula von der Leyen", "Brussels"],
        ),
        ("Seven European nations released a statement, stating, “There will be no peace without us.”", ["European"]),
    ],
    ids=["credit", "dangling hyphen", "contraction", "hyphen adjective and particles", "number and quote opener"],
)
def test_entities_are_names(sentence: str, names: list[str]) -> None:
    assert names_in(sentence) == names


def test_credits_are_found_without_patterns_in_linear_time() -> None:
    text = "(in Riyadh) " * 50_000
    assert without_credits(text) == text.strip()
    assert without_credits("(" * 50_000 + " Photo)") == ""
    assert without_credits("The talks (in Riyadh) ended. (AP Photo/Evan Vucci)") == "The talks (in Riyadh) ended."

"""Who a drafted claim is said by, read from the reporting clause: the name after an
inverted verb with its titles between, never a word of the quotation before it; an
institution that speaks through statements; a person after "according to" and their titles."""

from __future__ import annotations

import pytest

from knowledge.articles.drafts import names_in, speaker_of


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ('"No talks about Poland without Poland," said EU foreign policy chief Kaja Kallas.', "Kaja Kallas"),
        ("“Sanctions stay until Russia withdraws,” said Kallas on Friday.", "Kallas"),
        ("The two presidents spoke for an hour, the Kremlin said.", "Kremlin"),
        ("The talks begin in March, according to a White House statement.", "White House"),
        ("According to the Pentagon, no troops will be sent.", "Pentagon"),
        ("The call was long, according to Kremlin spokesman Dmitry Peskov.", "Dmitry Peskov"),
        ("Marco Rubio said the Kremlin was ready to talk.", "Marco Rubio"),
    ],
    ids=[
        "titles after the verb",
        "quote ends on a name",
        "body",
        "body's statement",
        "according to a body",
        "person after the body's title",
        "person before the body",
    ],
)
def test_the_speaker_is_read_from_the_reporting_clause(sentence: str, speaker: str) -> None:
    assert speaker_of(sentence, names_in(sentence)) == speaker


def test_a_name_inside_the_quotation_is_never_its_speaker() -> None:
    sentence = '"Nothing will be decided without Ukraine," said the minister.'
    assert speaker_of(sentence, names_in(sentence)) is None

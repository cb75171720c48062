"""Messages in other languages split into their questions, and pronouns read so the second
question leans on the first (questions written here, not from the dev set)."""

from __future__ import annotations

import pytest

from knowledge.languages.gloss import to_english
from knowledge.languages.questions import split_foreign


@pytest.mark.parametrize(
    ("message", "code", "questions"),
    [
        ("Де зустрінуться делегації? Хто їх очолить?", "uk", ["Де зустрінуться делегації?", "Хто їх очолить?"]),
        ("Где встретятся делегации и кто их возглавит?", "ru", ["Где встретятся делегации", "кто их возглавит?"]),
        (
            "Gdzie spotkają się delegacje i kto je poprowadzi?",
            "pl",
            ["Gdzie spotkają się delegacje", "kto je poprowadzi?"],
        ),
        (
            "Wo treffen sich die Delegationen und wer leitet sie?",
            "de",
            ["Wo treffen sich die Delegationen", "wer leitet sie?"],
        ),
        (
            "Où les délégations se rencontreront-elles et qui les dirigera ?",
            "fr",
            ["Où les délégations se rencontreront-elles", "qui les dirigera ?"],
        ),
    ],
    ids=["uk marks", "ru и", "pl i", "de und", "fr et"],
)
def test_two_questions_in_one_message_are_split(message: str, code: str, questions: list[str]) -> None:
    assert split_foreign(message, code) == questions


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Хто і коли запросив Трампа до Москви?", "uk"),  # "who and when": one question
        ("Was sagten Rubio und Lawrow in Riad?", "de"),  # "and" between names
        ("Що сказав Пєсков?", "uk"),
        ("Делегації зустрілися в Ер-Ріяді і що вони вирішили?", "uk"),  # the first half asks nothing
    ],
)
def test_one_question_stays_whole(message: str, code: str) -> None:
    assert split_foreign(message, code) == [message]


def test_a_pronoun_inside_a_phrase_is_stepped_over_and_kept_as_it() -> None:
    assert to_english("Скільки вона тривала?", "uk") == "how long did last it?"
    # A pronoun that is itself a word of the phrase is not read twice.
    assert to_english("Ist es wahr, dass Rubio sprach?", "de").startswith("is it true that Rubio")

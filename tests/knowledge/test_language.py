"""The language detector: short questions, names only, mixed text; English stays English
and is told without a model. The questions are written for these tests."""

from __future__ import annotations

import pytest

from knowledge import language
from knowledge.language import detect, reads

ENGLISH = [
    "When did they speak?",
    "Who is Waltz?",
    "Putin?",
    "Hegseth NATO",
    "Trump Putin Riyadh",
    "What did Macron say at the Élysée about Selenskyj?",  # a foreign name or two
    "Was the call long?",  # "was" is German too
    "Did the Kremlin confirm it?",
    "von der Leyen",  # a name with a German word in it
    "Second World War",  # "war" is German too
    "Did many soldiers die in the war?",
    "Braže?",  # names only, in their own letters
    "Did Hegseth call it “unrealistic” — and was £4.5 billion pledged?",  # punctuation is not a letter
]

OTHERS = [
    ("Скільки тривала їхня розмова?", "uk"),
    ("Хто входить до команди?", "uk"),
    ("Сколько длилась их беседа?", "ru"),
    ("Кто это?", "ru"),  # no letter of its own: its words tell
    ("Правда ли, что Путин и Трамп говорили долго?", "ru"),
    ("Хто такий Рубіо?", "uk"),
    ("Kto jest w zespole?", "pl"),
    ("Jak długo trwała rozmowa?", "pl"),
    ("Wer ist Waltz?", "de"),
    ("Was hat Hegseth gesagt?", "de"),
    ("Wie lange dauerte das Gespräch?", "de"),
    ("Was verlangten die Außenminister gemeinsam?", "de"),  # "was" is the only function word it has
    ("Qui est Waltz ?", "fr"),  # lingua alone reads this as Polish
    ("Combien de temps a duré l'appel ?", "fr"),
    ("¿Cuánto duró la llamada entre los dos presidentes?", "es"),
    ("Quanto è durata la telefonata tra i due presidenti?", "it"),
    ("特朗普和普京谈了多久？", "zh"),
]


@pytest.mark.parametrize("question", ENGLISH)
def test_english_is_told_without_a_model(question: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model(text: str, codes: tuple[str, ...]) -> str | None:
        raise AssertionError(f"lingua was asked about an English question: {text}")

    monkeypatch.setattr(language, "_lingua", no_model)
    assert detect(question) == "en"


@pytest.mark.parametrize(("question", "code"), OTHERS)
def test_other_languages(question: str, code: str) -> None:
    assert detect(question) == code


def test_only_the_six_languages_are_read() -> None:
    assert [c for c in ("en", "uk", "ru", "pl", "de", "fr", "es", "it", "zh") if reads(c)] == list(
        language.READ_LANGUAGES
    )
    assert detect("?!") is None and reads(None)

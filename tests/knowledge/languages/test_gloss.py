"""Reading a question in another language into English words, and the glossary's build check.

One table per kind the reader must handle: inflected names and words, free word order,
other scripts and spellings of a name, phrases. The questions are written for these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.articles.curated import load_curated
from knowledge.entities import load_entities
from knowledge.errors import BadInput
from knowledge.languages.gloss import to_english
from knowledge.languages.glossary import claims_vocabulary, load_glossary, shipped_glossary, verify_glossary
from knowledge.paths import curated_claims_file, entities_file, seeds_dir
from knowledge.store import Store, build

# (question, language, English words its reading must contain)
INFLECTION = [
    ("Про що Трамп говорив з Путіним?", "uk", ["Trump", "Putin", "talk"]),
    ("Чого вимагали сім європейських держав?", "uk", ["demand", "seven", "European", "nations"]),
    ("С Путиным ли говорил Трамп?", "ru", ["Putin", "Trump", "talk"]),
    ("Что думают в Кремле о переговорах?", "ru", ["Kremlin", "negotiations"]),
    ("Co Trump powiedział Putinowi?", "pl", ["Trump", "say", "Putin"]),
    ("Ile wydają sojusznicy na obronność?", "pl", ["how many", "spend", "allies", "defence"]),
    ("Was sagten die europäischen Verbündeten?", "de", ["what", "say", "European", "allies"]),
    ("Wer wurde freigelassen?", "de", ["who", "release"]),
    ("Quelles garanties de sécurité l'Ukraine demande-t-elle ?", "fr", ["guarantees", "security", "Ukraine"]),
    ("Qui a libéré l'enseignant ?", "fr", ["who", "release", "teacher"]),
]
WORD_ORDER = [
    # The question word goes first whatever its place.
    ("Трамп і Путін розмовляли коли?", "uk", "when"),
    ("Путин пригласил Трампа куда?", "ru", "where"),
    ("Trump rozmawiał z Putinem kiedy?", "pl", "when"),
    ("Trump und Putin telefonierten wann?", "de", "when"),
    ("Trump a appelé Poutine quand ?", "fr", "when"),
]
SPELLINGS = [
    ("Що сказав Пєсков?", "uk", "Peskov"),
    ("Что сказал Зеленский?", "ru", "Zelensky"),
    ("Co powiedział Zełenski?", "pl", "Zelensky"),
    ("Was sagte Selenskyj?", "de", "Zelensky"),
    ("Qu'a dit Poutine ?", "fr", "Putin"),
    ("Коли буде зустріч в Ер-Ріяді?", "uk", "Saudi Arabia"),
    ("Kiedy spotkanie w Rijadzie?", "pl", "Saudi Arabia"),
    ("Wann ist das Treffen in Riad?", "de", "Saudi Arabia"),
]
PHRASES = [
    ("Чи буде перемир'я?", "uk", "ceasefire"),
    ("Будет ли прекращение огня?", "ru", "ceasefire"),
    ("Czy będzie zawieszenie broni?", "pl", "ceasefire"),
    ("Gibt es bald einen Waffenstillstand?", "de", "ceasefire"),
    ("Le cessez-le-feu viendra-t-il ?", "fr", "ceasefire"),
    ("Що сказав міністр закордонних справ Франції?", "uk", "foreign minister"),
    ("Was fordert die gemeinsame Erklärung?", "de", "joint statement"),
]


@pytest.mark.parametrize(("question", "code", "wanted"), INFLECTION)
def test_inflected_words_read_as_their_english(question: str, code: str, wanted: list[str]) -> None:
    reading = to_english(question, code)
    assert all(w in reading for w in wanted), reading


@pytest.mark.parametrize(("question", "code", "qword"), WORD_ORDER)
def test_the_question_word_comes_first(question: str, code: str, qword: str) -> None:
    assert to_english(question, code).startswith(qword + " ")


@pytest.mark.parametrize(("question", "code", "wanted"), SPELLINGS + PHRASES)
def test_names_in_every_script_and_phrases(question: str, code: str, wanted: str) -> None:
    assert wanted in to_english(question, code)


def test_unknown_words_stay_so_that_they_weigh_against_answering() -> None:
    # Transliterated from their dictionary form: every case of a word reads the same.
    assert to_english("Що Путін сказав про Марс?", "uk") == to_english("Що Путін сказав про Марсом?", "uk")
    assert "Mars" in to_english("Що Путін сказав про Марс?", "uk")
    assert "Wetter" in to_english("Was sagte Putin über das Wetter?", "de")


def test_the_shipped_glossary_passes_its_build_check() -> None:
    glossary = shipped_glossary()
    assert set(glossary.languages) == {"uk", "ru", "pl", "de", "fr"}
    verify_glossary(glossary, claims_vocabulary(load_curated(curated_claims_file()), load_entities(entities_file())))


def test_the_build_refuses_an_entry_whose_english_no_claim_uses(tmp_path: Path) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text('version = 1\n[de]\ndrop = []\n[de.questions]\n[de.terms]\n"wetter" = "weather"\n')
    vocabulary = claims_vocabulary(load_curated(curated_claims_file()), load_entities(entities_file()))
    with pytest.raises(BadInput, match="weather"):
        verify_glossary(load_glossary(path), vocabulary)


def test_every_glossary_word_has_its_forms_in_the_lemma_table() -> None:
    """A word added to the glossary without running make_lemma_table would match only as written."""
    from knowledge.languages.lemmas import _forms
    from knowledge.languages.make_lemma_table import LANGUAGES, glossary_words

    forms = _forms()
    missing = {(code, w) for code in LANGUAGES for w in glossary_words(shipped_glossary(), code) - set(forms[code])}
    assert not missing, f"run python -m knowledge.languages.make_lemma_table: {sorted(missing)[:10]}"


async def test_the_build_refuses_a_glossary_whose_english_no_claim_uses(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text('version = 1\n[fr]\ndrop = []\n[fr.questions]\n[fr.terms]\n"météo" = "weather"\n')
    monkeypatch.setattr(build, "glossary_file", lambda: path)
    with pytest.raises(BadInput, match="weather"):
        await build.ensure_built(store, seeds_dir(), curated_claims_file(), datetime(2025, 2, 20, tzinfo=UTC))

"""Only English articles become claims: another language is refused with one line naming it."""

from __future__ import annotations

import pytest

from knowledge.articles.language_check import body_sample, refuse_unless_english
from knowledge.articles.reading import read_article
from knowledge.errors import BadInput

ENGLISH = (
    "Diplomats from Russia and the United States met in Riyadh on Tuesday. The two sides agreed to restore "
    "the staff of their embassies and to appoint teams that would prepare further talks on Ukraine.\n"
)
POLISH = (
    "Dyplomaci z Rosji i Stanów Zjednoczonych spotkali się we wtorek w Rijadzie. Obie strony uzgodniły "
    "przywrócenie personelu ambasad i powołanie zespołów, które przygotują dalsze rozmowy o Ukrainie.\n"
)
SPANISH = (
    "Los diplomáticos de Rusia y Estados Unidos se reunieron el martes en Riad. Ambas partes acordaron "
    "restablecer el personal de sus embajadas y nombrar equipos que prepararán nuevas conversaciones.\n"
)


def test_an_english_article_passes() -> None:
    refuse_unless_english(read_article("x", ENGLISH))


@pytest.mark.parametrize(("text", "name"), [(POLISH, "Polish"), (SPANISH, "Spanish")])
def test_another_language_is_refused_by_name(text: str, name: str) -> None:
    with pytest.raises(BadInput, match=f"in {name}, not English"):
        refuse_unless_english(read_article("x", text))


def test_an_english_menu_over_a_german_article_is_german() -> None:
    menu = "Home\nWorld News\nBusiness\nSport\nShare\n\n"
    german = (
        "Diplomaten aus Russland und den Vereinigten Staaten trafen sich am Dienstag in Riad. Beide Seiten "
        "vereinbarten, das Personal ihrer Botschaften wieder aufzustocken und weitere Gespräche vorzubereiten.\n"
    )
    with pytest.raises(BadInput, match="in German"):
        refuse_unless_english(read_article("x", menu + german))


def test_the_sample_is_bounded_whatever_the_length() -> None:
    sample = body_sample(read_article("x", ENGLISH * 5_000))
    assert len(sample) <= 4_100

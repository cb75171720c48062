"""A claim naming a person is supported by a sentence naming them by any of their names:
one person, however many words their name has ("Michael Waltz" is "Mike Waltz"; "Dmitry
Peskov" is "Peskov")."""

from __future__ import annotations

from knowledge.articles.ingest import propose
from knowledge.articles.reading import read_article
from knowledge.models import Claim, Quote


def _claim(claim_id: str, text: str) -> Claim:
    quote = Quote(source_id="s", start=0, end=len(text), quote=text)
    return Claim(id=claim_id, topic="t", text=text, quotes=[quote])


CLAIMS = [
    _claim("waltz-leads-delegation", "National Security Adviser Michael Waltz will lead the US delegation in Riyadh."),
    _claim("peskov-call-long", "Kremlin spokesman Dmitry Peskov said the phone call lasted for about two hours."),
    _claim("hegseth-sanctions", "Pete Hegseth said sanctions on Russian banks must be lifted before any deal."),
]


def _supports(sentence: str) -> list[str | None]:
    text = "Report\n\n" + sentence + "\n"
    return [p.claim_id for p in propose(read_article("x", text), CLAIMS) if p.kind == "supports"]


def test_a_short_form_of_a_first_name_names_the_same_person() -> None:
    assert _supports("Mike Waltz, the national security adviser, will lead the US delegation in Riyadh.") == [
        "waltz-leads-delegation"
    ]


def test_a_surname_alone_names_the_person() -> None:
    assert _supports("Peskov told reporters that the phone call had lasted for about two hours.") == [
        "peskov-call-long"
    ]


def test_a_sentence_naming_someone_else_supports_nothing() -> None:
    assert _supports("Marco Rubio said sanctions on Russian banks must be lifted before any deal.") == []

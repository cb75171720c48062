"""The entities file: verified like quotes at build, and the descriptions it gives answered through `service.ask`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.articles.curated import verify_entities
from knowledge.articles.sources import load_seeds
from knowledge.entities import load_entities, shipped
from knowledge.errors import BuildError
from knowledge.paths import entities_file, seeds_dir

ROLE = """
[[offices]]
id = "cia-director"
names = ["cia director"]

[[offices]]
id = "secretary-of-state"
names = ["secretary of state"]

[[entities]]
id = "usa"
kind = "country"
token = "usa"
names = ["United States"]

[[entities]]
id = "john-ratcliffe"
kind = "person"
token = "ratcliffe"
names = ["John Ratcliffe"]
[[entities.roles]]
office = "{office}"
country = "usa"
source = "000_4e42f3189539b996"
start = {start}
quote = "{quote}"
"""


def _entities(tmp_path: Path, office: str = "cia-director", start: int = 1744, quote: str = "") -> Path:
    path = tmp_path / "entities.toml"
    path.write_text(ROLE.format(office=office, start=start, quote=quote or "CIA Director John Ratcliffe"))
    return path


def test_the_shipped_file_is_verified_against_the_articles() -> None:
    verify_entities(load_entities(entities_file()), load_seeds(seeds_dir()))


def test_a_role_whose_quote_is_verified_passes(tmp_path: Path) -> None:
    verify_entities(load_entities(_entities(tmp_path)), load_seeds(seeds_dir()))


@pytest.mark.parametrize(
    ("office", "start", "quote", "problem"),
    [
        # The quote is not at its offsets in the article.
        ("cia-director", 1700, "", "does not match the article"),
        # The quote is in the article but does not state this office.
        ("secretary-of-state", 1744, "", "does not name that office"),
        # The quote names the office but someone else holds it there.
        ("secretary-of-state", 1713, "Secretary of State Marco Rubio", "does not name John Ratcliffe"),
    ],
)
def test_a_role_the_article_does_not_state_fails_the_build(
    tmp_path: Path, office: str, start: int, quote: str, problem: str
) -> None:
    with pytest.raises(BuildError) as raised:
        verify_entities(load_entities(_entities(tmp_path, office, start, quote)), load_seeds(seeds_dir()))
    assert any(problem in p for p in raised.value.problems), raised.value.problems


def test_an_unknown_office_or_place_fails_loading(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as raised:
        load_entities(_entities(tmp_path, office="court-jester"))
    assert any("unknown office court-jester" in p for p in raised.value.problems)


def test_every_person_with_a_description_has_a_role_or_an_article_name() -> None:
    # Descriptions of people ("the Pentagon chief") rest on a role an article states.
    for person in shipped().of_kind("person"):
        assert person.names, person.id
        assert person.roles or not person.descriptions, person.id


# Descriptions people use instead of names: (question, claims one of which answers first).
DESCRIPTIONS: list[tuple[str, set[str]]] = [
    ("Has the Pentagon chief ruled out Ukraine joining NATO?", {"hegseth-nato-membership-ruled-out"}),
    ("What was the view of Paris's top diplomat?", {"barrot-no-peace-without-europeans"}),
    ("What did the Polish foreign minister argue?", {"sikorski-more-military-support-first"}),
    ("What was the view of Madrid's foreign minister?", {"albares-without-ukraine"}),
    ("Which Gulf kingdom will host the summit?", {"trump-putin-to-meet-in-saudi-arabia"}),
    ("What did the head of the Atlantic alliance say about Europe?", {"rutte-von-der-leyen-european-involvement"}),
    ("What did Ukraine's president plead with the West not to do?", {"zelenskyy-abandon-appeal"}),
    ("On which day was the American president on the phone with the Russian leader?", {"call-date-february-12"}),
    ("Which post does Michael Waltz hold?", {"us-team-four-members", "us-team-three-members"}),
    ("How was the news of the call taken in the Ukrainian capital?", {"kyiv-response-muted"}),
    ("What is the Russian president's spokesman's view on swapping land?", {"kremlin-rejects-territory-swap"}),
    ("What did the British government announce for Ukraine?", {"uk-4-5-billion-military-aid"}),
    ("Who was the American schoolteacher Russia freed?", {"marc-fogel-release", "witkoff-role-in-fogel-release"}),
]


@pytest.mark.parametrize(("question", "claims"), DESCRIPTIONS)
async def test_descriptions_find_who_they_describe(service: TalksService, question: str, claims: set[str]) -> None:
    result = answer_json(await service.ask(question))
    assert result["answered"], f"abstained on {question!r}"
    assert result["answers"][0]["claim_id"] in claims, [a["claim_id"] for a in result["answers"]]


# Offices whose holder the articles never name, in every way of asking.
NOBODY_THE_ARTICLES_NAME = [
    "Who is Ukraine's foreign minister?",
    "How did the French president react to the phone call?",
    "what did the spanish prime minister say",
    "Has the White House press secretary commented?",
    "Did Moscow's top diplomat comment?",
    "What did the defence minister of Germany announce?",
]


@pytest.mark.parametrize("question", NOBODY_THE_ARTICLES_NAME)
async def test_office_holders_the_articles_never_name_are_refused(service: TalksService, question: str) -> None:
    result = answer_json(await service.ask(question))
    assert not result["answered"], f"{question!r} → {[a['claim_id'] for a in result['answers']]}"

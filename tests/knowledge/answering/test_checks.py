"""Checks in every frame, compared exactly, through `service.ask`; and the values they compare.

A wrong "Yes" is the worst answer a check can get: the last table holds
checks the sources cannot confirm, which must never get one.
"""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.answering.amounts import amounts
from knowledge.answering.values import Date, check_pairing, dates, pairings, places

# (check, the sources agree, words the verdict sentence must hold)
VERDICTS: list[tuple[str, bool, list[str]]] = [
    # dates, to the day
    ("Is it correct that the call took place on 12 February?", True, ["yes", "february 12"]),
    ("I heard the two presidents talked on February 20, right?", False, ["no", "february 12", "february 20"]),
    ("The Munich conference dates were February 14-16, right?", True, ["yes", "february 14-16"]),
    # durations, however written
    ("I read that the phone call lasted ninety minutes, correct?", True, ["yes", "90 minutes"]),
    ("The Kremlin put the call at one and a half hours, correct?", True, ["yes", "90 minutes"]),
    ("Did the call really last 1.5 hours?", True, ["yes"]),
    ("Is it correct that the call lasted two hours?", False, ["no", "90 minutes", "2 hours"]),
    ("So the Trump-Putin phone call only lasted 20 minutes?", False, ["no", "20 minutes"]),
    # amounts with units and number words, counts
    ("So Healey announced £4.5bn in aid for Ukraine?", True, ["yes", "4.5 billion"]),
    ("Is it true Britain promised three billion pounds of military aid?", False, ["no", "4.5 billion", "3 billion"]),
    ("The allies must now spend 2% of GDP on defence — is that right?", False, ["no", "5%", "2%"]),
    ("Seven European nations put out the joint statement — correct?", True, ["yes", "7 nations"]),
    ("Is it correct that five European nations put out the joint statement?", False, ["no", "7", "5"]),
    # places: a country against a country, a city against a city
    ("Did Putin really invite Trump to Moscow?", True, ["yes", "moscow"]),
    ("Will both presidents really hold their summit in Qatar?", False, ["no", "saudi arabia", "qatar"]),
    ("So Hegseth gave his NATO speech in Berlin?", False, ["no", "brussels", "berlin"]),
    # who holds which office
    ("Is it correct that Rubio serves as Secretary of State?", True, ["yes", "secretary of state"]),
    ("So John Healey is the US defence secretary?", False, ["no", "uk defence secretary", "pete hegseth"]),
    ("I heard Ratcliffe is the national security adviser, right?", False, ["no", "cia director", "waltz"]),
    # no values: what is denied against what is stated
    ("Is it correct that Trump consulted NATO partners before calling?", False, ["no"]),
    ("I heard Hegseth ruled out US troops for a peacekeeping mission, right?", True, ["yes"]),
]


@pytest.mark.parametrize(("check", "agrees", "needed"), VERDICTS)
async def test_verdicts_in_every_frame(service: TalksService, check: str, agrees: bool, needed: list[str]) -> None:
    result = answer_json(await service.ask(check))
    assert result["answered"], f"abstained on {check!r}"
    verdict = result["verdict"]
    assert verdict is not None, f"no verdict on {check!r}"
    assert verdict["agrees"] is agrees, verdict["sentence"]
    assert all(n in verdict["sentence"].lower() for n in needed), verdict["sentence"]


# Checks the sources do not confirm: a verdict may be No or none, never Yes.
NEVER_YES = [
    # Half of it is something the articles never say.
    "Is it correct that the leaders talked for 90 minutes about bitcoin?",
    # Healey announced the aid, not Hegseth.
    "Is it correct that Hegseth announced the £4.5 billion package?",
    # Riyadh is a city; the articles give only the country.
    "Is it correct that the summit will be in Riyadh?",
    # A day inside the conference's dates is neither its dates nor wrong.
    "Is it correct that the Munich conference began on February 15?",
    # Zelensky was not invited to Moscow.
    "I heard Putin invited Zelensky to Moscow, right?",
    # Nobody in the articles is Ukraine's foreign minister.
    "So Sikorski is Ukraine's foreign minister?",
    "Is it correct that the call lasted 90 minutes and ended the war?",
]


@pytest.mark.parametrize("check", NEVER_YES)
async def test_never_a_yes_the_sources_do_not_state(service: TalksService, check: str) -> None:
    result = answer_json(await service.ask(check))
    verdict = result.get("verdict")
    assert verdict is None or verdict["agrees"] is False, verdict


async def test_a_value_the_claim_does_not_state_gets_no_verdict(service: TalksService) -> None:
    # The articles give no day for the conference's start, only its three days.
    result = answer_json(await service.ask("The Munich conference opened on February 14, right?"))
    assert result["verdict"] is None


async def test_open_questions_get_no_verdict(service: TalksService) -> None:
    assert answer_json(await service.ask("How many minutes did they talk?"))["verdict"] is None
    assert answer_json(await service.ask("Did Putin ask Trump to visit Moscow?"))["verdict"] is None


# ---- the values compared ------------------------------------------------------------------

NINETY_MINUTES = [
    "ninety minutes",
    "90 minutes",
    "1.5 hours",
    "one and a half hours",
    "an hour and thirty minutes",
    "one and a half hours",
    "a 90-minute call",
    "nearly ninety minutes",
]


@pytest.mark.parametrize("text", NINETY_MINUTES)
def test_durations_however_written(text: str) -> None:
    assert amounts(text) == ((90.0, "time"),)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a £4.5 billion package", ((4.5e9, "amount"),)),
        ("£4.5bn in aid", ((4.5e9, "amount"),)),
        ("three billion pounds", ((3e9, "amount"),)),
        ("5% of GDP", ((5.0, "percent"),)),
        ("seven European nations", ((7.0, "nations"),)),
        ("a three-member team", ((3.0, "members"),)),
        ("nearly three years", ((36.0, "months"),)),
        ("the 2014 borders", ()),
    ],
)
def test_amounts_and_counts(text: str, found: tuple[tuple[float, str], ...]) -> None:
    assert amounts(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("dated February 12, 2025", (Date(2, 12, 12, 2025),)),
        ("on 12 February 2025", (Date(2, 12, 12, 2025),)),
        ("Feb 15", (Date(2, 15, 15, None),)),
        ("runs February 14-16", (Date(2, 14, 16, None),)),
        ("the 3rd of March", (Date(3, 3, 3, None),)),
        ("in 2014", ()),
    ],
)
def test_dates(text: str, found: tuple[Date, ...]) -> None:
    assert dates(text) == found


def test_dates_compare_to_the_day() -> None:
    (twelfth,) = dates("February 12, 2025")
    assert twelfth.same_as(Date(2, 12, 12, None)) and not twelfth.same_as(Date(2, 15, 15, None))
    (days,) = dates("February 14-16")
    assert Date(2, 15, 15, None).within(days) and not Date(2, 17, 17, None).within(days)


def test_places_know_countries_from_cities() -> None:
    found = {(p.token, p.kind) for p in places("a summit in Saudi Arabia, then talks at NATO headquarters in Brussels")}
    assert found == {("saudiarabia", "country"), ("natoheadquarters", "venue"), ("brussels", "city")}
    assert [(p.token, p.kind) for p in places("a summit in the Gulf kingdom")] == [("saudiarabia", "country")]
    assert [(p.token, p.kind) for p in places("talks in Riyadh")] == [("riyadh", "city")]


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("Marco Rubio became Secretary of State", True),
        ("Rubio, the CIA director", False),
        ("CIA Director John Ratcliffe", True),
        ("Healey, the British defence secretary", True),
        ("Baerbock is the French foreign minister", False),
    ],
)
def test_who_holds_which_office(text: str, holds: bool) -> None:
    (pairing,) = pairings(text)
    assert check_pairing(pairing).holds is holds

"""Facts, not words: how ingest reads the values a sentence gives and compares them with a claim's.

Amounts are read by the answering side's own reader (`knowledge.answering.amounts`),
so a check and an ingest proposal agree on whether two figures match.
"""

from __future__ import annotations

import pytest

from knowledge.answering.amounts import amounts, is_same_amount
from knowledge.articles.facts import compare, read_facts
from knowledge.articles.ingest import Proposal, propose
from knowledge.articles.ingest_eval import count_bad
from knowledge.articles.reading import read_article
from knowledge.articles.sources import Seed
from knowledge.models import Claim, Quote, Source

# Every way the articles and their readers write one length: 90 minutes.
NINETY_MINUTES = [
    "about ninety minutes",
    "1.5 hours",
    "one and a half hours",
    "nearly an hour and a half",
    "a 90-minute call",
    "an hour and thirty minutes",
]


@pytest.mark.parametrize("written", NINETY_MINUTES)
def test_a_length_is_read_however_it_is_written(written: str) -> None:
    assert amounts(written) == ((90.0, "time"),)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("an hourlong call", (60.0, "time")),
        ("an hour-long call", (60.0, "time")),
        ("a yearlong war", (12.0, "months")),
        ("£3bn of aid", (3e9, "amount")),
        ("£4.5 billion of aid", (4.5e9, "amount")),
        ("forty-five minutes", (45.0, "time")),
        ("a team of five", (5.0, "members")),
        ("a three-member team", (3.0, "members")),
        ("thirteen nations", (13.0, "nations")),
    ],
)
def test_number_words_and_units(written: str, amount: tuple[float, str]) -> None:
    assert amounts(written) == (amount,)


def test_counted_things_are_the_same_only_when_equal() -> None:
    # "about 90" is 90 within the tolerance; eleven nations are not ten.
    assert is_same_amount(90, 85, "time")
    assert not is_same_amount(11, 10, "nations")
    assert is_same_amount(7, 7, "nations")


@pytest.mark.parametrize(
    ("sentence", "claim", "agreed", "disagreed"),
    [
        # amounts by measure, both ways
        ("The call lasted about ninety minutes.", "The call lasted 1.5 hours.", {"amount:time"}, set()),
        ("The call was hourlong.", "The call lasted 90 minutes.", set(), {"amount:time"}),
        ("The UK promised £3 billion.", "The UK promised £4.5bn.", set(), {"amount:amount"}),
        ("The UK promised £4.5 billion.", "The UK promised £4.5bn.", {"amount:amount"}, set()),
        # counts: written, or counted from the members named
        ("Trump named a team of five.", "Trump named a three-member team.", set(), {"amount:members"}),
        (
            "The team of Marco Rubio, John Ratcliffe and Michael Waltz will lead.",
            "Trump named a three-member team.",
            {"amount:members"},
            set(),
        ),
        (
            "The team of Marco Rubio, John Ratcliffe, Michael Waltz and Steve Witkoff will lead.",
            "Trump named a three-member team.",
            set(),
            {"amount:members"},
        ),
        # dates to the day, weekdays
        (
            "They spoke on Thursday, February 13.",
            "They spoke on Wednesday, February 12, 2025.",
            set(),
            {"date", "weekday"},
        ),
        ("They talked on 12 February.", "They talked on February 12, 2025.", {"date"}, set()),
        ("It opens on February 15.", "It runs February 14-16.", set(), set()),  # a day of the range: neither
        # where something takes place; "the war in Ukraine" is no venue
        ("They will meet in Qatar.", "They will meet in Saudi Arabia.", set(), {"place:country"}),
        ("They will meet in Riyadh.", "They will hold talks in Riyadh.", {"place:city"}, set()),
        ("They agreed to end the war in Ukraine.", "They will meet in Saudi Arabia.", set(), set()),
        # who holds which office
        (
            "National Security Adviser Marco Rubio spoke.",
            "Secretary of State Marco Rubio spoke.",
            set(),
            {"office:rubio"},
        ),
        # quoted words
        ('He called it "a premature surrender".', 'He called it "a preemptive surrender".', set(), {"quote"}),
        ('He called it "a premature surrender".', 'He warned of "a premature surrender".', {"quote"}, set()),
    ],
)
def test_facts_compare_kind_by_kind(sentence: str, claim: str, agreed: set[str], disagreed: set[str]) -> None:
    found = compare(read_facts(sentence), read_facts(claim))
    assert (set(found.agreed), set(found.disagreed)) == (agreed, disagreed)


def test_two_different_remarks_are_neither_the_same_nor_a_contradiction() -> None:
    # They share only a name, "Ukraine": two remarks, not one remark misquoted.
    said = read_facts('Baerbock said peace comes "with Ukraine and with the Europeans".')
    found = compare(said, read_facts('Baerbock said "no decision on Ukraine without Ukraine".'))
    assert found.different_quotes and not found.disagreed and not found.agreed


# ---- proposals: same value in other words → support; another value → conflict ----------


def _claim(claim_id: str, text: str, conflicts: list[str] | None = None) -> Claim:
    return Claim(
        id=claim_id,
        text=text,
        topic="call",
        quotes=[Quote(source_id="seed", start=0, end=len(text), quote=text)],
        conflicts=conflicts or [],
    )


CLAIMS = [
    _claim("call-length", "Trump said his phone call with Putin lasted about 90 minutes."),
    _claim("call-date", "The two presidents talked by phone on Wednesday, February 12, 2025."),
    _claim("uk-aid", "Britain will give Ukraine a £4.5 billion military aid package this year, Healey said."),
    _claim("us-team", "Trump named a three-member team to negotiate with Russia over the war in Ukraine."),
    _claim("summit-venue", "Trump said the two leaders will meet in person in Saudi Arabia."),
]


def _proposals(sentence: str, claims: list[Claim] = CLAIMS) -> list[tuple[str, str | None]]:
    # A heading and a closing sentence around it, as in an article.
    text = f"Talks news\n\n{sentence} Officials gave no further details of the conversation that day.\n"
    article = read_article("new", text)
    return [(p.kind, p.claim_id) for p in propose(article, claims) if p.quote.quote == sentence]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the same figure in other words supports
        (
            "According to the Kremlin, the phone call between Putin and Trump lasted 1.5 hours.",
            ("supports", "call-length"),
        ),
        (
            "Peskov said the phone call between Putin and Trump lasted about ninety minutes.",
            ("supports", "call-length"),
        ),
        ("The Kremlin said Putin's phone call with Trump lasted one and a half hours.", ("supports", "call-length")),
        # another figure for the same thing conflicts
        ("The Kremlin said Putin and Trump held an hourlong phone call about the war.", ("conflicts", "call-length")),
        ("Healey said Britain will give Ukraine £3 billion of military aid this year.", ("conflicts", "uk-aid")),
        ("Healey said Britain will provide £4.5bn in military aid to Ukraine this year.", ("supports", "uk-aid")),
        # dates to the day
        (
            "The White House said the two presidents talked by phone on Thursday, February 13, about the war.",
            ("conflicts", "call-date"),
        ),
        (
            "The White House said the two presidents held a phone call on Wednesday, February 12, about the war.",
            ("supports", "call-date"),
        ),
        # counts
        ("Trump named a team of five to negotiate with Russia over the war in Ukraine.", ("conflicts", "us-team")),
        ("Trump appointed a team of three to negotiate with Russia on ending the war.", ("supports", "us-team")),
        # places
        ("Trump said the two leaders would meet in person in Qatar.", ("conflicts", "summit-venue")),
    ],
)
def test_same_value_supports_and_another_value_conflicts(sentence: str, expected: tuple[str, str]) -> None:
    assert _proposals(sentence) == [expected]


def test_a_support_names_every_person_its_claim_names() -> None:
    claims = [
        _claim("braze", 'Latvian Foreign Minister Baiba Braže insisted "no decision on Ukraine without Ukraine".')
    ]
    sentence = 'German Foreign Minister Annalena Baerbock insisted "no decision on Ukraine without Ukraine".'
    assert _proposals(sentence, claims) == [("new", None)]
    assert _proposals(sentence.replace("German", "Latvian").replace("Annalena Baerbock", "Baiba Braže"), claims) == [
        ("supports", "braze")
    ]


def test_a_sentence_giving_several_facts_supports_each_claim_but_never_two_in_conflict() -> None:
    sentence = "The 90-minute phone call between Trump and Putin took place on Wednesday, February 12, 2025."
    assert sorted(_proposals(sentence)) == [("supports", "call-date"), ("supports", "call-length")]
    rival = _claim(
        "call-length-kremlin",
        "The phone call between Trump and Putin lasted about 90 minutes, the Kremlin said.",
        ["call-length"],
    )
    claims = [*CLAIMS, rival]
    claims[0] = claims[0].model_copy(update={"conflicts": ["call-length-kremlin"]})
    found = [cid for kind, cid in _proposals(sentence, claims) if kind == "supports"]
    assert "call-date" in found
    assert len({"call-length", "call-length-kremlin"} & set(found)) == 1


def test_one_sentence_supporting_two_claims_is_no_duplicate_but_twice_the_same_is() -> None:
    text = "The presidents talked for 90 minutes on February 12.\n"
    quote = Quote(source_id="new", start=0, end=len(text) - 1, quote=text[:-1])
    seed = Seed(Source(id="new"), read_article("new", text))
    two = [Proposal("supports", quote, "a", "call-length", 0.5), Proposal("supports", quote, "b", "call-date", 0.5)]
    assert count_bad(two, seed, []) == 0
    assert count_bad([*two, Proposal("supports", quote, "a", "call-length", 0.5)], seed, []) == 1

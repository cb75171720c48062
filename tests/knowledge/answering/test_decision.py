"""The answer-or-refuse decision: its gates and fitted combination, and refusals through `service.ask`."""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.answering.decision import MIN_CHECK_COVERAGE, Signals, confidence, should_answer


def _signals(**changes: object) -> Signals:
    base: dict[str, object] = {
        "coverage": 0.9,
        "margin": 0.5,
        "unknown": 0.0,
        "fits": True,
        "entities": True,
        "named": True,
        "typed": False,
    }
    return Signals(**{**base, **changes})  # type: ignore[arg-type]


def test_a_claim_covering_the_question_is_answered() -> None:
    assert should_answer(_signals())


@pytest.mark.parametrize("gate", ["fits", "entities"])
def test_the_gates_refuse_whatever_the_score(gate: str) -> None:
    assert not should_answer(_signals(coverage=1.0, margin=1.0, **{gate: False}))


def test_more_of_the_question_covered_is_more_confident() -> None:
    scores = [confidence(_signals(coverage=c)) for c in (0.2, 0.4, 0.6, 0.8, 1.0)]
    assert scores == sorted(scores) and scores[0] < 0.5 < scores[-1]


def test_little_of_the_question_covered_is_refused_even_with_its_names() -> None:
    assert not should_answer(_signals(coverage=0.3, margin=1.0, named=True, typed=True))


def test_a_check_needs_most_of_the_statement() -> None:
    assert should_answer(_signals(coverage=0.8, check=True))
    assert not should_answer(_signals(coverage=MIN_CHECK_COVERAGE - 0.05, check=True))


# Built from the articles' own words, about what they do not say: answering any of
# these with a real quote would be the worst answer there is.
REFUSED = [
    # The meeting is still to come in the articles.
    "On which day did the leaders meet in Riyadh's kingdom?",
    "What came out of the summit Trump and Putin held in Saudi Arabia?",
    # Names, countries and figures the articles never use.
    "What is Hegseth's view of Taiwan?",
    "How did Macron react to the call?",
    "Why did Britain pledge 9 billion?",
    # What is asked is not stated: no count, no such call, no such visit.
    "How many people were released in the prisoner exchange?",
    "How many minutes did Putin and Zelensky talk?",
    "When will Zelensky visit Washington?",
    # Another country's figure is not this one's.
    "What sum in military aid did the US pledge to Ukraine?",
    "How much did France promise Kyiv?",
    # People the articles never name.
    "What did the Spanish prime minister say?",
    "Who is the Kremlin's chief negotiator?",
    # Off the topic, in its words.
    "Is Russia winning the war?",
    "Which food does the Ukrainian president eat for breakfast?",
]


@pytest.mark.parametrize("question", REFUSED)
async def test_what_the_sources_do_not_say_is_refused(service: TalksService, question: str) -> None:
    result = answer_json(await service.ask(question))
    assert not result["answered"], f"{question!r} → {[a['claim_id'] for a in result['answers']]}"
    assert result["suggestions"]

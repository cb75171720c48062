"""The matcher's rules for further answers, on a small made-up store where each rule decides alone."""

from __future__ import annotations

import pytest

from knowledge.answering.index import ClaimIndex
from knowledge.answering.matcher import MIN_FURTHER_COVERAGE, MIN_RELATIVE_SCORE, Matcher
from knowledge.models import Claim, ClaimState


def _state(claim_id: str, text: str, keywords: list[str] | None = None) -> ClaimState:
    return ClaimState(claim=Claim(id=claim_id, text=text, topic="zoo", keywords=keywords or []))


# "walrus" is in one claim, "harbour" in three: "walrus" carries most of "walrus harbour".
# The short harbour-seals claim repeats "harbour" (text and keyword), so it scores close to
# the walrus claim on that one word alone.
CLAIMS = [
    _state("walrus", "A walrus lives at the zoo in a cold pool with rocks."),
    _state("harbour-seals", "The harbour seals moved.", keywords=["harbour"]),
    _state("harbour-boats", "Boats filled the harbour."),
    _state("harbour-winter", "The harbour froze in winter."),
    *(
        _state(f"filler-{n}", text)
        for n, text in enumerate(
            [
                "The keeper fed the penguins at noon.",
                "Visitors queued at the gate for tickets.",
                "The aquarium opened a new tank for sharks.",
                "Rain closed the reptile house early.",
                "A new café serves lunch near the lions.",
                "The zoo counted more visitors than last year.",
                "Volunteers cleaned the flamingo pond.",
                "The elephants moved to a larger paddock.",
            ]
        )
    ),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ClaimIndex.build(CLAIMS))


def test_a_further_answer_that_covers_too_little_of_the_question_is_left_out(matcher: Matcher) -> None:
    result = matcher.find_matches("walrus harbour")
    assert [m.claim_id for m in result.matches] == ["walrus"]
    best = result.matches[0]
    # Without the walrus claim the harbour-seals claim leads (and the matcher abstains):
    # its score passes the relative-score rule, so coverage alone keeps it out.
    alone = matcher.find_matches("walrus harbour", skip={"walrus"})
    assert alone.matches == [] and alone.near[0].claim_id == "harbour-seals"
    runner_up = alone.near[0]
    assert runner_up.score >= MIN_RELATIVE_SCORE * best.score
    assert runner_up.coverage < MIN_FURTHER_COVERAGE


@pytest.mark.parametrize(
    ("question", "first"),
    [("harbour seals", "harbour-seals"), ("walrus pool", "walrus"), ("walrus", "walrus")],
)
def test_each_claim_answers_what_it_covers(matcher: Matcher, question: str, first: str) -> None:
    assert [m.claim_id for m in matcher.find_matches(question).matches][:1] == [first]

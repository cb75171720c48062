"""Questions that describe instead of name, through `service.ask`, one table per kind.

People describe who they mean by a role and whose it is ("the Kremlin leader's
spokesman"), describe what was said instead of quoting it ("what word did he
use for …"), add the occasion of what they ask ("… when he ruled out …") or a
condition ("… if European troops were sent"), and mistype. The questions are
written for these tests; each table has questions the sources answer and
questions of the same shape they do not, which must be refused.
"""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.answering.reader import Attribute, read_question

HEGSETH_VENUE = {"hegseth-spoke-at-nato-in-brussels", "hegseth-spoke-at-ramstein-meeting"}

# Whose office a description names is not required of the claim: (question, claims answering first).
ROLES: list[tuple[str, set[str]]] = [
    (
        "How did the Russian president's spokesman react when a land swap was floated?",
        {"kremlin-rejects-territory-swap"},
    ),
    ("Which of Trump's defence advisers got sidelined?", {"kellogg-excluded"}),
    # An office described by its field: "adviser on defence matters" is a defence adviser.
    ("Who was the adviser on defence matters that Trump shut out?", {"kellogg-excluded"}),
    ("What part did the president's envoy play in freeing the American teacher?", {"witkoff-role-in-fogel-release"}),
    # A head of state stands for the country in a description: Trump's envoy is the American one.
    ("What did Trump's envoy do for Fogel?", {"witkoff-role-in-fogel-release"}),
    ("What did Trump's defence secretary say about sending US troops?", {"hegseth-no-us-troops"}),
]

# Asked for a word or phrase: what describes it and the verb of naming are not required.
WORDING: list[tuple[str, set[str]]] = [
    # The answer quotes the word: "ruled out" is no word for it.
    ("Which term did Hegseth use for Ukraine joining NATO?", {"hegseth-nato-membership-unrealistic"}),
    ("What word did Zelenskyy pick to describe his talk with Trump?", {"zelenskyy-call-good-and-detailed"}),
    ("Which phrase did a senior European diplomat apply to the American position?", {"diplomat-premature-surrender"}),
    ("What harsh description did Trump give the war on Truth Social?", {"trump-ridiculous-war-post"}),
]

# The occasion ("when …") and a condition ("if …") set the scene of what is asked.
OCCASIONS: list[tuple[str, set[str]]] = [
    ("Where did the US defence chief give his speech while ruling out NATO membership?", HEGSETH_VENUE),
    ("What platform was Trump using when he made the call public?", {"call-announced-on-truth-social"}),
    (
        "What did Hegseth warn British troops would lack if they were deployed to defend Kyiv?",
        {"hegseth-no-article-5-cover"},
    ),
]

# Slips mended before the question is read: names fold, "how much" reads its noun.
TYPOS: list[tuple[str, set[str]]] = [
    ("How much millitary aid is Britian sending this year?", {"uk-4-5-billion-military-aid"}),
    ("Besides Ukraine, did they discus the Midle East?", {"call-topics-discussed"}),
    ("On what platform did Trump anounce it, Truht Social?", {"call-announced-on-truth-social"}),
]

# The same shapes about what the sources never say: refused.
REFUSED = [
    # A role whose holder the articles never name, possessed like the ones above.
    "What did the Kremlin leader's chief negotiator say about Kursk?",
    "What did Putin's foreign minister think of the phone conversation?",
    # A word asked for about something the articles never mention.
    "What word did Trump use for the Olympic games?",
    "Which nickname did Putin give the Japanese prime minister?",
    # The occasion names a place the articles never mention.
    "Where was the Pentagon's boss giving a speech while he toured Tokyo?",
    # A title of ordinary words ("war", "peace") names a work the articles never mention.
    "Who wrote War and Peace?",
    # A slip away from a real word is that word, not a claim's ("weight" is not "eight").
    "What was the weight of the Pentagon chief's luggage?",
]


async def _first(service: TalksService, question: str) -> str | None:
    result = answer_json(await service.ask(question))
    return result["answers"][0]["claim_id"] if result["answered"] else None


@pytest.mark.parametrize(("question", "claims"), ROLES + WORDING + OCCASIONS + TYPOS)
async def test_described_questions_are_answered(service: TalksService, question: str, claims: set[str]) -> None:
    assert await _first(service, question) in claims


@pytest.mark.parametrize("question", REFUSED)
async def test_described_questions_the_sources_do_not_answer_are_refused(service: TalksService, question: str) -> None:
    assert await _first(service, question) is None


@pytest.mark.parametrize(
    ("question", "qualifiers"),
    [
        ("What did Putin's spokesman say?", ("putin",)),
        ("Was one of the president's military advisers left out?", ("president",)),
        ("What happens if Kyiv gives up Crimea?", ("kyiv", "gives", "up", "crimea")),
        ("Did Putin mention the spokesman?", ()),
    ],
)
def test_qualifiers(question: str, qualifiers: tuple[str, ...]) -> None:
    assert read_question(question).qualifiers == qualifiers


@pytest.mark.parametrize(
    ("question", "focus", "attribute"),
    [
        ("What insulting word did Trump apply to the allies?", "What did Trump to the allies?", Attribute.WORDING),
        ("Who are the advisers on security matters?", "Who are the security advisers?", Attribute.PERSON),
        ("Where was Healey speaking when he met Hegseth?", "Where was Healey speaking?", Attribute.PLACE),
        # Without its occasion the question would ask about nobody in particular.
        ("What did Healey argue when asked about aid?", "What did Healey argue when asked about aid?", Attribute.SAID),
        ("Does Kyiv keep asking for guarantees?", "Does Kyiv asking for guarantees?", Attribute.YES_NO),
    ],
)
def test_reading_described_questions(question: str, focus: str, attribute: Attribute) -> None:
    reading = read_question(question)
    assert (reading.focus, reading.attribute) == (focus, attribute)

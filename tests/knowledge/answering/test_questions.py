"""Splitting a chat message into its questions."""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.answering.questions import split_questions

SPLITS: list[tuple[str, list[str]]] = [
    ("what was the length of the call", ["what was the length of the call"]),
    ("who negotiates for the US? and where will they meet?", ["who negotiates for the US?", "where will they meet?"]),
    ("who is witkoff?? also when is munich", ["who is witkoff?", "when is munich"]),
    ("Hey. What did Healey promise?", ["What did Healey promise?"]),
    ("I read about the call. Who else was on it?", ["I read about the call.", "Who else was on it?"]),
    ("What did Mr. Rubio say", ["What did Mr. Rubio say"]),
    ("where is the summit? lol", ["where is the summit?"]),
    ("thanks!", ["thanks!"]),
    ("", []),
    # Two questions in one sentence, joined by ", and", "; also", "plus", "as well as", "and also".
    (
        "Who is on the US team, and when does the Munich conference open?",
        ["Who is on the US team", "when does the Munich conference open?"],
    ),
    (
        "Where will they meet; also, how many minutes did they talk?",
        ["Where will they meet", "how many minutes did they talk?"],
    ),
    (
        "What did Baerbock stress plus what did Sikorski argue",
        ["What did Baerbock stress", "what did Sikorski argue"],
    ),
    (
        "How much is Britain giving as well as who announced it?",
        ["How much is Britain giving", "who announced it?"],
    ),
    ("Who is Rubio and also who is Waltz", ["Who is Rubio", "who is Waltz"]),
    (
        "When did they talk, and where will they meet, and who will negotiate?",
        ["When did they talk", "where will they meet", "who will negotiate?"],
    ),
    # One question: "and" joins names, or what follows is not a question, or what comes before is not.
    ("What did Rutte and von der Leyen say?", ["What did Rutte and von der Leyen say?"]),
    ("Do the presidents plan to meet, and when?", ["Do the presidents plan to meet, and when?"]),
    (
        "The call came before Munich, and what did critics make of that?",
        ["The call came before Munich, and what did critics make of that?"],
    ),
]


@pytest.mark.parametrize(("message", "questions"), SPLITS)
def test_split_questions(message: str, questions: list[str]) -> None:
    assert split_questions(message) == questions


# (message, claims one of which answers the first question, the other questions)
COMPOUND: list[tuple[str, set[str], list[str]]] = [
    (
        "Who is on the US team, and when does the Munich conference open?",
        {"us-team-four-members", "us-team-three-members"},
        ["when does the Munich conference open?"],
    ),
    (
        "Where is the summit to be held; also, how long was their call?",
        {"trump-putin-to-meet-in-saudi-arabia"},
        ["how long was their call?"],
    ),
    (
        "What did Baerbock stress plus what did Sikorski argue?",
        {"baerbock-peace-only-together", "baerbock-no-decision-without-ukraine"},
        ["what did Sikorski argue?"],
    ),
]


@pytest.mark.parametrize(("message", "claims", "others"), COMPOUND)
async def test_each_question_of_a_message_is_its_own(
    service: TalksService, message: str, claims: set[str], others: list[str]
) -> None:
    result = answer_json(await service.ask(message))
    assert result["answered"] and result["answers"][0]["claim_id"] in claims, result["answers"]
    assert result["other_questions"] == others

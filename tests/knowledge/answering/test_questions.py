"""Splitting a chat message into its questions."""

from __future__ import annotations

import pytest

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
]


@pytest.mark.parametrize(("message", "questions"), SPLITS)
def test_split_questions(message: str, questions: list[str]) -> None:
    assert split_questions(message) == questions

"""Folding chat register: what is dropped, what is spelled out, what is left alone."""

from __future__ import annotations

import pytest

from knowledge.answering.chat_words import fold_chat, is_only_chatter

FOLDS: list[tuple[str, str]] = [
    ("yo wat r the allies sayin lol", "what are the allies sayin"),
    ("pls tell me abt the convo b4 munich", "tell me about the conversation before munich"),
    ("whos gonna attend the conf", "who is going to attend the conference"),
    ("did the uk sec say anything??", "did the uk secretary say anything?"),
    ("what did the us side offer", "what did the USA side offer"),
    ("is it £4.5 billion or 5%?", "is it £4.5 billion or 5%?"),
    ("What did the U.S. say?", "What did the U.S. say?"),
    ("Who is Witkoff?", "Who is Witkoff?"),
]


@pytest.mark.parametrize(("typed", "folded"), FOLDS)
def test_fold_chat(typed: str, folded: str) -> None:
    assert fold_chat(typed) == folded


@pytest.mark.parametrize(("typed", "chatter"), [("ty bot u rock", False), ("lol ok thx", True), ("hey", True)])
def test_is_only_chatter(typed: str, chatter: bool) -> None:
    assert is_only_chatter(typed) is chatter

"""The knowledge layer's user sentences live in `knowledge.messages`, and the ones with a limit state it."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

import knowledge
import knowledge.store  # defines the store's own errors (DuplicateArticle)
from knowledge import messages
from knowledge.errors import TalksbotError

KNOWLEDGE = Path(knowledge.__file__).parent


def _error_names(cls: type[BaseException] = TalksbotError) -> set[str]:
    """TalksbotError and every subclass: errors whose message users see."""
    return {cls.__name__}.union(*(_error_names(sub) for sub in cls.__subclasses__()))


def _sentences_written_in_place(path: Path) -> list[str]:
    """`raise BadInput("…")`, `NotFound(f"…")`, `super().__init__(f"…")` (in an error class):
    a sentence users see that is not taken from `knowledge.messages`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_error = isinstance(func, ast.Name) and func.id in _error_names()
        is_init = isinstance(func, ast.Attribute) and func.attr == "__init__"
        if (is_error or is_init) and any(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args):
            found.append(f"{path.relative_to(KNOWLEDGE.parent)}:{node.lineno}")
    return found


def test_no_store_sentence_is_written_outside_the_messages_module() -> None:
    files = [*sorted((KNOWLEDGE / "store").glob("*.py")), KNOWLEDGE / "errors.py"]
    assert [hit for f in files for hit in _sentences_written_in_place(f)] == []


@pytest.mark.parametrize(
    ("per_window", "window", "wait", "sentence"),
    [
        (5, timedelta(hours=1), timedelta(minutes=60), "You can make 5 suggestions an hour; try again in 60 minutes."),
        (5, timedelta(hours=1), timedelta(minutes=11, seconds=1), "… an hour; try again in 12 minutes."),
        (5, timedelta(hours=1), timedelta(seconds=5), "… an hour; try again in 1 minute."),
        (
            3,
            timedelta(days=1),
            timedelta(hours=5, minutes=1),
            "You can make 3 suggestions a day; try again in 6 hours.",
        ),
        (2, timedelta(hours=2), timedelta(minutes=30), "… every 2 hours; try again in 30 minutes."),
        (4, timedelta(minutes=30), timedelta(minutes=30), "… every 30 minutes; try again in 30 minutes."),
    ],
)
def test_the_suggestion_limit_states_the_limit_and_when_to_come_back(
    per_window: int, window: timedelta, wait: timedelta, sentence: str
) -> None:
    said = messages.suggestion_limit(per_window, window, wait)
    if sentence.startswith("…"):
        assert said.endswith(sentence.removeprefix("…")), said
    else:
        assert said == sentence

"""The queue's chat rules: which buttons an item gets, and what a press or chat words record."""

from __future__ import annotations

import pytest

from bot.permissions import Actor
from bot.queue_actions import DISMISS_REASON, REJECT_REASON, act, buttons_for, is_queue_action, press
from bot.service import TalksService
from knowledge.errors import PermissionDenied
from knowledge.models import Moderator, Place, QueueItem
from tests.conftest import OPERATOR

CLAIM = "call-length-90-minutes"
READER = Actor(Moderator(platform="discord", user_id="42", name="reader", community_id="1"))


@pytest.mark.parametrize(
    ("kind", "buttons"),
    [
        ("unanswered", ("dismiss",)),
        ("wrong", ("dismiss",)),
        ("suggestion", ("accept", "reject")),
        ("candidate", ("accept", "reject")),
    ],
)
def test_a_question_is_dismissed_and_a_proposal_decided(kind: str, buttons: tuple[str, ...]) -> None:
    item = QueueItem.model_validate(
        {
            "id": 1,
            "kind": kind,
            "text": "t",
            "first_at": "2025-02-14T09:00:00+00:00",
            "last_at": "2025-02-14T09:00:00+00:00",
        }
    )
    assert buttons_for(item) == buttons


@pytest.mark.parametrize("name", ["dismiss", "accept", "reject"])
def test_queue_actions_are_the_three_verbs(name: str) -> None:
    assert is_queue_action(name)
    assert not is_queue_action(name.upper()) and not is_queue_action(f"{name}x")


async def _question(service: TalksService) -> QueueItem:
    await service.ask("What is the best borscht recipe?", Place(platform="discord", community_id="1"))
    [item] = await service.queue(OPERATOR)
    return item


async def _suggestion(service: TalksService) -> QueueItem:
    stored = await service.suggest(READER, CLAIM, "The call lasted about 80 minutes.", "I read it elsewhere")
    return next(i for i in await service.queue(OPERATOR) if i.suggestion_id == stored.id)


async def test_a_press_records_the_default_reasons(service: TalksService) -> None:
    question = await _question(service)
    await press(service, OPERATOR, "dismiss", question.id)
    assert (await service.queue_item(OPERATOR, question.id)).close_reason == DISMISS_REASON
    suggestion = await _suggestion(service)
    await press(service, OPERATOR, "reject", suggestion.id)
    assert (await service.queue_item(OPERATOR, suggestion.id)).close_reason == REJECT_REASON
    accepted = await _suggestion(service)
    await press(service, OPERATOR, "accept", accepted.id)
    assert (await service.claim(CLAIM)).claim.text == "The call lasted about 80 minutes."


async def test_chat_words_are_the_reason(service: TalksService) -> None:
    question = await _question(service)
    await act(service, OPERATOR, "dismiss", question.id, "off-topic")
    assert (await service.queue_item(OPERATOR, question.id)).close_reason == "off-topic"
    suggestion = await _suggestion(service)
    await act(service, OPERATOR, "accept", suggestion.id, "confirmed by the Kremlin")
    [entry] = [e for e in (await service.history(OPERATOR, CLAIM)).entries if e.action == "correct"]
    assert entry.reason == "confirmed by the Kremlin"


async def test_a_reader_cannot_press(service: TalksService) -> None:
    question = await _question(service)
    with pytest.raises(PermissionDenied):
        await press(service, READER, "dismiss", question.id)
    assert (await service.queue_item(OPERATOR, question.id)).status == "open"

"""What a moderator can do to a review-queue item from chat: which buttons an item
gets, the reasons a button press records, and how chat words become a decision.

Every platform's listing and buttons follow these rules; the adapters only draw
the buttons and turn a press back into `press()`.
"""

from __future__ import annotations

from typing import Literal, Protocol, TypeGuard

from bot.permissions import Actor
from knowledge.models import QueueItem

QueueAction = Literal["dismiss", "accept", "reject"]
QUEUE_ACTIONS: tuple[QueueAction, ...] = ("dismiss", "accept", "reject")

# A button carries no typed reason, so a press records these.
DISMISS_REASON = "not in the articles"
REJECT_REASON = "rejected from the queue listing"

# Kinds a moderator decides (accept or reject); every other item can only be dismissed.
_DECIDED = frozenset({"suggestion", "candidate"})


class QueueDecisions(Protocol):
    """The service's queue writes that a queue action needs (each re-checks the actor)."""

    async def dismiss(self, actor: Actor, item_id: int, reason: str) -> object: ...

    async def decide(
        self, actor: Actor, item_id: int, *, accept: bool, reason: str | None = None, text: str | None = None
    ) -> object: ...

    async def accept_from_chat(self, actor: Actor, item_id: int, words: str | None = None) -> object: ...


def buttons_for(item: QueueItem) -> tuple[QueueAction, ...]:
    """The actions a listing offers for `item`, in the order they are shown."""
    return ("accept", "reject") if item.kind in _DECIDED else ("dismiss",)


def is_queue_action(name: str) -> TypeGuard[QueueAction]:
    """Whether `name` (from a button a client sent back, so untrusted) is a queue action."""
    return name in QUEUE_ACTIONS


async def act(service: QueueDecisions, actor: Actor, action: QueueAction, item_id: int, words: str | None) -> None:
    """Writes (moderators only; the service re-checks): one queue action with a moderator's words.

    `words` are the reason for a dismiss or a reject; for an accept they are a
    suggestion's reason or a candidate's replacement text (`accept_from_chat`).
    """
    if action == "dismiss":
        await service.dismiss(actor, item_id, words or "")
    elif action == "accept":
        await service.accept_from_chat(actor, item_id, words)
    else:
        await service.decide(actor, item_id, accept=False, reason=words)


async def press(service: QueueDecisions, actor: Actor, action: QueueAction, item_id: int) -> None:
    """Writes (moderators only): a listing button was pressed. Dismiss and reject record the
    default reasons; accept takes a suggestion or a candidate as it stands."""
    reason = {"dismiss": DISMISS_REASON, "reject": REJECT_REASON}.get(action)
    await act(service, actor, action, item_id, reason)

"""What every `talksbot` command shares: the operator, the service, printing."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot import messages
from bot.cli import render
from bot.permissions import LOCAL_PLATFORM, Actor
from bot.replies import Reply
from bot.service import TalksService
from bot.settings import Settings
from bot.wiring import open_service
from knowledge.models import Moderator

log = logging.getLogger("talksbot")

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def operator_of(args: argparse.Namespace, settings: Settings) -> Actor:
    # `history` has no --by: it reads as the configured operator.
    name = (getattr(args, "by", None) or settings.operator or "").strip()
    return Actor(Moderator(platform=LOCAL_PLATFORM, user_id=name, name=name))


async def with_service(
    settings: Settings, work: Callable[[TalksService], Awaitable[int]], *, writes: bool = False
) -> int:
    # Write commands never create a database: a mistyped TALKSBOT_DB must not
    # record a correction in a fresh file. A command that exits when done has
    # no use for other processes' change notifications.
    async with open_service(settings, create=not writes, listen=False) as service:
        return await work(service)


async def reach_sentence(service: TalksService, change_id: int) -> str:
    """How many posted messages the change will update (the bots' outbox workers do it)."""
    return messages.reach_sentence((await service.reach(change_id)).queued)


def print_reply(reply: Reply) -> None:
    print(render.render(reply))


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))

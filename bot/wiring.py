"""The composition root: settings → store → service. Every entry point starts here.

The CLI commands, `talksbot run discord` and `talksbot run slack` all open
their service through `open_service`, so there is one place that decides
which database, which moderation policy and which clock a process uses.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.service import TalksService
from bot.settings import Settings
from knowledge.store import Store

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_service(
    settings: Settings, *, create: bool = True, build: bool = True, listen: bool = True
) -> AsyncIterator[TalksService]:
    """A started service on the configured database; closes the database on exit.

    `create=False` (write commands) refuses a missing database instead of
    making a new one. `build=False` skips the curated reload (pure readers).
    `listen=False` (one-shot commands) skips subscribing to other processes' changes.
    """
    async with Store.open(settings.db, create=create) as store:
        service = TalksService(
            store, policy=settings.moderation_policy(), posted_retention=timedelta(days=settings.posted_retention_days)
        )
        await service.start(build=build, listen=listen)
        try:
            yield service
        finally:
            await service.stop()


def log_moderation_scope(settings: Settings) -> None:
    """One startup line saying who may change facts from chat."""
    log.info("moderation: %s", settings.moderation_policy().describe())

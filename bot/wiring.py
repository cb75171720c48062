"""The composition root: settings → store → service → background jobs. Every entry point starts here.

The CLI commands, `talksbot run discord` and `talksbot run slack` all open
their service through `open_service`, so there is one place that decides
which database, which moderation policy and which clock a process uses.
The digest scheduler and the outbox worker are built here too, each over a
desk that offers only what it needs (as Red hands a cog a `Config`, never the
driver); adapters supply only their platform's poster and editor.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from bot.outbox import MessageEditor, OutboxWorker
from bot.ratelimit import RateBudget
from bot.scheduler import DigestPoster, DigestScheduler
from bot.service import DigestDesk, OutboxDesk, TalksService
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
            store,
            policy=settings.moderation_policy(),
            posted_retention=timedelta(days=settings.posted_retention_days),
            public_url=settings.public_url,
        )
        await service.start(build=build, listen=listen)
        try:
            yield service
        finally:
            await service.stop()


def log_moderation_scope(settings: Settings) -> None:
    """One startup line saying who may change facts from chat."""
    log.info("moderation: %s", settings.moderation_policy().describe())


def digest_desk(service: TalksService) -> DigestDesk:
    """What a digest (scheduled or previewed) may read and record, and nothing more."""
    return DigestDesk(service)


def digest_scheduler(service: TalksService, platform: str, poster: DigestPoster, **options: Any) -> DigestScheduler:
    """The platform's digest scheduler over its narrow desk; `options` as `DigestScheduler`'s."""
    return DigestScheduler(digest_desk(service), platform, poster, **options)


def outbox_worker(service: TalksService, platform: str, editor: MessageEditor, **options: Any) -> OutboxWorker:
    """The platform's outbox worker over its narrow desk; `options` as `OutboxWorker`'s."""
    return OutboxWorker(OutboxDesk(service), platform, editor, **options)


def rate_budget(service: TalksService) -> RateBudget:
    """The platforms' rate limits as every process on this database shares them (bot/ratelimit.py)."""
    return RateBudget(service._store.budget)

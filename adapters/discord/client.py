"""The Discord client: intents, the command tree, persistent buttons and the digest loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord

from adapters.discord.commands import TalksTree, register
from adapters.discord.deps import PLATFORM, AdapterDeps
from adapters.discord.editor import DiscordEditor
from adapters.discord.feedback import FeedbackButton
from adapters.discord.poster import ChannelPoster
from adapters.discord.queue import QueueButton
from adapters.discord.respond import NO_PINGS
from adapters.discord.shards import ShardPlan
from bot.wiring import digest_scheduler, outbox_worker, rate_budget

log = logging.getLogger(__name__)

# The smallest value discord.py accepts for max_ratelimit_timeout.
RATE_LIMIT_WAIT = 30.0

# What the invite URL asks for: View Channels, Send Messages, Send Messages in
# Threads and Embed Links. Slash command replies need none of these (they are
# webhooks); the scheduled digest, posted with the bot token, needs them all.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, embed_links=True
)
INVITE_SCOPES = ("bot", "applications.commands")


def intents() -> discord.Intents:
    """Guilds only (for role names in the moderator check): no privileged intent.

    Message content is not needed: the "Ask talksbot" menu receives the message
    text inside the interaction itself.
    """
    return discord.Intents(guilds=True)


def guard_parsers(parsers: dict[str, Callable[[Any], Any]]) -> None:
    """Make each gateway event parser drop, with one log line, an event it cannot parse.

    discord.py calls these parsers inside its gateway loop, which lets any exception
    through: one malformed or unexpected event (a member without its user, a shape
    newer than the library) would end the connection and the bot. The line names the
    event and the exception type only: the payload carries users' ids and tokens.
    """
    for event, parse in list(parsers.items()):
        parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def guarded(data: Any) -> Any:
        try:
            return parse(data)
        except Exception as exc:
            log.warning("dropped one %s event discord.py could not parse (%s)", event, type(exc).__name__)
            return None

    return guarded


class _TalksClientMixin:
    """Shared by the plain and the auto-sharded client (discord.py makes them separate classes)."""

    def __init__(
        self,
        deps: AdapterDeps,
        *,
        schedule_digests: bool = True,
        shards: ShardPlan | None = None,
        deliver_updates: bool | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("intents", intents())
        options.setdefault("allowed_mentions", NO_PINGS)
        # discord.py waits out a 429 itself up to this many seconds; a longer wait raises
        # discord.RateLimited, which the outbox worker turns into a rescheduled row.
        options.setdefault("max_ratelimit_timeout", RATE_LIMIT_WAIT)
        if shards is not None:
            options.update(shard_ids=list(shards.ids), shard_count=shards.count)
        super().__init__(**options)
        guard_parsers(self._connection.parsers)  # type: ignore[attr-defined]
        self.deps = deps
        self.tree = TalksTree(self)  # type: ignore[arg-type]
        register(self.tree, deps)
        # A guild's digest is posted by the process that holds the guild's shard.
        owns = (lambda sub: shards.owns(sub.community_id)) if shards is not None else None
        self.scheduler = digest_scheduler(
            deps.service,
            PLATFORM,
            ChannelPoster(self, budget=rate_budget(deps.service)),  # type: ignore[arg-type]
            owns=owns,
        )
        self.schedule_digests = schedule_digests
        self._digest_task: asyncio.Task[None] | None = None
        editor = DiscordEditor(self, budget=rate_budget(deps.service))  # type: ignore[arg-type]
        self.outbox = outbox_worker(deps.service, PLATFORM, editor)
        self.deliver_updates = schedule_digests if deliver_updates is None else deliver_updates
        self._outbox_task: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        # Registering the item class (not a view per message) is what makes old buttons work after a restart.
        self.add_dynamic_items(FeedbackButton, QueueButton)  # type: ignore[attr-defined]
        if self.schedule_digests:
            self._digest_task = asyncio.create_task(self.scheduler.run_forever(), name="talksbot-digests")
        if self.deliver_updates:
            self._outbox_task = asyncio.create_task(self.outbox.run_forever(), name="talksbot-outbox")

    async def close(self) -> None:
        for task in (self._digest_task, self._outbox_task):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._digest_task = self._outbox_task = None
        await super().close()  # type: ignore[misc]

    async def on_ready(self) -> None:
        user = self.user  # type: ignore[attr-defined]
        log.info("connected to Discord as %s in %d guilds", user, len(self.guilds))  # type: ignore[attr-defined]


class TalksClient(_TalksClientMixin, discord.Client):
    """One gateway connection: right for all but very large installations."""


class ShardedTalksClient(_TalksClientMixin, discord.AutoShardedClient):
    """Discord decides the shard count; one process runs them all."""


def make_client(
    deps: AdapterDeps,
    *,
    sharded: bool = False,
    shards: ShardPlan | None = None,
    schedule_digests: bool = True,
    deliver_updates: bool | None = None,
    **options: Any,
) -> TalksClient | ShardedTalksClient:
    """A plain client, an auto-sharded one, or one running exactly the `shards` given (several hosts).

    `deliver_updates` (default: as `schedule_digests`) runs the outbox worker that edits old
    answers; every process may run it (edits go over REST, whatever shard holds the guild).
    """
    if shards is not None:
        return ShardedTalksClient(
            deps, schedule_digests=schedule_digests, shards=shards, deliver_updates=deliver_updates, **options
        )
    cls = ShardedTalksClient if sharded else TalksClient
    return cls(deps, schedule_digests=schedule_digests, deliver_updates=deliver_updates, **options)

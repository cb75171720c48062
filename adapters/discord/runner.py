"""Running Discord: the service from the composition root (bot.wiring) → client.

`talksbot run discord` and `talksbot discord sync` (wired in adapters.main)
land here. Commands are published only by `sync`, never on connect: syncing is
rate-limited by Discord and only needed when the command definitions change.

While Discord cannot be reached (DNS failure, refused connection, 5xx) the
login is retried with capped backoff, one log line per attempt; once
connected, discord.py reconnects by itself. A rejected token ends the run
with exit 2. SIGINT and SIGTERM stop it at any point.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import aiohttp
import discord

from adapters.discord.client import INVITE_PERMISSIONS, INVITE_SCOPES, make_client
from adapters.discord.deps import AdapterDeps
from adapters.discord.shards import ShardPlan
from adapters.lifecycle import NoTraceback, Stopped, retrying, stop_on_signals, unless_stopped
from bot.settings import Settings, reveal
from bot.wiring import log_moderation_scope, open_service
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

TOKEN_REJECTED = "Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal."


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the network, a timeout, or Discord answering 5xx."""
    return isinstance(
        exc, aiohttp.ClientError | OSError | asyncio.TimeoutError | discord.DiscordServerError | discord.GatewayNotFound
    )


def _quiet_reconnects() -> None:
    # discord.py logs every reconnect attempt with a full traceback: one line says as much.
    for name in ("discord.client", "discord.shard"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoTraceback) for f in logger.filters):
            logger.addFilter(NoTraceback("Attempting a reconnect"))


async def run_discord(settings: Settings) -> int:
    """Connect and serve until stopped. Writes: builds the database on first use."""
    settings.require("discord_token")
    token = reveal(settings.discord_token) or ""
    sharded = settings.discord_sharded
    shards = ShardPlan.of(settings.discord_shards) if settings.discord_shards else None
    _quiet_reconnects()
    log_moderation_scope(settings)
    if shards is not None:
        log.info("running Discord shards %s of %d", ",".join(map(str, shards.ids)), shards.count)
    stop = asyncio.Event()
    stop_on_signals(stop)  # before the database opens, so a signal at any point is a clean stop
    async with open_service(settings) as service:
        deps = AdapterDeps(service=service, moderator_role=settings.discord_moderator_role)
        with contextlib.suppress(Stopped):  # a signal while connecting or retrying: a normal stop
            await _serve(deps, token, sharded=sharded, shards=shards, stop=stop)
    log.info("talksbot Discord bot stopped")
    return 0


async def _serve(
    deps: AdapterDeps, token: str, *, sharded: bool, shards: ShardPlan | None, stop: asyncio.Event
) -> None:
    async def connect() -> None:
        # A fresh client per attempt: a failed login leaves discord.py's HTTP session half set up.
        async with make_client(deps, sharded=sharded, shards=shards, schedule_digests=True) as client:
            try:
                await client.login(token)
            except discord.LoginFailure as exc:
                raise BadInput(TOKEN_REJECTED) from exc
            # connect() returns only when closed; once connected it reconnects by itself.
            await unless_stopped(client.connect(reconnect=True), stop)

    await retrying(connect, stop=stop, what="Discord", transient=is_transient)


async def sync_commands(settings: Settings, guild_id: int | None = None, *, echo: Callable[[str], None] = print) -> int:
    """Publish the command definitions globally, or to one guild (instant there, handy while testing)."""
    settings.require("discord_token")
    token = reveal(settings.discord_token) or ""
    async with open_service(settings, build=False) as service:
        # Syncing sends definitions only; the service is never asked anything here.
        deps = AdapterDeps(service=service, moderator_role=settings.discord_moderator_role)
        async with make_client(deps, schedule_digests=False) as client:
            try:
                await client.login(token)
            except discord.LoginFailure as exc:
                raise BadInput(TOKEN_REJECTED) from exc
            except (TimeoutError, aiohttp.ClientError, OSError, discord.DiscordServerError) as exc:
                raise BadInput("Discord cannot be reached; check the network and try again.") from exc
            if guild_id is None:
                synced = await client.tree.sync()
                where = "globally (Discord may take up to an hour to show changes)"
            else:
                guild = discord.Object(id=guild_id)
                client.tree.copy_global_to(guild=guild)
                synced = await client.tree.sync(guild=guild)
                where = f"to guild {guild_id}"
            echo(f"Synced {len(synced)} commands {where}: {', '.join(sorted(c.name for c in synced))}.")
            if client.application_id is not None:
                url = discord.utils.oauth_url(
                    client.application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
                )
                echo(f"Invite URL: {url}")
    return 0

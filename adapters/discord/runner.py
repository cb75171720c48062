"""Running Discord: the service from the composition root (bot.wiring) → client.

`talksbot run discord` and `talksbot discord sync` (wired in adapters.main)
land here. Commands are published only by `sync`, never on connect: syncing is
rate-limited by Discord and only needed when the command definitions change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord

from adapters.discord.client import INVITE_PERMISSIONS, INVITE_SCOPES, is_sharded, make_client
from adapters.discord.deps import AdapterDeps
from adapters.discord.shards import ShardPlan
from bot.settings import Settings
from bot.wiring import log_moderation_scope, open_service
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

TOKEN_REJECTED = "Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal."


async def run_discord(settings: Settings) -> int:
    """Connect and serve until stopped. Writes: builds the database on first use."""
    settings.require("discord_token")
    assert settings.discord_token is not None
    sharded = is_sharded(settings.discord_sharded)
    shards = ShardPlan.parse(settings.discord_shards) if settings.discord_shards else None
    log_moderation_scope(settings)
    if shards is not None:
        log.info("running Discord shards %s of %d", ",".join(map(str, shards.ids)), shards.count)
    async with open_service(settings) as service:
        deps = AdapterDeps(service=service, moderator_role=settings.discord_moderator_role)
        async with make_client(deps, sharded=sharded, shards=shards, schedule_digests=True) as client:
            try:
                await client.start(settings.discord_token)
            except discord.LoginFailure as exc:
                raise BadInput(TOKEN_REJECTED) from exc
    return 0


async def sync_commands(settings: Settings, guild_id: int | None = None, *, echo: Callable[[str], None] = print) -> int:
    """Publish the command definitions globally, or to one guild (instant there, handy while testing)."""
    settings.require("discord_token")
    assert settings.discord_token is not None
    async with open_service(settings, build=False) as service:
        # Syncing sends definitions only; the service is never asked anything here.
        deps = AdapterDeps(service=service, moderator_role=settings.discord_moderator_role)
        async with make_client(deps, schedule_digests=False) as client:
            try:
                await client.login(settings.discord_token)
            except discord.LoginFailure as exc:
                raise BadInput(TOKEN_REJECTED) from exc
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

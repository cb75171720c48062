"""Who may do what in a guild. `default_permissions` only hides commands in the
picker (a server admin can change that), so every guarded command also runs
these checks."""

from __future__ import annotations

import discord

from adapters.discord import messages as dmsg
from adapters.discord.deps import PLATFORM
from adapters.discord.respond import Refused
from bot import messages
from knowledge.models import Moderator


async def has_role_named(interaction: discord.Interaction, role_name: str | None) -> bool:
    """Whether the member holds a role called `role_name` (case-insensitive)."""
    member = interaction.user
    if not role_name or not isinstance(member, discord.Member) or interaction.guild is None:
        return False
    wanted = role_name.casefold()
    roles = interaction.guild.roles
    if not roles:
        # The guild is not in the gateway cache (not yet received, or another shard's):
        # the interaction gives role ids only, so ask the API for their names.
        roles = await interaction.guild.fetch_roles()
    # Member.roles resolves ids through the same cache, so test membership by id.
    return any(r.name.casefold() == wanted and member._roles.has(r.id) for r in roles)


async def is_moderator(interaction: discord.Interaction, role_name: str | None) -> bool:
    """Manage Messages in this channel (as Discord resolved it), or the moderator role."""
    if interaction.guild_id is None:
        return False
    perms = interaction.permissions
    return perms.administrator or perms.manage_messages or await has_role_named(interaction, role_name)


async def can_manage_digest(interaction: discord.Interaction, role_name: str | None) -> bool:
    """Manage Channels in this channel, or the moderator role."""
    if interaction.guild_id is None:
        return False
    perms = interaction.permissions
    return perms.administrator or perms.manage_channels or await has_role_named(interaction, role_name)


async def require_moderator(interaction: discord.Interaction, role_name: str | None) -> Moderator:
    """The acting moderator, or Refused (an ephemeral sentence via the tree's error handler)."""
    if not await is_moderator(interaction, role_name):
        raise Refused(messages.NOT_MODERATOR)
    return moderator_of(interaction.user)


async def require_digest_manager(interaction: discord.Interaction, role_name: str | None) -> None:
    if interaction.guild_id is None:
        raise Refused(dmsg.GUILD_ONLY)
    if not await can_manage_digest(interaction, role_name):
        raise Refused(dmsg.NOT_DIGEST_MANAGER)


def moderator_of(user: discord.User | discord.Member) -> Moderator:
    return Moderator(platform=PLATFORM, user_id=str(user.id), name=user.display_name)

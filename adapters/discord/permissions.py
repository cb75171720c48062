"""What Discord says about a user: where they are and what rights they hold there.

Whether those rights let them change facts is decided by the core's policy
(the operator's configuration), never here: `default_permissions` only hides
commands in the picker, and a guild admin is not a talksbot moderator unless
the operator named that guild or user."""

from __future__ import annotations

import discord

from adapters.discord.deps import PLATFORM
from bot.permissions import Actor
from knowledge.models import Moderator, Place


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


async def is_community_moderator(interaction: discord.Interaction, role_name: str | None) -> bool:
    """What Discord says about the user in this guild: Manage Messages, Administrator
    or the moderator role. Whether that counts is the operator's policy (bot.permissions)."""
    if interaction.guild_id is None:
        return False
    perms = interaction.permissions
    return perms.administrator or perms.manage_messages or await has_role_named(interaction, role_name)


async def is_channel_manager(interaction: discord.Interaction, role_name: str | None) -> bool:
    """Manage Channels in this channel, or the moderator role: enough for this channel's own digest."""
    if interaction.guild_id is None:
        return False
    perms = interaction.permissions
    return perms.administrator or perms.manage_channels or await has_role_named(interaction, role_name)


def place_of(interaction: discord.Interaction) -> Place:
    """Where the interaction happened; a DM has no community and is private."""
    guild = interaction.guild
    return Place(
        platform=PLATFORM,
        community_id=str(interaction.guild_id) if interaction.guild_id else None,
        community_name=guild.name if guild is not None and getattr(guild, "name", None) else None,
        channel_id=str(interaction.channel_id) if interaction.channel_id else None,
        is_private=interaction.guild_id is None,
    )


def moderator_of(interaction: discord.Interaction) -> Moderator:
    place = place_of(interaction)
    user = interaction.user
    return Moderator(
        platform=PLATFORM,
        user_id=str(user.id),
        name=user.display_name,
        community_id=place.community_id,
        community_name=place.community_name,
    )


async def actor_of(interaction: discord.Interaction, role_name: str | None, *, for_digest: bool = False) -> Actor:
    """The user as the core's permission policy sees them."""
    local = (
        await is_channel_manager(interaction, role_name)
        if for_digest
        else await is_community_moderator(interaction, role_name)
    )
    return Actor(moderator_of(interaction), community_moderator=local)

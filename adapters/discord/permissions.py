"""What Discord says about a user: where they are and what rights they hold there.

Whether those rights let them change facts is decided by the core's policy
(the operator's configuration), never here: `default_permissions` only hides
commands in the picker, and a guild admin is not a talksbot moderator unless
the operator named that guild or user."""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord

from adapters.discord.deps import PLATFORM
from bot.permissions import Actor
from knowledge.models import Moderator, Place

log = logging.getLogger(__name__)


async def has_role_named(interaction: discord.Interaction, role_name: str | None) -> bool:
    """Whether the member holds a role called `role_name` (case-insensitive).

    Fails closed: when the role names cannot be read (an app a member installed for
    themselves is not in the guild, and Discord answers 403), the answer is no, with one
    log line and no traceback."""
    member = interaction.user
    if not role_name or not isinstance(member, discord.Member) or interaction.guild is None:
        return False
    wanted = role_name.casefold()
    roles = interaction.guild.roles
    if not roles:
        # The guild is not in the gateway cache (not yet received, or another shard's):
        # the interaction gives role ids only, so ask the API for their names, which only
        # works where the guild itself installed the bot.
        if not interaction.is_guild_integration():
            log.warning(
                "guild %s: the app was installed by a user, not the server; its role names cannot be read,"
                " so the moderator role does not count there",
                interaction.guild_id,
            )
            return False
        try:
            roles = await interaction.guild.fetch_roles()
        except discord.HTTPException as exc:
            log.warning(
                "guild %s: reading role names failed (%s %s); the moderator role does not count",
                interaction.guild_id,
                exc.status,
                exc.code,
            )
            return False
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


def reader_of(interaction: discord.Interaction) -> Actor:
    """The user with no claim to moderate, for what anyone may do (suggest): no roles read."""
    return Actor(moderator_of(interaction))


async def actor_of(
    interaction: discord.Interaction,
    role_name: str | None,
    *,
    for_digest: bool = False,
    decides: Callable[[Actor], bool] | None = None,
) -> Actor:
    """The user as the core's permission policy sees them.

    `decides` is the policy question being asked (e.g. `service.may_moderate`): when the
    answer is the same whether or not the user moderates this guild (a named user; a guild
    the operator did not configure), their rights and roles are not looked up at all.
    """
    plain = reader_of(interaction)
    if decides is not None and (decides(plain) or not decides(Actor(plain.who, community_moderator=True))):
        return plain
    local = (
        await is_channel_manager(interaction, role_name)
        if for_digest
        else await is_community_moderator(interaction, role_name)
    )
    return Actor(plain.who, community_moderator=local)

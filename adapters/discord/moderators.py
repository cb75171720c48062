"""Moderator-only commands: one decorator (RoboDanny's `is_mod()`) and one group.

Discord's `default_permissions` only hides a command in the picker, and a guild's
admins can change it, so every moderator command is also refused before any work
unless the core's policy counts the user (the operator's configuration). The core
checks again on every write; this only refuses early, in one sentence.
"""

from __future__ import annotations

from typing import TypeVar

import discord
from discord import app_commands

from adapters.discord.deps import deps_of
from adapters.discord.permissions import actor_of
from adapters.discord.respond import Refused
from bot import messages
from bot.permissions import Actor

T = TypeVar("T")

# Who sees moderator commands in the picker until a guild changes it.
MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True)
# Interaction.extras is discord.py's place for per-interaction data: the check's actor, for the command.
_ACTOR = "talksbot.moderator"


async def is_moderator(interaction: discord.Interaction) -> bool:
    """The check: the core's policy counts this user as a moderator, or Refused."""
    deps = deps_of(interaction)
    # Roles are read only where they could change the answer (not for a named user).
    actor = await actor_of(interaction, deps.moderator_role, decides=deps.service.may_moderate)
    if not deps.service.may_moderate(actor):
        raise Refused(messages.NOT_MODERATOR)
    interaction.extras[_ACTOR] = actor
    return True


def moderator_command(func: T) -> T:
    """Moderators only: shown to Manage Messages in the picker, in guilds only, refused otherwise."""
    func = app_commands.check(is_moderator)(func)
    func = app_commands.guild_only()(func)
    return app_commands.default_permissions(MODERATOR_PERMISSIONS)(func)


class ModeratorGroup(app_commands.Group):
    """A command group for moderators only: Discord sets permissions on the top-level command,
    so the group carries them and checks every subcommand the way `moderator_command` does."""

    def __init__(self, *, name: str, description: str) -> None:
        super().__init__(
            name=name,
            description=description,
            default_permissions=MODERATOR_PERMISSIONS,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
        )

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await is_moderator(interaction)


def moderator(interaction: discord.Interaction) -> Actor:
    """The moderator the check admitted for this interaction."""
    actor = interaction.extras.get(_ACTOR)
    if not isinstance(actor, Actor):
        raise RuntimeError("a moderator command ran without moderator_command's check")
    return actor

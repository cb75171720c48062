"""What the Discord handlers need from the composition root, in one value."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.service import TalksService

PLATFORM = "discord"


@dataclass(frozen=True)
class AdapterDeps:
    """Built once by the runner and handed to the client, the commands and the buttons.

    `soft_deadline` is how long a handler may work before it defers: Discord
    drops an interaction that has no first response within 3 seconds.
    """

    service: TalksService
    moderator_role: str | None = None
    soft_deadline: float = 1.5


def deps_of(interaction: discord.Interaction) -> AdapterDeps:
    """The deps of the client that received `interaction` (persistent buttons have no other way in)."""
    deps = getattr(interaction.client, "deps", None)
    if not isinstance(deps, AdapterDeps):
        raise RuntimeError("the Discord client was built without AdapterDeps")
    return deps

"""Sending to an interaction: one path for first responses and follow-ups, the
3-second deadline, and the one place errors become sentences.

`send` cuts every message to Discord's limits (adapters.discord.limits) on its
way out; an error sentence, which may quote what the user typed, is escaped
like any other user text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord import app_commands

from adapters.discord import messages as dmsg
from adapters.discord.limits import fit_content, fit_embeds
from adapters.discord.markdown import inert
from bot import messages
from bot.terminal_text import one_line
from knowledge.errors import NotFound, TalksbotError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Every send passes this explicitly, so echoed text (questions, reasons, quotes) can never ping.
NO_PINGS = discord.AllowedMentions.none()


class Refused(app_commands.CheckFailure):
    """A permission check said no; the message is the sentence the user sees."""


async def send(
    interaction: discord.Interaction,
    *,
    content: str | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> int | None:
    """The first response if none was given yet, else a follow-up (after a defer).

    Returns the sent message's id when Discord reports it (it does for both paths),
    so the caller can remember the message for later corrections.
    """
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS, "ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = fit_content(content)
    if embeds:
        kwargs["embeds"] = fit_embeds(embeds)
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        sent = await interaction.followup.send(**kwargs, wait=True)
        return sent.id
    callback = await interaction.response.send_message(**kwargs)
    return callback.message_id if callback is not None else None


async def within_deadline(
    interaction: discord.Interaction, work: Awaitable[T], *, soft_deadline: float, ephemeral: bool
) -> T:
    """Await `work`; if it is not done after `soft_deadline` seconds, defer first so
    Discord's 3-second limit for the first response cannot expire meanwhile.

    A deferred reply's visibility is fixed by the defer, hence `ephemeral` here.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=soft_deadline)
    if not done and not interaction.response.is_done():
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    return await task


def error_sentence(error: BaseException) -> str | None:
    """The sentence for a known error, or None for one that must be logged."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError) and error.__cause__:
        error = error.__cause__
    if isinstance(error, NotFound):
        return f"{error} {dmsg.PICK_FROM_LIST}"
    if isinstance(error, TalksbotError | Refused):
        return str(error)
    if isinstance(error, app_commands.TransformerError):
        return dmsg.INVALID_VALUE.format(option=error.value)
    if isinstance(error, app_commands.NoPrivateMessage):
        return dmsg.GUILD_ONLY
    if isinstance(error, app_commands.CommandOnCooldown):
        return dmsg.COOLDOWN.format(seconds=error.retry_after)
    if isinstance(error, app_commands.BotMissingPermissions):
        return dmsg.BOT_MISSING_PERMISSIONS.format(permissions=", ".join(error.missing_permissions))
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return messages.NOT_MODERATOR
    return None


def _unavailable(error: BaseException) -> str | None:
    """The name of a command Discord sent but this bot does not have (removed, renamed, or
    registered in another shape since the user's client last synced), else None."""
    if isinstance(error, app_commands.CommandNotFound):
        return " ".join([*error.parents, error.name])
    if isinstance(error, app_commands.CommandSignatureMismatch):
        return error.command.qualified_name
    return None


def _command_name(interaction: discord.Interaction) -> str:
    """What the log may say about an interaction: its command's name or its type, never the
    payload (which carries the user, the member and the token)."""
    if interaction.command is not None:
        return "/" + interaction.command.qualified_name
    data: Any = interaction.data or {}
    name = data.get("name") if isinstance(data, dict) else None
    return f"/{one_line(str(name))[:100]}" if name else f"an interaction of type {interaction.type.name}"


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user in one ephemeral sentence; log unknown errors with their traceback.

    A command the bot does not have is not an error of the bot's: one log line (no
    traceback, no user), and the user is told it is not available.
    """
    stale = _unavailable(error)
    sentence: str | None = dmsg.COMMAND_UNAVAILABLE if stale is not None else error_sentence(error)
    if stale is not None:
        log.warning("Discord sent /%s, a command this bot does not have (sync the commands)", one_line(stale)[:100])
    elif sentence is None:
        log.error("unexpected error handling Discord %s", _command_name(interaction), exc_info=error)
        sentence = messages.UNKNOWN_ERROR
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            # Autocomplete takes choices, never a message: an empty list is the calm answer.
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        await send(interaction, content=inert(sentence or messages.UNKNOWN_ERROR), ephemeral=True)
    except discord.HTTPException:
        # The interaction may have expired; the user cannot be told, the log can.
        log.warning("could not send an error reply for interaction %s", interaction.id, exc_info=True)

"""The slash commands and the message menu: each callback is one core call and one reply.

Parameter descriptions are what Discord's command picker shows, so they are
written for the person typing. Moderator commands carry `@moderator_command`, a check that
runs before any work and refuses with one ephemeral sentence via the tree's handler.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import discord
from discord import app_commands

from adapters.discord import messages as dmsg
from adapters.discord.deps import AdapterDeps
from adapters.discord.editor import remember
from adapters.discord.feedback import feedback_view
from adapters.discord.moderators import moderator, moderator_command
from adapters.discord.permissions import actor_of, place_of, reader_of
from adapters.discord.queue import build_queue_group
from adapters.discord.render import (
    answer_embeds,
    choice_name,
    claim_card_embed,
    content,
    digest_embeds,
    escape,
    history_embed,
    no_answer_text,
    shorten,
    sources_embed,
)
from adapters.discord.respond import Refused, report_error, send, within_deadline
from bot import messages, translations
from bot.digest import preview_digest
from bot.replies import AnswerReply, DigestReply, NoAnswerReply
from bot.subscriptions import timezone_choices
from knowledge.models import DigestAudience, HistoryEntry

T = TypeVar("T")

ASK_MENU_NAME = "Ask talksbot"
QUESTION_ECHO_CHARS = 300
MAX_CHOICES = 25


class TalksTree(app_commands.CommandTree):
    """The command tree with talksbot's one error handler."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


def build_commands(deps: AdapterDeps) -> list[app_commands.Command | app_commands.Group | app_commands.ContextMenu]:
    """Fresh command objects bound to `deps` (one set per client, so tests can build several)."""
    service = deps.service

    async def run(interaction: discord.Interaction, work: Awaitable[T], *, ephemeral: bool) -> T:
        return await within_deadline(interaction, work, soft_deadline=deps.soft_deadline, ephemeral=ephemeral)

    async def answer(interaction: discord.Interaction, question: str) -> None:
        asked = service.ask(question, place_of(interaction), asker=str(interaction.user.id))
        reply = await run(interaction, asked, ephemeral=False)
        await send_answer(interaction, reply)

    async def claim_ids(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=choice_name(f"{cid} — {text}"), value=cid)
            for cid, text in service.find_claim_ids(current, limit=MAX_CHOICES)
            if len(cid) <= 100
        ]

    async def timezones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current, limit=MAX_CHOICES)]

    # ---- everyone ---------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask about the Trump–Putin call and the Ukraine peace talks")
    @app_commands.describe(question="Your question, e.g. How long was the call? (answers quote the articles)")
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]) -> None:
        await answer(interaction, question)

    @app_commands.context_menu(name=ASK_MENU_NAME)
    async def ask_menu(interaction: discord.Interaction, message: discord.Message) -> None:
        if not message.content.strip():
            await send(interaction, content=dmsg.EMPTY_MESSAGE, ephemeral=True)
            return
        await answer(interaction, message.content)

    @app_commands.command(name="claim", description="Show one claim with all its quotes, corrections and conflicts")
    @app_commands.rename(claim_id="id")
    @app_commands.describe(claim_id="Start typing a claim's id or words, then pick it from the list")
    @app_commands.autocomplete(claim_id=claim_ids)
    async def claim(interaction: discord.Interaction, claim_id: str) -> None:
        card = await run(interaction, service.claim(claim_id), ephemeral=False)
        await remember(interaction, card, await send(interaction, embeds=[claim_card_embed(card)]))

    @app_commands.command(name="sources", description="List the news articles my answers quote")
    async def sources(interaction: discord.Interaction) -> None:
        await send(interaction, embeds=[sources_embed(await service.sources())], ephemeral=True)

    # ---- daily digest -------------------------------------------------------------

    digest = app_commands.Group(
        name="digest", description="A daily summary of corrections, questions and claims", guild_only=True
    )

    @digest.command(name="subscribe", description="Post the daily digest in this channel (Manage Channels)")
    @app_commands.rename(post_time="time")
    @app_commands.describe(
        post_time="Local time to post, HH:MM on a 24-hour clock, e.g. 08:30",
        timezone="Your timezone as Area/City, e.g. Europe/Kyiv (pick from the list)",
        audience="Everyone (counts only) or moderators (questions, unanswered ones, readers' reports)",
    )
    @app_commands.choices(
        audience=[
            app_commands.Choice(name="everyone in this channel", value="public"),
            app_commands.Choice(name="moderators (use a private channel)", value="moderators"),
        ]
    )
    @app_commands.autocomplete(timezone=timezones)
    async def digest_subscribe(
        interaction: discord.Interaction,
        post_time: app_commands.Range[str, 1, 5],
        timezone: str,
        audience: str = "public",
    ) -> None:
        _channel_id(interaction)
        perms = interaction.app_permissions
        if not (perms.send_messages and perms.embed_links):
            raise Refused(dmsg.BOT_MISSING_PERMISSIONS.format(permissions="Send Messages, Embed Links"))
        kind: DigestAudience = "moderators" if audience == "moderators" else "public"
        # The moderators' digest shows readers' own words: Manage Channels is not enough for it,
        # only what makes someone a moderator here (Manage Messages, Administrator, the role).
        actor = await actor_of(interaction, deps.moderator_role, for_digest=kind == "public")
        sub = await service.subscribe(actor, place_of(interaction), post_time, timezone, kind)
        await send(interaction, content=escape(dmsg.subscribed(sub.post_time, sub.timezone, sub.audience)))

    @digest.command(name="unsubscribe", description="Stop the daily digest in this channel (Manage Channels)")
    async def digest_unsubscribe(interaction: discord.Interaction) -> None:
        _channel_id(interaction)
        actor = await actor_of(interaction, deps.moderator_role, for_digest=True)
        await service.unsubscribe(actor, place_of(interaction))
        await send(interaction, content=dmsg.UNSUBSCRIBED)

    @digest.command(name="preview", description="Show, only to you, what this channel's digest would say")
    async def digest_preview(interaction: discord.Interaction) -> None:
        async def preview() -> DigestReply:
            actor = await actor_of(interaction, deps.moderator_role, decides=service.may_moderate)
            return await preview_digest(service, actor, place_of(interaction))

        reply = await run(interaction, preview(), ephemeral=True)
        await send(interaction, embeds=digest_embeds(reply), ephemeral=True)

    # ---- suggestions from everyone ----------------------------------------------------

    @app_commands.command(name="suggest", description="Suggest a correction to a claim; moderators review it")
    @app_commands.describe(
        claim="The claim (start typing its id or words)",
        text="How you think the claim should read",
        reason="Why, ideally with where you read it",
    )
    @app_commands.autocomplete(claim=claim_ids)
    async def suggest(
        interaction: discord.Interaction,
        claim: str,
        text: app_commands.Range[str, 1, 500],
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        # Anyone may suggest: no rights or roles are read (an app a member installed for
        # themselves cannot read the guild's roles at all).
        stored = await service.suggest(reader_of(interaction), claim, text, reason)
        await send(
            interaction,
            content=messages.SUGGESTION_STORED.format(id=stored.id, claim_id=stored.claim_id),
            ephemeral=True,
        )

    # ---- moderators -----------------------------------------------------------------

    @app_commands.command(name="correct", description="Moderators: correct a claim's wording everywhere it shows")
    @app_commands.describe(
        claim="The claim to correct (start typing its id or words)",
        text="The corrected statement, in neutral words",
        reason="Why: shown with the correction",
        url="Optional link to a source for the correction (http or https)",
    )
    @app_commands.autocomplete(claim=claim_ids)
    @moderator_command
    async def correct(
        interaction: discord.Interaction,
        claim: str,
        text: app_commands.Range[str, 1, 500],
        reason: app_commands.Range[str, 1, 500],
        url: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        entry = await service.correct(moderator(interaction), claim, text, reason, url)
        await confirm_moderated(interaction, "Corrected", entry)

    @app_commands.command(name="retract", description="Moderators: withdraw a claim so answers stop using it")
    @app_commands.describe(
        claim="The claim to retract (start typing its id or words)", reason="Why: shown on the claim"
    )
    @app_commands.autocomplete(claim=claim_ids)
    @moderator_command
    async def retract(interaction: discord.Interaction, claim: str, reason: app_commands.Range[str, 1, 500]) -> None:
        entry = await service.retract(moderator(interaction), claim, reason)
        await confirm_moderated(interaction, "Retracted", entry)

    @app_commands.command(name="restore", description="Moderators: return a claim to the article's wording")
    @app_commands.describe(claim="The corrected or retracted claim to restore", reason="Optional: why")
    @app_commands.autocomplete(claim=claim_ids)
    @moderator_command
    async def restore(
        interaction: discord.Interaction, claim: str, reason: app_commands.Range[str, 1, 500] | None = None
    ) -> None:
        entry = await service.restore(moderator(interaction), claim, reason)
        await confirm_moderated(interaction, "Restored", entry)

    @app_commands.command(name="history", description="Moderators: every correction, retraction and restore of a claim")
    @app_commands.describe(claim="The claim (start typing its id or words)")
    @app_commands.autocomplete(claim=claim_ids)
    @moderator_command
    async def history(interaction: discord.Interaction, claim: str) -> None:
        reply = await service.history(moderator(interaction), claim)
        await send(interaction, embeds=[history_embed(reply)], ephemeral=True)

    async def confirm_moderated(interaction: discord.Interaction, action: str, entry: HistoryEntry) -> None:
        card = await service.claim(entry.claim_id)
        # The moderator sees the reach of the change: how many posted messages the outbox will update.
        reach = await service.reach(entry.id)
        text = f"{dmsg.done(action, entry.claim_id)} {messages.reach_sentence(reach.queued)}"
        await send(interaction, content=text, embeds=[claim_card_embed(card)], ephemeral=True)

    queue = build_queue_group(deps, claim_ids)
    return [ask, ask_menu, claim, sources, digest, suggest, correct, retract, restore, history, queue]


async def send_answer(interaction: discord.Interaction, reply: AnswerReply | NoAnswerReply) -> None:
    """A public answer with feedback buttons, or an ephemeral "not in my sources".

    A message of several questions is answered in one message, one embed per question,
    public as soon as any of them has claims.
    """
    if isinstance(reply, NoAnswerReply) and not reply.answered_anything:
        await send(interaction, content=no_answer_text(reply), ephemeral=True)
        return
    embeds = answer_embeds(reply)
    # The question is echoed so the channel sees what was asked; AllowedMentions.none() keeps it inert.
    lines = [f"**Q:** {escape(shorten(reply.question, QUESTION_ECHO_CHARS))}"]
    if isinstance(reply, AnswerReply) and reply.verdict and not reply.parts:
        lines.append(f"**{escape(reply.verdict)}**")
    if note := translations.quotes_note(reply.language):
        lines.append(f"*{escape(note)}*")
    if reply.unanswered_questions:
        lines.append(f"*{escape(shorten(messages.other_questions(reply.unanswered_questions), 400))}*")
    asked = content("\n".join(lines))
    sent = await send(interaction, content=asked, embeds=embeds, view=feedback_view(reply, len(embeds)))
    if isinstance(reply, AnswerReply):
        await remember(interaction, reply, sent)


def _channel_id(interaction: discord.Interaction) -> str:
    if interaction.channel_id is None:
        raise Refused(dmsg.CHANNEL_UNKNOWN)
    return str(interaction.channel_id)


def register(tree: app_commands.CommandTree, deps: AdapterDeps) -> None:
    for command in build_commands(deps):
        tree.add_command(command)

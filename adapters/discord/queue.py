"""The moderators' review queue on Discord: `/queue …` commands and a button per item.

Everything here answers ephemerally: queue items hold readers' own words, which
never go to a channel. Who counts as a moderator is the core's decision; the
buttons re-check it on every press, because anyone who can see a message could
forge a press.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from adapters.discord import messages as dmsg
from adapters.discord.deps import AdapterDeps, deps_of
from adapters.discord.moderators import ModeratorGroup, moderator
from adapters.discord.permissions import actor_of
from adapters.discord.render import choice_name, detail_line, escape, shorten
from adapters.discord.respond import report_error, send
from bot import messages
from bot.moderation_lines import queue_lines
from bot.queue_actions import QueueAction, buttons_for, press
from bot.replies import QUEUE_KINDS, QueueSection
from bot.service import limits_sentence
from bot.service.review import ACCEPT_AS
from knowledge.models import QueueItem

MAX_CHOICES = 25
ITEMS_SHOWN = 5
ITEM_TEXT_CHARS = 300
DETAIL_CHARS = 200
TEMPLATE = r"tb:q:(?P<action>[dar]):(?P<item>\d{1,18})"
# A custom id holds one letter per action (Discord allows 100 characters; old buttons must keep working).
ACTIONS: dict[str, QueueAction] = {"d": "dismiss", "a": "accept", "r": "reject"}


def queue_text(items: list[QueueItem]) -> str:
    """The open items, oldest first, as one ephemeral message."""
    if not items:
        return messages.QUEUE_EMPTY
    lines = []
    for q in map(queue_lines, items[:ITEMS_SHOWN]):
        lines.append(f"**#{q.id} · {q.kind}** · asked {q.asked}× · since {q.since:%Y-%m-%d}")
        lines.append(f"> {escape(shorten(q.text, ITEM_TEXT_CHARS))}")
        lines += [detail_line(d, DETAIL_CHARS) for d in q.details]
    if len(items) > ITEMS_SHOWN:
        lines.append(dmsg.MORE_ITEMS.format(count=len(items) - ITEMS_SHOWN))
    return shorten("\n".join(lines), 2000)


def listing_text(sections: list[QueueSection], footer: str) -> str:
    """The queue kind by kind: each kind's head with its total ("5 of 10,001"), its items, and
    `footer` (what readers can add). One ephemeral message within Discord's 2,000 characters."""
    if not any(s.total for s in sections):
        return messages.QUEUE_EMPTY
    parts = []
    for section in sections:
        parts.append(f"**{messages.queue_section_head(section.kind, len(section.items), section.total)}**")
        if section.items:
            parts.append(queue_text(section.items))
    # The footer goes last and must survive the cut: the items give way first.
    body = shorten("\n".join(parts), 2000 - len(footer) - 2)
    return f"{body}\n*{footer}*"


class QueueButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=TEMPLATE):
    """Dismiss an item, or accept / reject a suggestion or an ingest candidate, from the queue listing."""

    def __init__(self, action: QueueAction, item_id: int) -> None:
        self.action = action
        self.item_id = item_id
        code = next(k for k, v in ACTIONS.items() if v == action)
        super().__init__(
            discord.ui.Button(
                label=f"#{item_id} {action.title()}",
                style=discord.ButtonStyle.danger if action != "accept" else discord.ButtonStyle.success,
                custom_id=f"tb:q:{code}:{item_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QueueButton:
        return cls(ACTIONS[match["action"]], int(match["item"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # Errors here bypass the command tree's handler, so they are reported the same way by hand.
        try:
            deps = deps_of(interaction)
            actor = await actor_of(interaction, deps.moderator_role, decides=deps.service.may_moderate)
            await press(deps.service, actor, self.action, self.item_id)
            await send(interaction, content=dmsg.queue_done(self.action, self.item_id), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


def queue_view(items: list[QueueItem]) -> discord.ui.View | None:
    view = discord.ui.View(timeout=None)
    for row, item in enumerate(items[:ITEMS_SHOWN]):
        for action in buttons_for(item):
            button = QueueButton(action, item.id)
            button.row = row
            view.add_item(button)
    return view if view.children else None


def build_queue_group(deps: AdapterDeps, claim_ids: Any) -> app_commands.Group:
    """`/queue list|teach|undo|dismiss|accept|reject`, moderators only."""
    service = deps.service
    group = ModeratorGroup(
        name="queue",
        description="Moderators: unanswered questions, answers marked wrong, suggestions, ingest candidates",
    )

    async def items(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        found = await actor_of(interaction, deps.moderator_role, decides=service.may_moderate)
        if not service.may_moderate(found):
            return []  # the picker must not show readers' words to non-moderators either
        needle = current.strip().lstrip("#").lower()
        return [
            app_commands.Choice(name=choice_name(f"#{i.id} {i.kind}: {i.text}"), value=i.id)
            for i in await service.queue(found)
            if not needle or needle in str(i.id) or needle in i.text.lower()
        ][:MAX_CHOICES]

    @group.command(name="list", description="Moderators: the oldest open review items of each kind, with buttons")
    @app_commands.describe(kind="Only this kind (default: some of each, with how many of each are open)")
    @app_commands.choices(kind=[app_commands.Choice(name=t, value=k) for k, t in messages.QUEUE_KIND_TITLES.items()])
    async def list_items(interaction: discord.Interaction, kind: str | None = None) -> None:
        wanted = next((k for k in QUEUE_KINDS if k == kind), None)
        listing = await service.queue_listing(moderator(interaction), per_kind=ITEMS_SHOWN, kind=wanted)
        sections = listing.shown(ITEMS_SHOWN)
        view = queue_view([i for s in sections for i in s.items])
        await send(interaction, content=listing_text(sections, limits_sentence()), view=view, ephemeral=True)

    @group.command(
        name="bulk-dismiss", description="Moderators: dismiss many unanswered questions and wrong reports at once"
    )
    @app_commands.describe(
        reason="Why: spam, a flood, off-topic…",
        kind="Only this kind (default: both)",
        first="The first item number (default: the oldest)",
        last="The last item number (default: the newest)",
    )
    @app_commands.choices(
        kind=[app_commands.Choice(name=messages.QUEUE_KIND_TITLES[k], value=k) for k in ("unanswered", "wrong")]
    )
    async def bulk_dismiss(
        interaction: discord.Interaction,
        reason: app_commands.Range[str, 1, 500],
        kind: str | None = None,
        first: app_commands.Range[int, 1] | None = None,
        last: app_commands.Range[int, 1] | None = None,
    ) -> None:
        wanted = next((k for k in QUEUE_KINDS if k == kind), None)
        done, left = await service.dismiss_many(moderator(interaction), reason, kind=wanted, first=first, last=last)
        await send(interaction, content=messages.bulk_dismissed(done, left), ephemeral=True)

    @group.command(name="teach", description="Moderators: answer this question (and close variants) with a claim")
    @app_commands.describe(item="The queue item (pick from the list)", claim="The claim that answers it")
    @app_commands.autocomplete(item=items, claim=claim_ids)
    async def teach(interaction: discord.Interaction, item: int, claim: str) -> None:
        taught = await service.teach(moderator(interaction), item, claim)
        await send(interaction, content=dmsg.taught(taught.phrasing, taught.claim_id), ephemeral=True)

    @group.command(name="undo", description="Moderators: undo what was taught from a queue item")
    @app_commands.describe(item="The queue item number")
    async def undo(interaction: discord.Interaction, item: int) -> None:
        undone = await service.unteach(moderator(interaction), item)
        await send(interaction, content=dmsg.untaught(undone.phrasing, undone.claim_id), ephemeral=True)

    @group.command(name="dismiss", description="Moderators: close an item without changing any fact")
    @app_commands.describe(item="The queue item (pick from the list)", reason="Off-topic, not in the articles, abuse…")
    @app_commands.autocomplete(item=items)
    async def dismiss(interaction: discord.Interaction, item: int, reason: app_commands.Range[str, 1, 500]) -> None:
        await service.dismiss(moderator(interaction), item, reason)
        await send(interaction, content=dmsg.queue_done("dismiss", item), ephemeral=True)

    @group.command(name="accept", description="Moderators: accept a suggested correction or an ingest candidate")
    @app_commands.rename(accept_as="as")
    @app_commands.describe(
        item="The suggestion or candidate (pick from the list)",
        reason="Optional, suggestions: the reason to show",
        text="Optional, candidates: the claim text to use instead of the draft",
        accept_as="Optional, candidates: a new claim, a supporting quote or a conflict (default: as proposed)",
        claim="Candidates accepted as support or conflict: the claim (type its id or words, then pick)",
    )
    @app_commands.choices(accept_as=[app_commands.Choice(name=t, value=k) for k, t in dmsg.ACCEPT_AS.items()])
    @app_commands.autocomplete(item=items, claim=claim_ids)
    async def accept(
        interaction: discord.Interaction,
        item: int,
        reason: app_commands.Range[str, 1, 500] | None = None,
        text: app_commands.Range[str, 1, 500] | None = None,
        accept_as: str | None = None,
        claim: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        how = next((k for k in ACCEPT_AS if k == accept_as), None)
        done = await service.decide(
            moderator(interaction), item, accept=True, reason=reason, text=text, accept_as=how, claim=claim
        )
        if done.kind == "candidate":
            said = messages.candidate_accepted(item, done.claim_id or "", done.accepted_as, done.linked)
            await send(interaction, content=escape(said), ephemeral=True)
            return
        reach = messages.reach_sentence((await service.reach(done.change_id)).queued) if done.change_id else ""
        await send(interaction, content=f"{dmsg.queue_done('accept', item)} {reach}".strip(), ephemeral=True)

    async def ingested(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower()
        return [
            app_commands.Choice(name=choice_name(s.id), value=s.id)
            for s in await service.sources()
            if s.origin == "ingested" and needle in s.id.lower() and len(s.id) <= 100
        ][:MAX_CHOICES]

    @group.command(name="reject-source", description="Moderators: reject every open candidate of one ingested article")
    @app_commands.describe(source="The ingested article (pick from the list)", reason="Why they are rejected")
    @app_commands.autocomplete(source=ingested)
    async def reject_source(
        interaction: discord.Interaction,
        source: app_commands.Range[str, 1, 100],
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        count = await service.reject_source(moderator(interaction), source, reason)
        await send(interaction, content=escape(messages.rejected_source(source.strip(), count)), ephemeral=True)

    @group.command(name="reject", description="Moderators: reject a suggested correction or an ingest candidate")
    @app_commands.describe(item="The suggestion or candidate (pick from the list)", reason="Why it is rejected")
    @app_commands.autocomplete(item=items)
    async def reject(interaction: discord.Interaction, item: int, reason: app_commands.Range[str, 1, 500]) -> None:
        await service.decide(moderator(interaction), item, accept=False, reason=reason)
        await send(interaction, content=dmsg.queue_done("reject", item), ephemeral=True)

    return group

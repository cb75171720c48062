"""Discord's message limits, and the one place every outgoing message is cut to them.

Discord refuses a whole message (HTTP 400) when any part is over its limit, so
a reply that echoes a 6,000-character id would never arrive. The renderers lay
text out within these limits where they can (a quote keeps its source label,
cuts fall on word boundaries); `fit_content` and `fit_embeds` are the last
guard, applied by every sender (interaction replies, follow-ups, digests,
edits and notes), so no path can send what Discord would refuse. Pure.
"""

from __future__ import annotations

import copy

import discord

from bot.shorten import shorten

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
# and https://discord.com/developers/docs/resources/message#create-message (content).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_NAME_LIMIT = 256
# Title, description, field names and values, footer and author name of all embeds together.
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
CHOICE_NAME_LIMIT = 100
ELLIPSIS = "…"


def fit_content(text: str) -> str:
    """Message text within Discord's 2,000 characters."""
    return shorten(text, CONTENT_LIMIT, ELLIPSIS)


def fit_embeds(embeds: list[discord.Embed]) -> list[discord.Embed]:
    """Copies of `embeds` within every embed limit; the originals are not changed.

    Each part is cut to its own limit, then the 6,000 characters all embeds share
    go to them in order: an embed that does not fit loses description text first,
    then fields from the end, then title and footer text; one with nothing left
    is dropped, with every embed after it (a message never skips a middle part).
    """
    out: list[discord.Embed] = []
    used = 0
    for original in embeds[:EMBEDS_PER_MESSAGE]:
        # A deep copy: Embed.copy() and to_dict() share the fields list and footer with the original.
        embed = discord.Embed.from_dict(copy.deepcopy(original.to_dict()))
        _cut_parts(embed)
        _shrink(embed, EMBED_TOTAL_LIMIT - used)
        if not len(embed) or used + len(embed) > EMBED_TOTAL_LIMIT:
            break
        out.append(embed)
        used += len(embed)
    return out


def _cut_parts(embed: discord.Embed) -> None:
    if embed.title:
        embed.title = shorten(embed.title, TITLE_LIMIT, ELLIPSIS)
    if embed.description:
        embed.description = shorten(embed.description, DESCRIPTION_LIMIT, ELLIPSIS)
    if embed.footer.text:
        embed.set_footer(text=shorten(embed.footer.text, FOOTER_LIMIT, ELLIPSIS), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(
            name=shorten(embed.author.name, AUTHOR_NAME_LIMIT, ELLIPSIS),
            url=embed.author.url,
            icon_url=embed.author.icon_url,
        )
    fields = embed.fields[:FIELD_COUNT_LIMIT]
    embed.clear_fields()
    for field in fields:
        embed.add_field(
            name=shorten(field.name or "", FIELD_NAME_LIMIT, ELLIPSIS),
            value=shorten(field.value or "", FIELD_VALUE_LIMIT, ELLIPSIS),
            inline=bool(field.inline),
        )


def _shrink(embed: discord.Embed, room: int) -> None:
    """Cut `embed` to `room` characters of the total, least important text first."""
    if embed.description and len(embed) > room:
        keep = len(embed.description) - (len(embed) - room)
        embed.description = shorten(embed.description, max(keep, 0), ELLIPSIS) or None
    while embed.fields and len(embed) > room:
        embed.remove_field(len(embed.fields) - 1)
    if embed.title and len(embed) > room:
        keep = len(embed.title) - (len(embed) - room)
        embed.title = shorten(embed.title, max(keep, 0), ELLIPSIS) or None
    if embed.footer.text and len(embed) > room:
        keep = len(embed.footer.text) - (len(embed) - room)
        footer = shorten(embed.footer.text, max(keep, 0), ELLIPSIS) or None
        embed.set_footer(text=footer, icon_url=embed.footer.icon_url)

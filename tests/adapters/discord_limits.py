"""Checking rendered embeds against Discord's limits, for the tests of what the bot sends."""

from __future__ import annotations

import discord

from adapters.discord.limits import (
    AUTHOR_NAME_LIMIT,
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
)


def limit_problems(embeds: list[discord.Embed], content: str | None = None) -> list[str]:
    """Every Discord limit this message breaks, as readable strings (empty when it fits)."""
    problems = []
    if content is not None and len(content) > CONTENT_LIMIT:
        problems.append(f"content {len(content)} > {CONTENT_LIMIT}")
    if len(embeds) > EMBEDS_PER_MESSAGE:
        problems.append(f"{len(embeds)} embeds > {EMBEDS_PER_MESSAGE}")
    if sum(len(e) for e in embeds) > EMBED_TOTAL_LIMIT:
        problems.append(f"total {sum(len(e) for e in embeds)} > {EMBED_TOTAL_LIMIT}")
    for i, e in enumerate(embeds):
        if len(e.title or "") > TITLE_LIMIT:
            problems.append(f"embed {i}: title {len(e.title or '')}")
        if len(e.description or "") > DESCRIPTION_LIMIT:
            problems.append(f"embed {i}: description {len(e.description or '')}")
        if len(e.fields) > FIELD_COUNT_LIMIT:
            problems.append(f"embed {i}: {len(e.fields)} fields")
        for f in e.fields:
            if len(f.name or "") > FIELD_NAME_LIMIT or len(f.value or "") > FIELD_VALUE_LIMIT:
                problems.append(f"embed {i}: field {f.name!r} too long")
        if len(e.footer.text or "") > FOOTER_LIMIT:
            problems.append(f"embed {i}: footer")
        if len(e.author.name or "") > AUTHOR_NAME_LIMIT:
            problems.append(f"embed {i}: author name")
    return problems

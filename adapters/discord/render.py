"""Replies as Discord embeds and message text, within Discord's size limits. Pure.

Long text is cut at a word boundary and ends with an ellipsis. A quote may be
shortened, but its source label is kept whole or the quote is left out: a
quote without its source would be worse than no quote. Every text from users
and articles goes through `escape` (adapters.discord.markdown), so that it
reads as typed and no link, heading, mask or mention in it is live; URLs
through `link`. Mentions are also disabled by the sender (`AllowedMentions.none()`).
"""

from __future__ import annotations

import discord

from adapters.discord import messages as dmsg
from adapters.discord.limits import (
    CHOICE_NAME_LIMIT,
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
from adapters.discord.markdown import inert
from bot import messages, translations
from bot.links import shown_url
from bot.moderation_lines import ClaimIds, Detail, Link, Words, history_lines
from bot.replies import (
    AnswerReply,
    ClaimCardReply,
    ClaimView,
    DigestItem,
    DigestReply,
    DigestSection,
    HistoryReply,
    NoAnswerReply,
    QuoteView,
)
from bot.shorten import shorten as shared_shorten
from knowledge.models import Source

MAX_ANSWER_CLAIMS = 3
SUGGESTION_CHARS = 300
CONFLICT_CHARS = 300
# Below this many characters of quote text a shortened quote says too little to keep.
MIN_QUOTE_CHARS = 40
ELLIPSIS = dmsg.TRUNCATED
BLOCK_GAP = "\n\n"

COLOURS = {
    "active": discord.Colour.blurple(),
    "corrected": discord.Colour.orange(),
    "retracted": discord.Colour.dark_grey(),
}


def shorten(text: str, limit: int) -> str:
    """The core's one shortening helper with Discord's ellipsis."""
    return shared_shorten(text, limit, ELLIPSIS)


def escape(text: str) -> str:
    """Article or user text shown literally: one line, every markdown character escaped."""
    return inert(text)


def link(url: str) -> str:
    """A moderator's URL: a link to exactly itself, in `<…>` (no preview), or escaped text
    when it is not a valid web address (a row stored before URLs were checked)."""
    canonical = shown_url(url)
    return f"<{canonical}>" if canonical else escape(url)


def detail_line(detail: Detail, limit: int | None = None) -> str:
    """One detail of a history entry or a queue item as Discord markdown; words cut to `limit`."""
    match detail:
        case Words(label=label, text=text, quoted=quoted):
            shown = escape(text if limit is None else shorten(text, limit))
            shown = f"“{shown}”" if quoted else shown
            return f"{label}: {shown}" if label else shown
        case Link(url=url):
            return f"Link: {link(url)}"
        case ClaimIds(label=label, ids=ids):
            return f"{label}: " + ", ".join(f"`{i}`" for i in ids)
    raise TypeError(f"unknown detail {detail!r}")


def quote_block(quote: QuoteView, limit: int) -> str | None:
    """A block quote followed by its whole source label, or None if that cannot fit in `limit`."""
    source = dmsg.QUOTE_SOURCE.format(label=escape(quote.source_label))
    frame = len("> “”\n") + len(source)
    room = limit - frame
    body = escape(quote.quote)
    if room < min(len(body), MIN_QUOTE_CHARS):
        return None
    return f"> “{shorten(body, room)}”\n{source}"


def _fill(blocks: list[str], budget: int) -> str:
    """Join whole blocks while they fit; a block that does not fit is shortened once, then stop."""
    out: list[str] = []
    used = 0
    for block in blocks:
        gap = len(BLOCK_GAP) if out else 0
        if used + gap + len(block) <= budget:
            out.append(block)
            used += gap + len(block)
            continue
        rest = budget - used - gap
        if rest > MIN_QUOTE_CHARS:
            out.append(shorten(block, rest))
        break
    return BLOCK_GAP.join(out)


def _status_blocks(view: ClaimView, full: bool) -> list[str]:
    blocks = []
    if view.status == "retracted":
        reason = view.retraction_reason or "no reason given"
        blocks.append("**" + messages.RETRACTED.format(reason=escape(reason)) + "**")
    if view.correction:
        c = view.correction
        lines = [f"✏️ **{messages.CORRECTED_BY.format(by=escape(c.by), at=f'{c.at:%Y-%m-%d}')}:** {escape(c.reason)}"]
        if c.url:
            lines.append(f"Source: {link(c.url)}")
        lines.append(f"{messages.ARTICLE_SAID}: {escape(view.original_text)}")
        blocks.append("\n".join(lines))
    if view.origin == "moderator":
        blocks.append("Added by moderators" + (f" from {link(view.source_url)}" if view.source_url else ""))
    if full and not view.in_curated:
        blocks.append(messages.FLAGGED)
    return blocks


def _quote_blocks(view: ClaimView, budget: int) -> str:
    """The claim's quotes as block quotes, as many as fit, then a pointer to the rest."""
    out: list[str] = []
    used = 0
    for i, quote in enumerate(view.quotes):
        gap = len(BLOCK_GAP) if out else 0
        left = len(view.quotes) - i
        more = dmsg.more_quotes(left - 1, view.claim_id) if left > 1 else ""
        reserve = len(BLOCK_GAP) + len(more) if more else 0
        block = quote_block(quote, budget - used - gap - reserve)
        if block is None:
            tail = dmsg.more_quotes(left, view.claim_id)
            if used + gap + len(tail) <= budget:
                out.append(tail)
            break
        out.append(block)
        used += gap + len(block)
    return BLOCK_GAP.join(out)


def claim_embed(
    view: ClaimView,
    budget: int = EMBED_TOTAL_LIMIT,
    *,
    full: bool = False,
    number: int | None = None,
    language: str = "en",
) -> discord.Embed:
    """One claim: its wording as the title, notices, quotes with sources, and conflicts.

    `number` matches the embed to its row of feedback buttons when an answer has several claims;
    `language` frames the notes (the wording and quotes stay the articles' English).
    """
    text = escape(view.text)  # titles render markdown too
    title = shorten(text, TITLE_LIMIT)
    if view.status == "retracted":
        # Struck out, so a reader of an old answer sees at a glance that it no longer holds.
        title = f"~~{shorten(text, TITLE_LIMIT - 4)}~~"
    # The title links to the claim's web page when there is one (TALKSBOT_PUBLIC_URL).
    embed = discord.Embed(title=title, url=view.page_url, colour=COLOURS.get(view.status, discord.Colour.blurple()))
    footer = dmsg.NUMBERED_FOOTER.format(number=number, claim_id=view.claim_id) if number else view.claim_id
    embed.set_footer(text=shorten(footer, FOOTER_LIMIT))
    if view.conflicts:
        room = min(FIELD_VALUE_LIMIT, budget // 4)
        lines = [f"• {escape(shorten(text, CONFLICT_CHARS))} (`{cid}`)" for cid, text in view.conflicts]
        disagree = translations.say(language, messages.SOURCES_DISAGREE)
        embed.add_field(name=f"⚖️ {disagree}", value=_lines(lines, room), inline=False)
    room = min(DESCRIPTION_LIMIT, budget - len(embed))
    blocks = [] if title in (text, f"~~{text}~~") else [f"**{text}**"]
    # Quotes are the point of an answer: notices may take at most half the room they would need.
    wanted = _quote_blocks(view, DESCRIPTION_LIMIT)
    head_room = room if not wanted else max(room // 2, room - len(wanted) - len(BLOCK_GAP))
    head = _fill(blocks + _status_blocks(view, full), head_room)
    rest = room - len(head) - (len(BLOCK_GAP) if head else 0)
    quotes = _quote_blocks(view, rest) if rest > 0 else ""
    embed.description = BLOCK_GAP.join(p for p in (head, quotes) if p) or None
    return embed


def _lines(lines: list[str], limit: int) -> str:
    """Whole lines while they fit, then an ellipsis line."""
    out: list[str] = []
    used = 0
    for line in lines:
        add = len(line) + (1 if out else 0)
        if used + add > limit - len("\n" + ELLIPSIS):
            out.append(ELLIPSIS)
            break
        out.append(line)
        used += add
    return "\n".join(out) or ELLIPSIS


def answer_embeds(reply: AnswerReply | NoAnswerReply) -> list[discord.Embed]:
    """One embed per claim, best first; all of them together within one message's limits.

    A message of several questions gets one embed per question instead (`question_embeds`).
    """
    if reply.parts:
        return question_embeds(reply)
    if isinstance(reply, NoAnswerReply):
        return []
    views = reply.claims[:MAX_ANSWER_CLAIMS]
    budget = EMBED_TOTAL_LIMIT // max(1, len(views))
    numbered = len(views) > 1
    return [
        claim_embed(v, budget, number=i + 1 if numbered else None, language=reply.language) for i, v in enumerate(views)
    ]


def question_embeds(reply: AnswerReply | NoAnswerReply) -> list[discord.Embed]:
    """One embed per question of the message: its question as the title, a verdict or
    "not in my sources" as the description, and one field per claim (numbered across the
    message, so each matches its row of feedback buttons) holding its first quote."""
    questions = reply.questions()
    budget = EMBED_TOTAL_LIMIT // len(questions)
    embeds = []
    number = 0
    for part in questions:
        embed = discord.Embed(
            title=shorten(f"Q: {escape(part.question)}", TITLE_LIMIT), colour=discord.Colour.blurple()
        )
        if isinstance(part, NoAnswerReply):
            lines = [messages.NO_ANSWER]
            if part.suggestions:
                lines.append(messages.SUGGESTIONS_LEAD)
                lines += [f"• {escape(shorten(x, SUGGESTION_CHARS))}" for x in part.suggestions[:3]]
            embed.description = _lines(lines, min(DESCRIPTION_LIMIT, budget - len(embed)))
            embeds.append(embed)
            continue
        if part.verdict:
            embed.description = f"**{escape(part.verdict)}**"
        views = part.claims[:MAX_ANSWER_CLAIMS]
        room = min(FIELD_VALUE_LIMIT, max(0, budget - len(embed)) // max(1, len(views)))
        for view in views:
            number += 1
            text = escape(view.text)
            text = f"~~{text}~~" if view.status == "retracted" else text
            name = shorten(f"{number}. {text}", FIELD_NAME_LIMIT)
            value = _fill([*_status_blocks(view, False), _quote_blocks(view, room)], room - len(name)) or ELLIPSIS
            embed.add_field(name=name, value=value, inline=False)
        embeds.append(embed)
    return embeds


def no_answer_text(reply: NoAnswerReply) -> str:
    """The honest "not in my sources" with up to three suggestions, in the asker's language;
    in a language the bot does not read, one English sentence naming those it reads."""
    if reply.unread_language is not None:
        return content(messages.UNREAD_LANGUAGE)
    lines = [translations.say(reply.language, messages.NO_ANSWER)]
    if reply.suggestions:
        lines.append(translations.say(reply.language, messages.SUGGESTIONS_LEAD))
        lines += [f"• {escape(shorten(s, SUGGESTION_CHARS))}" for s in reply.suggestions[:3]]
    if reply.unanswered_questions:
        lines.append(escape(shorten(messages.other_questions(reply.unanswered_questions), 400)))
    return content("\n".join(lines))


def claim_card_embed(reply: ClaimCardReply) -> discord.Embed:
    return claim_embed(reply.claim, full=True)


def sources_embed(sources: list[Source]) -> discord.Embed:
    """One field per article: outlet as the name; headline, date, link and id as the value."""
    embed = discord.Embed(title=dmsg.SOURCES_TITLE, colour=discord.Colour.blurple())
    for source in sources[:FIELD_COUNT_LIMIT]:
        name = shorten(escape(source.outlet or f"Outlet {dmsg.UNKNOWN}"), FIELD_NAME_LIMIT)
        lines = [
            f"**{escape(source.title or 'Headline ' + dmsg.UNKNOWN)}**",
            f"Date: {escape(source.date or dmsg.UNKNOWN)}",
            f"Link: {link(source.url)}" if source.url else f"Link: {dmsg.UNKNOWN}",
            f"Id: `{source.id}`",
        ]
        value = _lines(lines, FIELD_VALUE_LIMIT)
        if len(embed) + len(name) + len(value) > EMBED_TOTAL_LIMIT:
            break
        embed.add_field(name=name, value=value, inline=False)
    return embed


def history_embed(reply: HistoryReply) -> discord.Embed:
    """A claim's moderation history, oldest first."""
    title = shorten(dmsg.HISTORY_TITLE.format(claim_id=reply.claim_id), TITLE_LIMIT)
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    if not reply.entries:
        embed.description = dmsg.NO_HISTORY
        return embed
    blocks = []
    for h in history_lines(reply):
        head = f"**{h.at:%Y-%m-%d %H:%M} UTC · {h.action}** by {escape(h.by.name)} ({escape(h.by.where)})"
        blocks.append("\n".join([head, *(detail_line(d) for d in h.details)]))
    embed.description = _fill(blocks, min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(embed)))
    return embed


def _digest_item(item: DigestItem, budget: int) -> str:
    lines = [f"• {escape(item.text)}"]
    if item.detail:
        lines.append(f"  *{escape(item.detail)}*")
    head = shorten("\n".join(lines), budget)
    for quote in item.quotes:
        block = quote_block(quote, budget - len(head) - 1)
        if block is None:
            break
        head += "\n" + block
    return head


def _section_embed(section: DigestSection, budget: int) -> discord.Embed:
    embed = discord.Embed(title=shorten(section.title, TITLE_LIMIT), colour=discord.Colour.blurple())
    room = min(DESCRIPTION_LIMIT, budget - len(embed))
    per_item = max(room // max(1, len(section.items)), MIN_QUOTE_CHARS * 4)
    out: list[str] = []
    used = 0
    for item in section.items:
        gap = len(BLOCK_GAP) if out else 0
        left = room - used - gap
        if left < MIN_QUOTE_CHARS:
            break
        # Rebuilt for the room left rather than cut afterwards, so no quote loses its source.
        text = _digest_item(item, min(per_item, left))
        out.append(text)
        used += gap + len(text)
    embed.description = BLOCK_GAP.join(out) or None
    return embed


def digest_embeds(reply: DigestReply) -> list[discord.Embed]:
    """A header embed, then one embed per section (as many as one message holds)."""
    header = discord.Embed(
        title=shorten(reply.title, TITLE_LIMIT),
        description=f"{reply.period_start:%Y-%m-%d %H:%M} – {reply.period_end:%Y-%m-%d %H:%M} UTC",
        colour=discord.Colour.blurple(),
    )
    sections = reply.sections[: EMBEDS_PER_MESSAGE - 1]
    budget = (EMBED_TOTAL_LIMIT - len(header)) // max(1, len(sections))
    return [header, *(_section_embed(s, budget) for s in sections)]


def content(text: str) -> str:
    """Message text within Discord's content limit."""
    return shorten(text, CONTENT_LIMIT)


def choice_name(text: str) -> str:
    """An autocomplete choice label within Discord's 100-character limit."""
    return shorten(" ".join(text.split()), CHOICE_NAME_LIMIT)

"""Plain-text / Markdown rendering of Replies, for the CLI. Pure."""

from __future__ import annotations

import textwrap
from typing import Any

from bot import messages, translations
from bot.links import shown_url
from bot.moderation_lines import ClaimIds, Detail, HistoryLines, Link, Words, history_lines, queue_lines
from bot.replies import (
    AnswerReply,
    ClaimCardReply,
    ClaimView,
    DigestReply,
    HistoryReply,
    NoAnswerReply,
    QueueListing,
    Reply,
    SourcesReply,
)
from bot.terminal_text import terminal_safe
from knowledge.models import QueueItem


def render(reply: Reply) -> str:
    """The reply as terminal text: stored text comes from chat users, so escapes and controls are removed."""
    return terminal_safe(_render(reply))


def _render(reply: Reply) -> str:
    match reply:
        case AnswerReply() | NoAnswerReply() if reply.parts:
            # Several questions: one block each, headed by its question.
            blocks = [f"Q: {part.question}\n{_render(part)}" for part in reply.questions()]
            if reply.unanswered_questions:
                blocks.append(messages.other_questions(reply.unanswered_questions))
            return "\n\n".join(blocks)
        case AnswerReply():
            parts = [reply.verdict] if reply.verdict else []
            # In another language the reply says its quotes are the articles' English.
            parts += [note] if (note := translations.quotes_note(reply.language)) else []
            parts += [_claim(v, i + 1, language=reply.language) for i, v in enumerate(reply.claims)]
            if reply.unanswered_questions:
                parts.append(messages.other_questions(reply.unanswered_questions))
            return "\n\n".join(parts)
        case NoAnswerReply() if reply.unread_language is not None:
            return messages.UNREAD_LANGUAGE
        case NoAnswerReply():
            lines = [translations.say(reply.language, messages.NO_ANSWER)]
            if reply.suggestions:
                lines.append(translations.say(reply.language, messages.SUGGESTIONS_LEAD))
                lines += [f"  - {s}" for s in reply.suggestions]
            if reply.unanswered_questions:
                lines.append(messages.other_questions(reply.unanswered_questions))
            return "\n".join(lines)
        case ClaimCardReply():
            return _claim(reply.claim, None, full=True)
        case SourcesReply():
            out = []
            for s in reply.sources:
                out.append(
                    f"{s.id}\n  outlet: {s.outlet or 'unknown'}\n  headline: {s.title or 'unknown'}\n"
                    f"  date: {s.date or 'unknown'}\n  url: {_url(s.url) if s.url else 'unknown'}"
                )
            return "\n".join(out)
        case HistoryReply():
            if not reply.entries:
                return f"{reply.claim_id}: no moderator actions."
            return "\n".join(_history_entry(h) for h in history_lines(reply))
        case DigestReply():
            out = [reply.title, f"({reply.period_start:%Y-%m-%d %H:%M} – {reply.period_end:%Y-%m-%d %H:%M} UTC)"]
            for section in reply.sections:
                out.append(f"\n## {section.title}")
                for item in section.items:
                    out.append(f"- {item.text}")
                    if item.detail:
                        out.append(f"  {item.detail}")
                    for q in item.quotes:
                        out.append(f"  > “{q.quote}” — {q.source_label}")
            return "\n".join(out)
    raise TypeError(f"unknown reply {reply!r}")


def _claim(view: ClaimView, number: int | None, full: bool = False, language: str = "en") -> str:
    head = f"{number}. " if number else ""
    lines = [f"{head}{view.text}  [{view.claim_id}]"]
    if view.status == "retracted":
        lines.append(messages.RETRACTED.format(reason=view.retraction_reason or "no reason given"))
    if view.correction:
        c = view.correction
        lines.append(f"   {messages.CORRECTED_BY.format(by=c.by, at=f'{c.at:%Y-%m-%d}')}: {c.reason}")
        if c.url:
            lines.append(f"   Source: {_url(c.url)}")
        lines.append(f"   {messages.ORIGINAL_CLAIM}: {view.original_text}")
        if view.quotes:
            lines.append(f"   {messages.ARTICLE_SAID}:")
    if view.origin == "moderator":
        lines.append("   Added by moderators" + (f" from {_url(view.source_url)}" if view.source_url else ""))
    for q in view.quotes:
        quote = textwrap.fill(f"“{q.quote}”", width=96, initial_indent="   ", subsequent_indent="    ")
        lines.append(f"{quote}\n     — {q.source_label}")
    if view.conflicts:
        lines.append(f"   {translations.say(language, messages.SOURCES_DISAGREE)}:")
        lines += [f"     - {text} [{cid}]" for cid, text in view.conflicts]
    if full and not view.in_curated:
        lines.append(f"   {messages.FLAGGED}")
    return "\n".join(lines)


def _url(url: str) -> str:
    """A moderator's URL in its canonical form (what it leads to, spelled in ASCII); a row stored
    before URLs were checked is shown as stored, and `render` makes it terminal-safe like any text."""
    return shown_url(url) or url


def _history_entry(h: HistoryLines) -> str:
    head = f"{h.at:%Y-%m-%d %H:%M} UTC  {h.action:<8} by {h.by.name} ({h.by.where}, user {h.by.user_id})"
    return "\n".join([head, *(f"    {_detail(d)}" for d in h.details)])


def _detail(detail: Detail) -> str:
    """`label: value` in lower case, the way the other terminal listings read."""
    match detail:
        case Words(label=label, text=text, quoted=quoted):
            shown = f"“{text}”" if quoted else text
            return f"{label.lower()}: {shown}" if label else shown
        case Link(label=label, url=url):
            return f"{label.lower()}: {_url(url)}"
        case ClaimIds(label=label, ids=ids):
            return f"{label.lower()}: {', '.join(ids)}"
    raise TypeError(f"unknown detail {detail!r}")


def render_status(status: dict[str, Any]) -> str:
    """`talksbot status` as terminal text."""
    hidden = ("digests", "subscriptions", "outbox", "outbox_failures")
    lines = [f"{key}: {value}" for key, value in status.items() if key not in hidden]
    for platform, counts in sorted((status.get("outbox") or {}).items()):
        shown = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        lines.append(f"updates of posted messages on {platform}: {shown}")
    for failure in status.get("outbox_failures") or []:
        lines.append(
            f"  failed update #{failure['id']} ({failure['platform']}, {failure['claim_id']}): {failure['error']}"
        )
    subs = status.get("subscriptions") or []
    runs = {(r["platform"], r["channel_id"]): r for r in status.get("digests") or []}
    lines.append(f"digest subscriptions: {len(subs)}")
    for sub in subs:
        run = runs.get((sub["platform"], sub["channel_id"]))
        last = f"last run {run['local_date']} {run['status']} ({run['attempts']} tries)" if run else "no run yet"
        lines.append(
            f"  {sub['platform']} {sub['channel_id']} {sub['audience']} at {sub['post_time']} {sub['timezone']}: {last}"
        )
    return "\n".join(lines)


def render_queue_listing(listing: QueueListing, footer: str) -> str:
    """The review queue kind by kind, each with its total, then `footer` (the intake limits)."""
    if listing.total == 0:
        return messages.QUEUE_EMPTY
    parts = []
    for section in listing.sections:
        parts.append(messages.queue_section_head(section.kind, len(section.items), section.total))
        if section.items:
            parts.append(render_queue(section.items))
    return "\n".join([*parts, footer])


def render_queue(items: list[QueueItem]) -> str:
    """The review queue as terminal text, oldest first."""
    if not items:
        return messages.QUEUE_EMPTY
    lines = []
    for q in map(queue_lines, items):
        lines.append(f"#{q.id} {q.kind:<10} asked {q.asked}× since {q.since:%Y-%m-%d %H:%M} UTC")
        lines.append(f"    “{q.text}”")
        lines += [f"    {_detail(d)}" for d in q.details]
    return "\n".join(lines)

"""Replies → Block Kit messages with a plain-text fallback. Pure: no I/O.

Every piece of text that did not come from this module (questions, claims,
quotes, moderator notes, source names) goes through `escape`, so `<!channel>`,
`<!here>` and `<@U…>` arrive as inert text; a moderator's URL goes through
`link`, which shows only a checked, canonical URL as a link (to exactly
itself). Slack's limits are respected here: 3,000 characters per section or
context text, 150 per header, 75 per button or option label, 50 blocks per
message (longer replies become several messages); `SlackMessage.payload()`
cuts whatever still exceeds them (adapters.slack.limits), on every path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from adapters.slack import limits
from adapters.slack import messages as slack_messages
from bot import messages, translations
from bot.corrections import MAX_CLAIM_ID
from bot.links import shown_url
from bot.moderation_lines import ClaimIds, Detail, Link, Words, history_lines
from bot.replies import (
    AnswerReply,
    ClaimCardReply,
    ClaimView,
    DigestReply,
    HistoryReply,
    NoAnswerReply,
    QuoteView,
    Reply,
    SourcesReply,
)
from bot.shorten import shorten

Block = dict[str, Any]

TEXT_LIMIT = limits.SECTION_TEXT_LIMIT
HEADER_LIMIT = limits.HEADER_TEXT_LIMIT
LABEL_LIMIT = limits.BUTTON_TEXT_LIMIT
MAX_BLOCKS = limits.BLOCKS_PER_MESSAGE
FALLBACK_LIMIT = 3000
ANSWER_QUOTES_PER_CLAIM = 3
FEEDBACK_ACTION = re.compile(r"^feedback_(helpful|wrong)_\d+$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class SlackMessage:
    """One chat message: `text` is the notification / screen-reader fallback."""

    text: str
    blocks: list[Block]

    def payload(self) -> dict[str, Any]:
        """What every sender posts: cut to Slack's limits, whatever the renderer built."""
        text, blocks = limits.fit_message(self.text, self.blocks)
        return {"text": text, "blocks": blocks}


# ---- text --------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities; `&` first so entities are not doubled."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack sends message text with `&`, `<`, `>` escaped; the core wants what the user typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def link(url: str) -> str:
    """A moderator's URL as a link to exactly itself (`<url>`, its `&` escaped), or escaped
    text when it is not a valid web address (a row stored before URLs were checked)."""
    canonical = shown_url(url)
    return f"<{escape(canonical)}>" if canonical else escape(url)


def fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """Cut already-escaped text to `limit` without leaving half an entity such as `&am`."""
    return shorten(text, limit, escaped=True)


def mention(user_id: str | None) -> str:
    """A user mention built from an id Slack gave us, never from typed text."""
    return f"<@{user_id}>" if user_id and _USER_ID.match(user_id) else "Someone"


def _section(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": fit(text)}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text)}]}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": fit(text, HEADER_LIMIT)}}


def _quote(q: QuoteView) -> list[Block]:
    body = "\n".join(f"> {line}" if line else ">" for line in f"“{escape(q.quote)}”".splitlines())
    return [_section(body), _context(slack_messages.SOURCE_LINE.format(label=escape(q.source_label)))]


def _detail(detail: Detail, limit: int | None = None) -> str:
    """One detail of a history entry or a queue item as mrkdwn; words cut to `limit`."""
    match detail:
        case Words(label=label, text=text, quoted=quoted):
            shown = escape(text if limit is None else shorten(text, limit))
            shown = f"“{shown}”" if quoted else shown
            return f"{label}: {shown}" if label else shown
        case Link(label=label, url=url):
            return f"{label}: {link(url)}"
        case ClaimIds(label=label, ids=ids):
            return f"{label}: " + ", ".join(f"`{i}`" for i in ids)
    raise TypeError(f"unknown detail {detail!r}")


def _plain(text: str) -> str:
    return fit(escape(" ".join(text.split())), FALLBACK_LIMIT)


# ---- claims ------------------------------------------------------------------


def claim_blocks(
    view: ClaimView,
    *,
    number: int | None = None,
    max_quotes: int | None = None,
    question_id: int | None = None,
    show_flag: bool = False,
    language: str = "en",
) -> list[Block]:
    """One claim: statement, status notes, quotes with sources, disagreements, feedback buttons.

    `language` frames the notes and buttons; the statement and quotes stay English."""
    head = f"{number}. " if number else ""
    statement = f"~{escape(view.text)}~" if view.status == "retracted" else escape(view.text)
    page = f" · {link(view.page_url)}" if view.page_url else ""  # the claim's web page (TALKSBOT_PUBLIC_URL)
    blocks = [_section(f"*{head}{statement}*\n`{view.claim_id}`{page}")]
    if view.status == "retracted":
        reason = view.retraction_reason or "no reason given"
        blocks.append(_context(":no_entry: " + escape(messages.RETRACTED.format(reason=reason))))
    if view.correction:
        c = view.correction
        notice = messages.CORRECTED_BY.format(by=c.by, at=f"{c.at:%Y-%m-%d}")
        lines = [f":pencil2: {escape(notice)}: {escape(c.reason)}"]
        if c.url:
            lines.append(f"Source: {link(c.url)}")
        lines.append(f"{escape(messages.ARTICLE_SAID)}: _{escape(view.original_text)}_")
        blocks.append(_context("\n".join(lines)))
    if view.origin == "moderator":
        added = slack_messages.ADDED_BY_MODERATORS + (f" from {link(view.source_url)}" if view.source_url else "")
        blocks.append(_context(added))
    quotes = view.quotes if max_quotes is None else view.quotes[:max_quotes]
    for q in quotes:
        blocks += _quote(q)
    if len(quotes) < len(view.quotes):
        more = slack_messages.more_quotes(len(view.quotes) - len(quotes), view.claim_id)
        blocks.append(_context(more))
    if view.conflicts:
        lines = [f"*:warning: {escape(translations.say(language, messages.SOURCES_DISAGREE))}:*"]
        lines += [f"• {escape(text)} `{cid}`" for cid, text in view.conflicts]
        blocks.append(_section("\n".join(lines)))
    if show_flag and not view.in_curated:
        blocks.append(_context(escape(messages.FLAGGED)))
    if number is not None:
        blocks.append(_feedback(view.claim_id, question_id, number, language))
    return blocks


def _feedback(claim_id: str, question_id: int | None, number: int, language: str = "en") -> Block:
    value = json.dumps({"q": question_id, "c": claim_id}, separators=(",", ":"))
    return {
        "type": "actions",
        "block_id": f"feedback_{number}",
        "elements": [
            {
                "type": "button",
                "action_id": f"feedback_{verdict}_{number}",
                "text": {"type": "plain_text", "text": translations.say(language, label), "emoji": True},
                "value": value,
            }
            for verdict, label in (("helpful", slack_messages.HELPFUL), ("wrong", slack_messages.WRONG))
        ],
    }


def parse_feedback_value(value: str) -> tuple[int | None, str] | None:
    """(question id, claim id) from a feedback button, or None when it is not one of ours."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    qid, cid = data.get("q"), data.get("c")
    if not isinstance(cid, str) or not cid or len(cid) > MAX_CLAIM_ID:
        return None
    # Slack allows 2,000 characters here; ours are a claim id and a 64-bit row id, nothing more.
    if qid is not None and (isinstance(qid, bool) or not isinstance(qid, int) or not 0 < qid < 2**63):
        return None
    return qid, cid


def _asked(asker: str | None, question: str) -> list[Block]:
    if asker is None:
        return []
    return [_context(slack_messages.ASKED.format(asker=mention(asker), question=escape(question)))]


def questions_message(reply: AnswerReply | NoAnswerReply, asker: str | None = None) -> SlackMessage:
    """A message of several questions: one section each, headed by its question, with its
    verdict and claims (one quote each) or its "not in my sources"."""
    blocks = _asked(asker, reply.question)
    fallback = []
    for n, part in enumerate(reply.questions()):
        if n:
            blocks.append({"type": "divider"})
        blocks.append(_section(f"*Q: {escape(part.question)}*"))
        if isinstance(part, NoAnswerReply):
            lines = [escape(messages.NO_ANSWER)]
            if part.suggestions:
                lines += [escape(messages.SUGGESTIONS_LEAD)] + [f"• {escape(x)}" for x in part.suggestions]
            blocks.append(_section("\n".join(lines)))
            continue
        if part.verdict:
            blocks.append(_section(f"*{escape(part.verdict)}*"))
        # Three questions of three claims each would pass Slack's block limit: two claims each then.
        shown = part.claims if len(reply.parts) < 2 else part.claims[:2]
        for i, view in enumerate(shown, start=1):
            blocks += claim_blocks(view, number=i, max_quotes=1, question_id=part.question_id)
        fallback.append(part.claims[0].text)
    # The note on questions left unanswered is kept whatever the cap cuts.
    tail = (
        [_context(escape(messages.other_questions(reply.unanswered_questions)))] if reply.unanswered_questions else []
    )
    return SlackMessage(_plain(" ".join(fallback) or messages.NO_ANSWER), [*blocks[: MAX_BLOCKS - len(tail)], *tail])


def answer_message(reply: AnswerReply, asker: str | None = None) -> SlackMessage:
    if reply.parts:
        return questions_message(reply, asker)
    blocks = _asked(asker, reply.question)
    if reply.verdict:
        blocks.append(_section(f"*{escape(reply.verdict)}*"))
    if note := translations.quotes_note(reply.language):
        blocks.append(_context(escape(note)))
    fallback = []
    for i, view in enumerate(reply.claims, start=1):
        if i > 1:
            blocks.append({"type": "divider"})
        blocks += claim_blocks(
            view,
            number=i,
            max_quotes=ANSWER_QUOTES_PER_CLAIM,
            question_id=reply.question_id,
            language=reply.language,
        )
        fallback.append(f"{i}. {view.text}")
    if reply.unanswered_questions:
        blocks.append(_context(escape(messages.other_questions(reply.unanswered_questions))))
    return SlackMessage(_plain(" ".join(fallback)), _cap(blocks))


def no_answer_message(reply: NoAnswerReply, asker: str | None = None) -> SlackMessage:
    if reply.parts:
        return questions_message(reply, asker)
    if reply.unread_language is not None:
        return SlackMessage(
            messages.UNREAD_LANGUAGE, [*_asked(asker, reply.question), _section(messages.UNREAD_LANGUAGE)]
        )
    said = translations.say(reply.language, messages.NO_ANSWER)
    blocks = [*_asked(asker, reply.question), _section(escape(said))]
    if reply.suggestions:
        lead = translations.say(reply.language, messages.SUGGESTIONS_LEAD)
        lines = [escape(lead)] + [f"• {escape(s)}" for s in reply.suggestions]
        blocks.append(_section("\n".join(lines)))
    if reply.unanswered_questions:
        blocks.append(_context(escape(messages.other_questions(reply.unanswered_questions))))
    return SlackMessage(_plain(said), blocks)


def claim_card_message(reply: ClaimCardReply, asker: str | None = None) -> SlackMessage:
    view = reply.claim
    blocks = _asked(asker, f"/talks claim {view.claim_id}") if asker else []
    # Two blocks a quote; keep room for the statement and its notes.
    budget = (MAX_BLOCKS - len(blocks) - 8) // 2
    blocks += claim_blocks(view, max_quotes=budget, show_flag=True)
    return SlackMessage(_plain(f"{view.text} ({view.claim_id})"), _cap(blocks))


# ---- other replies -------------------------------------------------------------


def sources_messages(reply: SourcesReply) -> list[SlackMessage]:
    if not reply.sources:
        return [text_message(slack_messages.NO_SOURCES)]
    blocks = []
    for s in reply.sources:
        lines = [f"*{escape(s.outlet or 'Outlet unknown')}* — {escape(s.title or 'headline unknown')}"]
        lines.append(f"Date: {escape(s.date or 'unknown')} · URL: {link(s.url) if s.url else 'unknown'} · id `{s.id}`")
        blocks.append(_section("\n".join(lines)))
    return _split(blocks, f"{len(reply.sources)} sources")


def history_messages(reply: HistoryReply) -> list[SlackMessage]:
    if not reply.entries:
        return [text_message(slack_messages.NO_HISTORY.format(claim_id=reply.claim_id), escaped=True)]
    blocks = [_section(f"*History of* `{reply.claim_id}`")]
    for h in history_lines(reply):
        head = f"*{h.action}* by {escape(h.by.name)} ({escape(h.by.where)}), {h.at:%Y-%m-%d %H:%M} UTC"
        blocks.append(_section("\n".join([head, *(_detail(d) for d in h.details)])))
    return _split(blocks, f"History of {reply.claim_id}")


def digest_messages(reply: DigestReply) -> list[SlackMessage]:
    """The digest as one or more messages of at most 50 blocks each."""
    period = f"{reply.period_start:%Y-%m-%d %H:%M} – {reply.period_end:%Y-%m-%d %H:%M} UTC"
    blocks: list[Block] = [_header(reply.title), _context(period)]
    for section in reply.sections:
        blocks.append(_section(f"*{escape(section.title)}*"))
        for item in section.items:
            text = f"• {escape(item.text)}"
            if item.claim_id and f"`{item.claim_id}`" not in text and item.claim_id not in item.text:
                text += f" `{item.claim_id}`"
            blocks.append(_section(text))
            if item.detail:
                blocks.append(_context(escape(item.detail)))
            for q in item.quotes:
                blocks += _quote(q)
    return _split(blocks, reply.title)


def text_message(text: str, *, escaped: bool = False) -> SlackMessage:
    """A one-sentence reply; `escaped` when the sentence is already Slack-safe mrkdwn."""
    body = text if escaped else escape(text)
    return SlackMessage(fit(body, FALLBACK_LIMIT), [_section(body)])


def help_message(lines: list[str], lead: str) -> SlackMessage:
    return SlackMessage(_plain("talksbot help"), [_section(lead), _section("\n".join(lines))])


def render(reply: Reply, asker: str | None = None) -> list[SlackMessage]:
    """Any core Reply as Slack messages (several only for long digests, sources or histories)."""
    match reply:
        case AnswerReply():
            return [answer_message(reply, asker)]
        case NoAnswerReply():
            return [no_answer_message(reply, asker)]
        case ClaimCardReply():
            return [claim_card_message(reply, asker)]
        case SourcesReply():
            return sources_messages(reply)
        case HistoryReply():
            return history_messages(reply)
        case DigestReply():
            return digest_messages(reply)
    raise TypeError(f"unknown reply {reply!r}")


# ---- limits --------------------------------------------------------------------


def _cap(blocks: list[Block]) -> list[Block]:
    """A last guard: one message never carries more than MAX_BLOCKS."""
    return blocks[:MAX_BLOCKS]


def _split(blocks: list[Block], title: str) -> list[SlackMessage]:
    """Blocks in messages of at most MAX_BLOCKS; later parts say which part they are."""
    per = MAX_BLOCKS - 1
    chunks = [blocks[i : i + per] for i in range(0, len(blocks), per)] or [[]]
    if len(chunks) == 1:
        return [SlackMessage(_plain(title), chunks[0])]
    out = []
    for n, chunk in enumerate(chunks, start=1):
        part = slack_messages.CONTINUED.format(part=n, total=len(chunks))
        out.append(SlackMessage(_plain(f"{title} {part}"), [*chunk, _context(part)]))
    return out

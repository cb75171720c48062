"""Parsing `/talks` text into a subcommand, and the one-line help for each.

Anything that is not clearly a subcommand is a question: "/talks history of
the talks" asks about history rather than failing as `history ID`. A keyword
alone, or with arguments of the wrong shape where no question reading makes
sense (`/talks retract`), is a usage error that names the right form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from adapters.slack import messages as slack_messages
from knowledge.articles.curated import CLAIM_ID
from knowledge.errors import BadInput

Kind = Literal[
    "ask",
    "claim",
    "sources",
    "subscribe",
    "unsubscribe",
    "preview",
    "help",
    "correct",
    "retract",
    "restore",
    "history",
    "suggest",
    "queue",
    "teach",
    "undo",
    "dismiss",
    "bulk_dismiss",
    "accept",
    "reject",
    "accept_as",
    "reject_source",
]

# (form, one-line help); the order is the order `/talks help` shows them in.
HELP: dict[str, tuple[str, str]] = {
    "ask": ("<question>", "answer a question in this channel, quoting the articles word for word"),
    "claim": ("claim ID", "show one claim with all its quotes, status and conflicts"),
    "sources": ("sources", "list the five articles and what they state about themselves"),
    "subscribe": (
        "digest subscribe HH:MM Area/City [moderators]",
        "post a daily digest here at a local time, e.g. 08:30 Europe/Kyiv (add `moderators` for theirs)",
    ),
    "unsubscribe": ("digest unsubscribe", "stop this channel's daily digest"),
    "preview": ("digest preview", "show (only to you) the digest as it would look now"),
    "suggest": ("suggest ID new statement | reason", "suggest a correction; moderators review it"),
    "help": ("help", "show this help"),
    "correct": ("correct [ID]", "moderators: open the correction form for a claim"),
    "retract": ("retract ID reason", "moderators: retract a claim so it is no longer given as an answer"),
    "restore": ("restore ID [reason]", "moderators: return a corrected or retracted claim to the article's wording"),
    "history": ("history ID", "moderators: a claim's moderation history, oldest first"),
    "queue": (
        "queue [unanswered|wrong|suggestions|candidates]",
        "moderators: the review queue, oldest first, some of each kind with how many wait, with buttons",
    ),
    "teach": ("teach ITEM CLAIM-ID", "moderators: answer a queued question (and close variants) with a claim"),
    "undo": ("undo ITEM", "moderators: undo what was taught from a queue item"),
    "dismiss": ("dismiss ITEM reason", "moderators: close a queue item without changing any fact"),
    "bulk_dismiss": (
        "dismiss FIRST-LAST|unanswered|wrong reason",
        "moderators: dismiss every unanswered question and wrong report in a range, or all of one kind",
    ),
    "accept": (
        "accept ITEM [reason | new text]",
        "moderators: accept a suggested correction (credited to its author) or an ingest candidate "
        "(words after the item replace its drafted text)",
    ),
    "reject": ("reject ITEM reason", "moderators: reject a suggested correction or an ingest candidate"),
    "accept_as": (
        "accept ITEM as-new [text] | as-support CLAIM | as-conflict CLAIM",
        "moderators: accept an ingest candidate as a new claim, a supporting quote of a claim, or a claim "
        "conflicting with one (CLAIM: its id, or words to pick it from a list)",
    ),
    "reject_source": ("reject source SOURCE reason", "moderators: reject every open candidate of one ingested article"),
}
# `/talks accept ITEM as-…`: how a candidate is accepted. Hyphenated, so no claim text begins with one.
ACCEPT_AS_WORDS = {"as-new": "new", "as-support": "supports", "as-conflict": "conflicts"}

MODERATOR_ONLY: frozenset[str] = frozenset(
    {
        "correct",
        "retract",
        "restore",
        "history",
        "queue",
        "teach",
        "undo",
        "dismiss",
        "bulk_dismiss",
        "accept",
        "reject",
        "accept_as",
        "reject_source",
    }
)
# `/talks queue KIND` and `/talks dismiss KIND reason`: the words a moderator may type for a kind.
QUEUE_KIND_WORDS = {
    "unanswered": "unanswered",
    "wrong": "wrong",
    "suggestion": "suggestion",
    "suggestions": "suggestion",
    "candidate": "candidate",
    "candidates": "candidate",
}
_RANGE = re.compile(r"#?(\d{1,18})-#?(\d{1,18})")


@dataclass(frozen=True)
class Command:
    kind: Kind
    claim_id: str | None = None
    text: str = ""
    args: list[str] = field(default_factory=list)


def _is_id(word: str) -> bool:
    return bool(CLAIM_ID.match(word)) and len(word) <= 80


def _usage(kind: str) -> BadInput:
    return BadInput(slack_messages.usage(kind, HELP[kind][0]))


def parse_command(text: str) -> Command:
    """The subcommand in `/talks` text (already unescaped); raises BadInput for a malformed one."""
    words = text.split()
    if not words:
        return Command("help")
    head, rest = words[0].lower(), words[1:]
    if head == "help" and not rest:
        return Command("help")
    if head == "sources" and not rest:
        return Command("sources")
    if head == "digest":
        return _digest(rest)
    if head == "claim":
        if not rest:
            raise _usage("claim")
        if len(rest) == 1 and _is_id(rest[0]):
            return Command("claim", claim_id=rest[0])
    if head == "correct" and len(rest) <= 1 and all(_is_id(w) for w in rest):
        return Command("correct", claim_id=rest[0] if rest else None)
    if head in ("retract", "restore"):
        # Always a command: a moderator's mistyped id must get an error, never a public question.
        if not rest:
            raise _usage(head)
        reason = " ".join(rest[1:])
        if head == "retract" and not reason:
            raise _usage("retract")
        return Command(head, claim_id=rest[0].lower(), text=reason)  # type: ignore[arg-type]
    if head == "queue" and not rest:
        return Command("queue")
    if head == "queue" and len(rest) == 1 and rest[0].lower() in QUEUE_KIND_WORDS:
        return Command("queue", args=[QUEUE_KIND_WORDS[rest[0].lower()]])
    if head == "dismiss" and rest and (_RANGE.fullmatch(rest[0]) or rest[0].lower() in ("unanswered", "wrong")):
        if len(rest) < 2:
            raise BadInput(slack_messages.usage("dismiss", HELP["bulk_dismiss"][0]))
        target = rest[0].lower()
        return Command("bulk_dismiss", text=" ".join(rest[1:]), args=[target])
    if head == "reject" and rest and rest[0].lower() == "source":
        if len(rest) < 3:
            raise _usage("reject_source")
        return Command("reject_source", text=" ".join(rest[2:]), args=[rest[1]])
    if head == "accept" and len(rest) >= 2 and rest[1].lower() in ACCEPT_AS_WORDS:
        item, how, typed = rest[0].lstrip("#"), ACCEPT_AS_WORDS[rest[1].lower()], " ".join(rest[2:])
        if not item.isdigit() or len(item) > 18 or (how != "new" and not typed):
            raise _usage("accept_as")
        return Command("accept_as", text=typed, args=[item, how])
    if head in ("teach", "undo", "dismiss", "accept", "reject"):
        # Always commands: a moderator's slip must get a usage line, never a public question.
        item = rest[0].lstrip("#") if rest else ""
        if not item.isdigit() or len(item) > 18:
            raise _usage(head)
        tail = rest[1:]
        if head == "teach":
            if len(tail) != 1:
                raise _usage("teach")
            return Command("teach", claim_id=tail[0].lower(), args=[item])
        if head in ("dismiss", "reject") and not tail:
            raise _usage(head)
        if head == "undo" and tail:
            raise _usage("undo")
        return Command(head, text=" ".join(tail), args=[item])  # type: ignore[arg-type]
    if head == "suggest":
        body = " ".join(rest[1:])
        statement, bar, reason = body.partition("|")
        if not rest or not bar or not statement.strip() or not reason.strip():
            raise _usage("suggest")
        return Command("suggest", claim_id=rest[0].lower(), text=statement.strip(), args=[reason.strip()])
    if head == "history":
        if not rest:
            raise _usage("history")
        if len(rest) == 1 and _is_id(rest[0]):
            return Command("history", claim_id=rest[0])
    return Command("ask", text=" ".join(words))


def _digest(rest: list[str]) -> Command:
    action = rest[0].lower() if rest else ""
    if action == "subscribe":
        if len(rest) not in (3, 4) or (len(rest) == 4 and rest[3].lower() != "moderators"):
            raise _usage("subscribe")
        return Command("subscribe", args=[*rest[1:3], *(r.lower() for r in rest[3:])])
    if action in ("unsubscribe", "preview") and len(rest) == 1:
        return Command(action)  # type: ignore[arg-type]
    raise BadInput(
        "Usage: `/talks digest subscribe HH:MM Area/City`, `/talks digest unsubscribe` or `/talks digest preview`."
    )


def help_lines() -> list[str]:
    """One line per subcommand, as `/talks help` shows them."""
    return [f"`/talks {form}` — {text}" for form, text in HELP.values()]

"""What a Slack payload says, read the same way by every listener: its workspace and
user, whether a person wrote it, its text without the bot's mention, its delivery key;
and the two things every listener does with a reply: send it, or say what went wrong."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from adapters.slack.blocks import SlackMessage
from bot import messages
from knowledge.errors import TalksbotError
from knowledge.models import Moderator

log = logging.getLogger(__name__)

PLATFORM = "slack"


def user_sentence(exc: BaseException) -> str:
    """The one place exceptions become user text: core errors say why, others are logged."""
    if isinstance(exc, TalksbotError):
        return str(exc)
    log.error("unexpected error in a Slack listener", exc_info=exc)
    return messages.UNKNOWN_ERROR


def without_mention(text: str, bot_id: str) -> str:
    """`text` with the bot's own mentions (`<@U…>`, `<@U…|name>`) blanked out.

    A mention never holds "<" (Slack escapes it as &lt;), so `[^<>]*` stops an unclosed
    one at the next "<" rather than retrying the rest of a 40,000-character message from
    every "<@U…|" (quadratic).
    """
    if not bot_id:
        return text
    return re.sub(rf"<@{re.escape(bot_id)}(?:\|[^<>]*)?>", " ", text)


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one Slack delivery across retries: the Events API's event id, or a
    slash command's trigger id. Interactions are left alone: a modal's acknowledgement
    carries its validation errors, so a repeat must be answered, not swallowed."""
    event_id = body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return f"slack:event:{event_id}"
    trigger = body.get("trigger_id")
    if body.get("command") and isinstance(trigger, str) and trigger:
        return f"slack:command:{trigger}"
    return None


async def send_all(respond: AsyncRespond, items: list[SlackMessage], *, in_channel: bool) -> None:
    for item in items:
        await respond(
            **item.payload(),
            response_type="in_channel" if in_channel else "ephemeral",
            replace_original=False,
            unfurl_links=False,
            unfurl_media=False,
        )


def moderator_of(user_id: str, name: str | None, team_id: str | None, team_name: str | None) -> Moderator:
    return Moderator(
        platform=PLATFORM,
        user_id=user_id,
        name=(name or user_id)[: messages.MAX_NAME_CHARS],
        community_id=team_id or None,
        community_name=team_name or None,
    )


def plain_text(value: object) -> str | None:
    """A non-empty string field of a payload, or None (never a list or object slipped in)."""
    return value if isinstance(value, str) and value else None


# Message subtypes that are a person writing: a message with a file, and a thread reply
# also sent to the channel. Every other subtype is an edit, a join, a bot or a system note.
QUESTION_SUBTYPES = frozenset({"file_share", "thread_broadcast"})
# Slackbot's own DMs (reminders, "you were added to…") carry no subtype and no bot_id.
SLACKBOT = "USLACKBOT"


def is_person_writing(event: dict[str, Any]) -> bool:
    """Whether a message or mention event is a person's words (a question), not an edit,
    a bot, Slackbot, or a mention inside a canvas (`document_mention`)."""
    subtype = event.get("subtype")
    if subtype is not None and subtype not in QUESTION_SUBTYPES:
        return False
    user = event.get("user")
    return bool(user) and user != SLACKBOT and not event.get("bot_id")


def workspace_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(id, domain) of the workspace an interaction came from. Org-wide (Enterprise Grid)
    installs send `"team": null`: then the user's own workspace, the view's, or, failing
    both, the enterprise itself."""
    team = body.get("team") or {}
    if team.get("id"):
        return team["id"], team.get("domain") or None
    user = body.get("user") or {}
    view = body.get("view") or {}
    enterprise = body.get("enterprise") or {}
    return user.get("team_id") or view.get("team_id") or enterprise.get("id") or None, None


def is_private_channel(channel_id: str, channel_name: str | None = None) -> bool:
    # D… ids are direct messages; slash commands name them "directmessage".
    return channel_id.startswith("D") or channel_name in ("directmessage", "mpdm")

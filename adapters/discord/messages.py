"""Sentences only Discord users see. The core's sentences live in bot.messages."""

from __future__ import annotations

from bot.messages import plural

GUILD_ONLY = "Use this command in a server channel, not in a direct message."
EMPTY_MESSAGE = "That message has no text I can look up."
PICK_FROM_LIST = "Pick a claim from the list that appears as you type."
FEEDBACK_HELPFUL = "Thanks: recorded as helpful."
FEEDBACK_WRONG = "Thanks: recorded as wrong. The moderators see it in their digest."
UNSUBSCRIBED = "This channel will no longer get the daily digest."
CHANNEL_UNKNOWN = "I cannot tell which channel this is; run the command in a server text channel."
INVALID_VALUE = "“{option}” is not a value I can use there; pick one from the list."
COOLDOWN = "Slow down a little: try again in {seconds:.0f} seconds."
COMMAND_UNAVAILABLE = "That command is not available any more; type / to see the commands I have now."
BOT_MISSING_PERMISSIONS = "I need these permissions in this channel: {permissions}."
TRUNCATED = "…"
QUOTE_SOURCE = "— {label}"
NUMBERED_FOOTER = "{number} · {claim_id}"
SOURCES_TITLE = "The articles I quote"
HISTORY_TITLE = "Moderation history of {claim_id}"
NO_HISTORY = "No moderator has changed this claim."
UNKNOWN = "unknown"
MORE_ITEMS = "…and {count} more: `/queue dismiss` and `/queue teach` list them all as you type."
HELPFUL_LABEL = "Helpful"
WRONG_LABEL = "Wrong"


def subscribed(post_time: str, timezone: str, audience: str = "public") -> str:
    which = "the moderators' digest" if audience == "moderators" else "the daily digest"
    return f"This channel will get {which} at {post_time} ({timezone})."


def done(action: str, claim_id: str) -> str:
    return f"{action} `{claim_id}`. It shows that way in every answer from now on."


# `/queue accept as:` choices: how a candidate is accepted.
ACCEPT_AS = {"new": "a new claim", "supports": "a supporting quote of a claim", "conflicts": "a conflict with a claim"}


def queue_done(action: str, item_id: int) -> str:
    done = {"dismiss": "Dismissed", "accept": "Accepted", "reject": "Rejected"}[action]
    return f"{done} queue item #{item_id}."


def taught(phrasing: str, claim_id: str) -> str:
    return f"Taught: that question and its close variants are answered with `{claim_id}` from now on."


def untaught(phrasing: str, claim_id: str) -> str:
    return f"Undone: that question no longer points to `{claim_id}`; it is back in the queue."


def more_quotes(count: int, claim_id: str) -> str:
    return f"…and {plural(count, 'more quote')}: /claim id:{claim_id}"

"""Slack-only user-facing sentences. Core sentences live in bot.messages."""

from __future__ import annotations

from bot.messages import plural

FEEDBACK_THANKS = "Thanks, your feedback is recorded."
FEEDBACK_STALE = "That button belongs to an answer I can no longer match; ask again to give feedback."
SOURCE_LINE = "— {label}"
ASKED = "{asker} asked: “{question}”"
CONTINUED = "(continued, part {part} of {total})"
HELPFUL = "Helpful"
WRONG = "Wrong"
ADDED_BY_MODERATORS = "Added by moderators"
CORRECT_TITLE = "Correct a claim"
CORRECT_SUBMIT = "Save correction"
CORRECT_CANCEL = "Cancel"
CLAIM_LABEL = "Claim"
CLAIM_PLACEHOLDER = "Type part of the claim id or text"
STATEMENT_LABEL = "New statement"
REASON_LABEL = "Reason"
URL_LABEL = "Source URL (optional)"
PICK_A_CLAIM = "Pick the claim to correct."
CORRECTED = "Corrected `{claim_id}`: {text}"
RETRACTED_OK = "Retracted `{claim_id}`; it no longer appears in answers."
RESTORED_OK = "Restored `{claim_id}` to the article's wording."
UNSUBSCRIBED = "{who} stopped this channel's daily digest."
NO_HISTORY = "`{claim_id}` has no moderator actions."
NO_SOURCES = "No sources are loaded."
HELP_TITLE = (
    "*talksbot* answers questions about the February 2025 Trump–Putin call and the peace talks "
    "that followed, quoting its sources word for word."
)
MODAL_EXPIRED = "The correction form could not open in time; run `/talks correct` again."


def usage(subcommand: str, form: str) -> str:
    return f"Usage: `/talks {form}` ({subcommand})."


def subscribed(who: str, time: str, zone: str, audience: str) -> str:
    which = "the moderators' digest" if audience == "moderators" else "a daily digest"
    return f"{who} subscribed this channel to {which} at {time} ({zone}). In a private channel, invite me first."


def more_items(count: int) -> str:
    return f"…and {count} more: `/talks queue` lists the oldest first."


def pick_claim(item_id: int, how: str) -> str:
    what = "support" if how == "supports" else "conflict with"
    return f"Which claim should candidate #{item_id} {what}? Press one, or type its id."


NO_CLAIM_MATCHES = "No claim matches those words; try others, or the claim's id (`/talks claim ID`)."

QUEUE_DONE = {
    "dismiss": "Dismissed queue item #{id}.",
    "accept": "Accepted suggestion #{id}.",
    "reject": "Rejected suggestion #{id}.",
}
TAUGHT = "Taught: that question and its close variants are answered with `{claim_id}` from now on."
UNTAUGHT = "Undone: that question no longer points to `{claim_id}`; it is back in the queue."


def more_quotes(count: int, claim_id: str) -> str:
    return f"{plural(count, 'more quote')}: `/talks claim {claim_id}`"

"""Every user-facing sentence in one place: short, stating the limit or the fix."""

from __future__ import annotations

MAX_QUESTION_CHARS = 500
MAX_STATEMENT_CHARS = 500
MAX_REASON_CHARS = 500
MAX_URL_CHARS = 500
MAX_NAME_CHARS = 100

EMPTY_QUESTION = "Ask a question, for example: How long was the Trump–Putin call?"
NO_ANSWER = "That is not in my sources."
SUGGESTIONS_LEAD = "My sources do cover:"
SOURCES_DISAGREE = "Sources disagree"
CORRECTED_BY = "Corrected by {by} on {at}"
ARTICLE_SAID = "What the articles said"
ORIGINAL_CLAIM = "Original claim"
RETRACTED = "Retracted by moderators: {reason}"
NOT_MODERATOR = "Only moderators can do that."
UNKNOWN_ERROR = "Something went wrong on my side; the moderators can find it in the log."
NOTHING_NEW = "Nothing new since the last digest."
FLAGGED = "This claim is no longer in the curated file; it is kept because moderators acted on it."


def too_long(what: str, limit: int) -> str:
    return f"The {what} is too long: {limit} characters at most."


def required(what: str) -> str:
    return f"The {what} cannot be empty."


def unknown_claim(claim_id: str) -> str:
    return f"There is no claim with id “{claim_id}”. Try `talksbot claims` for the list."

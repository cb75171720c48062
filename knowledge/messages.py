"""Every user-facing sentence of the knowledge layer (the store and its errors), in one place.

Short sentences that state the limit or the fix. The core's own sentences are
in `bot.messages`, which reuses the ones both say (knowledge never imports bot);
adapters keep their platform sentences in `adapters/*/messages.py`.
"""

from __future__ import annotations

import math
from datetime import timedelta

# ---- a database that cannot be used (DatabaseUnusable) ----------------------------------------


def is_a_directory(path: object) -> str:
    return f"{path} is a directory, not a database file."


def not_a_regular_file(path: object) -> str:
    return f"{path} is not a regular file."


def read_only(path: object) -> str:
    return f"{path} is read-only; talksbot needs to write to it."


def folder_not_writable(folder: object, wal_name: str) -> str:
    return f"{folder} is not writable; talksbot keeps {wal_name} beside the database."


def no_database(location: object) -> str:
    return f"no talksbot database at {location}; read commands create one."


def cannot_create_in_a_file(path: object, ancestor: object) -> str:
    return f"cannot create {path}: {ancestor} is a file, not a directory."


def cannot_create_unwritable(path: object, ancestor: object) -> str:
    return f"cannot create {path}: {ancestor} is not writable."


def not_talksbot(location: object) -> str:
    return f"{location} is not a talksbot database; it was left untouched."


def not_sqlite(path: object) -> str:
    return f"{path} is not a talksbot database (not an SQLite file); it was left untouched."


def damaged(path: object) -> str:
    return f"{path} is damaged (shorter than an SQLite header); it was left untouched."


def unreadable(path: object, error: Exception) -> str:
    return f"{path} cannot be read as a database ({error}); it was left untouched."


def newer_schema(location: object, version: int, known: int) -> str:
    return f"{location} was written by a newer talksbot (schema {version}, this one knows {known}); upgrade talksbot."


def cannot_open(path: object, error: Exception) -> str:
    return f"{path} cannot be opened ({error})."


def cannot_use(path: object, error: Exception) -> str:
    return f"{path} cannot be used as a database ({error})."


def unreachable(location: str, error: Exception) -> str:
    return f"{location} cannot be reached ({type(error).__name__}: {error})."


# ---- claims and their history -----------------------------------------------------------------


def unknown_claim(claim_id: str) -> str:
    return f"There is no claim with id “{claim_id}”."


def nothing_to(claim_id: str, status: str, action: str) -> str:
    return f"Claim “{claim_id}” is {status}; nothing to {action}."


def claim_exists(claim_id: str) -> str:
    return f"A claim with id “{claim_id}” already exists."


# ---- readers' suggestions -----------------------------------------------------------------------


def suggestion_limit(per_window: int, window: timedelta, wait: timedelta) -> str:
    """The rate limit, and when the reader may suggest again: "You can make 5 suggestions an hour;
    try again in 12 minutes." """
    return f"You can make {per_window} suggestions {_per(window)}; try again in {_duration(wait)}."


def unknown_suggestion(suggestion_id: int) -> str:
    return f"There is no suggestion #{suggestion_id}."


def suggestion_decided(suggestion_id: int, status: str) -> str:
    return f"Suggestion #{suggestion_id} is already {status}."


# ---- the review queue ---------------------------------------------------------------------------


def unknown_item(item_id: int) -> str:
    return f"There is no queue item #{item_id}."


def item_closed(item_id: int, status: str) -> str:
    return f"Queue item #{item_id} is already {status}."


def unknown_taught(taught_id: int) -> str:
    return f"There is no taught phrasing #{taught_id} to undo."


# ---- ingested articles and their candidates -------------------------------------------------------


def duplicate_article(source_id: str) -> str:
    return f"This article is already stored as source {source_id}; nothing was written."


def source_name_taken(source_id: str) -> str:
    return f"A source named {source_id} already exists; rename the file."


def already_quoted(claim_id: str) -> str:
    return f"Claim {claim_id} already quotes this passage; reject the candidate or pick another claim."


def sentence_already_claimed(claim_id: str) -> str:
    return (
        f"This sentence is already claim {claim_id}; accept it as a supporting quote of another claim "
        "or as a conflict, or reject it."
    )


def not_a_candidate(item_id: int) -> str:
    return f"Queue item #{item_id} is not an ingest candidate."


def candidate_claim_gone(claim_id: str) -> str:
    return f"Claim “{claim_id}” no longer exists; accept with a new text instead."


def article_not_stored(source_id: str) -> str:
    return f"The article {source_id} is not stored; ingest it again."


def quote_no_longer_checks_out(problem: str) -> str:
    return f"The candidate's quote no longer checks out: {problem}."


# ---- building the store from the curated file -----------------------------------------------------

BUILD_PROBLEMS_SHOWN = 5


def build_failed(problems: list[str]) -> str:
    """The first BUILD_PROBLEMS_SHOWN problems, and how many more there are."""
    shown = "; ".join(problems[:BUILD_PROBLEMS_SHOWN])
    hidden = len(problems) - BUILD_PROBLEMS_SHOWN
    return f"claim build failed: {shown}" + (f" (and {hidden} more)" if hidden > 0 else "")


def _per(window: timedelta) -> str:
    """ "an hour", "a day", "every 2 hours", "every 30 minutes"."""
    minutes = max(1, round(window.total_seconds() / 60))
    for unit, size, one in (("day", 1440, "a day"), ("hour", 60, "an hour"), ("minute", 1, "a minute")):
        if minutes % size == 0:
            n = minutes // size
            return one if n == 1 else f"every {n} {unit}s"
    raise AssertionError("a whole number of minutes is a multiple of 1")  # pragma: no cover


def _duration(wait: timedelta) -> str:
    """Rounded up, so the reader is never told to come back too early: "1 minute", "12 minutes", "2 hours"."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    if minutes <= 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


# ---- what arrives for ingest: pages, languages, near copies -----------------------------------


def fetch_failed(url: str, why: str) -> str:
    return f"Could not fetch {url}: {why}. Nothing was written."


def fetch_too_large(url: str, limit: int) -> str:
    return f"The page at {url} is over {limit // 1_000_000} MB; nothing was written."


ARTICLE_NO_TEXT = "The page holds no article text that could be read; nothing was written."


def article_too_long(limit: int) -> str:
    return f"The article's text is over {limit:,} characters, too long to review; nothing was written."


def article_not_english(language: str) -> str:
    return f"The article is in {language}, not English; talksbot reads English articles only. Nothing was written."


def article_repeats(source_id: str, share: float) -> str:
    return (
        f"The article repeats source {source_id} ({share:.0%} of its text) and adds no sentence of its own; "
        "nothing was written."
    )


def near_copy_note(source_id: str, share: float, kept: int) -> str:
    return (
        f"It nearly repeats source {source_id} ({share:.0%} of its text): only its {kept} sentence(s) "
        "not found there were proposed."
    )

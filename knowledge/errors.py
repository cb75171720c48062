"""The exception hierarchy. Every message is a short sentence safe to show users."""

from __future__ import annotations


class TalksbotError(Exception):
    """Base class: `str(error)` is a user-safe, one-line sentence."""


class BadInput(TalksbotError):
    """The user gave something unusable (empty text, unknown id, bad time…)."""


class NotFound(BadInput):
    """A claim, source or subscription that does not exist."""


class PermissionDenied(TalksbotError):
    """The user may not do this (moderator-only actions)."""


class DatabaseUnusable(TalksbotError):
    """The database file is not a talksbot database, or is from a newer version."""


class BuildError(TalksbotError):
    """A curated claim or quote failed verification against its article."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"claim build failed: {shown}{more}")

"""The exception hierarchy. Every message is a short sentence safe to show users (`knowledge.messages`)."""

from __future__ import annotations

from knowledge import messages


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
        super().__init__(messages.build_failed(problems))

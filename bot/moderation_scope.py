"""Parsing the operator's moderation scope from settings: `discord:<id>` / `slack:<id>` entries.

The decisions made with it live in `bot.permissions.ModerationPolicy`. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Entry = tuple[str, str]

# Discord ids are snowflakes: 17–20 decimal digits for anything created since 2015.
_DISCORD_ID = re.compile(r"[0-9]{17,20}")
_SLACK_TEAM = re.compile(r"T[A-Z0-9]{2,}")
# W… ids are Enterprise Grid users; both appear in events as `user`.
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")

COMMUNITY_FORM = "discord:<17–20 digit server id> or slack:<team id T…>"
USER_FORM = "discord:<17–20 digit user id> or slack:<user id U… or W…>"


def is_discord_id(value: str) -> bool:
    return _DISCORD_ID.fullmatch(value) is not None


def is_slack_team_id(value: str) -> bool:
    return _SLACK_TEAM.fullmatch(value) is not None


def is_slack_user_id(value: str) -> bool:
    return _SLACK_USER.fullmatch(value) is not None


def split_list(text: str | Iterable[str] | None) -> list[str]:
    """Comma-separated text (or an already split list) → stripped, non-empty items."""
    if text is None:
        return []
    items = text.split(",") if isinstance(text, str) else list(text)
    return [str(item).strip() for item in items if str(item).strip()]


def parse_communities(items: Iterable[str]) -> frozenset[Entry]:
    """`discord:<guild id>` / `slack:<team id>` items → entries; ValueError names the bad position, not its text."""
    return frozenset(_parse(items, {"discord": is_discord_id, "slack": is_slack_team_id}, COMMUNITY_FORM))


def parse_users(items: Iterable[str]) -> frozenset[Entry]:
    """`discord:<user id>` / `slack:<user id>` items → entries; ValueError names the bad position, not its text."""
    return frozenset(_parse(items, {"discord": is_discord_id, "slack": is_slack_user_id}, USER_FORM))


def _parse(items: Iterable[str], checks: dict[str, Callable[[str], bool]], form: str) -> list[Entry]:
    out: list[Entry] = []
    for position, item in enumerate(items, start=1):
        platform, _, ident = item.partition(":")
        platform, ident = platform.strip().lower(), ident.strip()
        check = checks.get(platform)
        # The bad text is not echoed: a token pasted into the wrong variable must not reach a log.
        if check is None or not check(ident):
            raise ValueError(f"entry {position} is not {form}")
        out.append((platform, ident))
    return out

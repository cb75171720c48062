"""What Slack says about a user: whether they are an admin or owner of a given workspace.

Whether that lets them change facts is the core's policy (bot.permissions):
an admin counts only in a workspace the operator named. `users.info`'s admin
bit is about the user's *own* workspace, which in a Slack Connect channel is
another organisation's: so the bit counts only where that workspace (or, for
an Enterprise Grid member, one of their org's workspaces they belong to) is
the one the request came from. The lookup (scope users:read) is cached
briefly, per workspace and user, because the correction modal must open
within the 3 seconds its trigger id lives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300.0
# Bounds the cache under a flood of distinct users; entries are tiny, and expire anyway.
ADMIN_CACHE_ENTRIES = 10_000
_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


def is_admin_of(user: Mapping[str, Any], team_id: str) -> bool:
    """Whether a `users.info` user object makes them an admin or owner of `team_id`.

    Their own workspace's flags count only when `team_id` is that workspace; an
    Enterprise Grid org admin's count in the org's workspaces they are a member of.
    """
    if not team_id:
        return False
    if user.get("team_id") == team_id and any(user.get(flag) is True for flag in _ADMIN_FLAGS):
        return True
    grid = user.get("enterprise_user")
    if not isinstance(grid, Mapping):
        return False
    teams = grid.get("teams")
    return isinstance(teams, list) and team_id in teams and any(grid.get(flag) is True for flag in _ADMIN_FLAGS)


class WorkspaceRoles:
    """Answers `is_admin(user_id, team_id)`; fails closed when Slack cannot be asked."""

    def __init__(self, client: AsyncWebClient, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._monotonic = monotonic
        # (workspace, user) → (is admin there, when looked up)
        self._admin_cache: dict[tuple[str, str], tuple[bool, float]] = {}

    async def is_admin(self, user_id: str, team_id: str | None) -> bool:
        """Whether `user_id` is an admin or owner of `team_id`, the workspace the request came from."""
        if not user_id or not team_id:
            return False
        key = (team_id, user_id)
        cached = self._admin_cache.get(key)
        now = self._monotonic()
        if cached and now - cached[1] < ADMIN_CACHE_SECONDS:
            return cached[0]
        try:
            resp = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed (%s); treating them as not an admin", user_id, exc)
            return False
        user = resp.get("user") or {}
        is_admin = is_admin_of(user, team_id)
        if len(self._admin_cache) >= ADMIN_CACHE_ENTRIES:
            self._admin_cache.clear()
        self._admin_cache[key] = (is_admin, now)
        return is_admin

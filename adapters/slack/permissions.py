"""What Slack says about a user: whether they are a workspace admin or owner.

Whether that lets them change facts is the core's policy (bot.permissions):
an admin counts only in a workspace the operator named. The lookup
(`users.info`, scope users:read) is cached briefly because the correction
modal must open within the 3 seconds its trigger id lives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300.0


class WorkspaceRoles:
    """Answers `is_admin(user_id)`; fails closed when Slack cannot be asked."""

    def __init__(self, client: AsyncWebClient, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._monotonic = monotonic
        self._admin_cache: dict[str, tuple[bool, float]] = {}

    async def is_admin(self, user_id: str) -> bool:
        if not user_id:
            return False
        cached = self._admin_cache.get(user_id)
        now = self._monotonic()
        if cached and now - cached[1] < ADMIN_CACHE_SECONDS:
            return cached[0]
        try:
            resp = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed (%s); treating them as not an admin", user_id, exc)
            return False
        user = resp.get("user") or {}
        is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._admin_cache[user_id] = (is_admin, now)
        return is_admin

"""Posting digests with chat.postMessage, paced per channel.

Slack allows about one message a second per channel, so consecutive posts to
one channel (the parts of a long digest, or digests on a busy day) wait for
their turn; different channels do not wait for each other. With a shared
budget the turn is every process's (adapters/slack/ratelimits.py): each post
takes a slot of the channel's limit first. A 429 that still happens is retried
by the client's rate-limit retry handler when it has one; otherwise its
Retry-After goes to the budget and becomes the scheduler's `RateLimited`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import digest_messages
from adapters.slack.ratelimits import post_bucket, retry_after
from bot.ratelimit import RateBudget, RateLimited
from bot.replies import DigestReply
from bot.service import TalksService
from knowledge.models import Place

MIN_INTERVAL = 1.0


class SlackDigestPoster:
    """The scheduler's DigestPoster for Slack: raises when Slack refuses a post."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        interval: float = MIN_INTERVAL,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        service: TalksService | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.client = client
        self.budget = budget
        # With a service, each digest's first part is remembered: a later correction is noted in its thread.
        self.service = service
        self.interval = interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        """Posts every part of `digest` to `channel_id`, in order."""
        async with self._locks.setdefault(channel_id, asyncio.Lock()):
            first_ts: str | None = None
            for message in digest_messages(digest):
                await self._wait_turn(channel_id)
                buckets = [post_bucket(channel_id)]
                if self.budget is not None:
                    await self.budget.take(buckets)
                try:
                    sent = await self.client.chat_postMessage(
                        channel=channel_id, **message.payload(), unfurl_links=False, unfurl_media=False
                    )
                    first_ts = first_ts or _ts(sent)
                except SlackApiError as exc:
                    if exc.response.status_code != 429:
                        raise
                    wait = retry_after(exc.response.headers)
                    if self.budget is not None:
                        await self.budget.hold_off(buckets, wait)
                    raise RateLimited(wait) from exc
                finally:
                    self._last_post[channel_id] = self._monotonic()
            if self.service is not None and first_ts:
                place = Place(platform="slack", channel_id=channel_id)
                await self.service.remember_post(place, digest, message_id=first_ts, after_expiry="note")

    async def _wait_turn(self, channel_id: str) -> None:
        last = self._last_post.get(channel_id)
        if last is None:
            return
        wait = self.interval - (self._monotonic() - last)
        if wait > 0:
            await self._sleep(wait)


def _ts(sent: Any) -> str | None:
    ts = sent.get("ts") if hasattr(sent, "get") else None
    return str(ts) if ts else None

"""Posting digests with chat.postMessage, paced per channel.

Slack allows about one message a second per channel, so consecutive posts to
one channel (the parts of a long digest, or digests on a busy day) wait for
their turn; different channels do not wait for each other. A 429 that still
happens is retried by the client's rate-limit retry handler.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import digest_messages
from bot.replies import DigestReply

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
    ) -> None:
        self.client = client
        self.interval = interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        """Posts every part of `digest` to `channel_id`, in order."""
        async with self._locks.setdefault(channel_id, asyncio.Lock()):
            for message in digest_messages(digest):
                await self._wait_turn(channel_id)
                try:
                    await self.client.chat_postMessage(
                        channel=channel_id, **message.payload(), unfurl_links=False, unfurl_media=False
                    )
                finally:
                    self._last_post[channel_id] = self._monotonic()

    async def _wait_turn(self, channel_id: str) -> None:
        last = self._last_post.get(channel_id)
        if last is None:
            return
        wait = self.interval - (self._monotonic() - last)
        if wait > 0:
            await self._sleep(wait)

"""Posting digests to channels with the bot token.

Digests go through the channel messages endpoint, not an interaction webhook:
interaction tokens expire after 15 minutes, and a digest is posted by the
scheduler long after anyone typed a command. With a shared budget each post
first takes a slot of the bot token's global limit (adapters/discord/ratelimits.py),
so the schedulers of every process stay within it together; the channel's own
route bucket is discord.py's to keep.
"""

from __future__ import annotations

import discord

from adapters.discord.deps import PLATFORM, AdapterDeps
from adapters.discord.limits import fit_embeds
from adapters.discord.ratelimits import global_bucket
from adapters.discord.render import digest_embeds
from adapters.discord.respond import NO_PINGS
from bot.ratelimit import RateBudget, RateLimited
from bot.replies import DigestReply
from knowledge.models import Place


class ChannelPoster:
    """The scheduler's DigestPoster for Discord: one message of embeds per digest."""

    def __init__(self, client: discord.Client, *, budget: RateBudget | None = None) -> None:
        self.client = client
        self.budget = budget

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        """Sends one message; raises discord.HTTPException (the scheduler retries and records it)."""
        # A partial channel needs no gateway cache, so this works on any shard and before READY.
        channel = self.client.get_partial_messageable(int(channel_id))
        if self.budget is not None:
            await self.budget.take([global_bucket(self.client.http.token)])
        try:
            sent = await channel.send(embeds=fit_embeds(digest_embeds(digest)), allowed_mentions=NO_PINGS)
        except discord.RateLimited as exc:  # longer than discord.py waits by itself
            raise RateLimited(exc.retry_after) from exc
        deps = getattr(self.client, "deps", None)
        if isinstance(deps, AdapterDeps):
            # A digest is a dated summary: a later correction is noted under it rather than rewriting it.
            place = Place(platform=PLATFORM, channel_id=channel_id)
            await deps.service.remember_post(place, digest, message_id=str(sent.id), after_expiry="note")

"""Changing messages already posted, for the outbox worker (bot.outbox), and remembering them.

What Discord allows (see the README, "When a fact is corrected"):
- an interaction response can be edited through its interaction token for 15
  minutes (`PATCH /webhooks/{application_id}/{token}/messages/{message_id}`),
  ephemeral ones included;
- after that, a *public* response in a server where the bot is a member can
  still be edited by the bot with its own token
  (`PATCH /channels/{channel_id}/messages/{message_id}`); ephemeral responses
  cannot (Discord answers "Unknown Message"), nor can DMs of a user-installed app;
- messages the bot posted itself (digests) can be edited at any time;
- a deleted message answers 404 with code 10008 (Unknown Message).

Requests go through discord.py's own HTTP client, so its per-route buckets and
short 429 waits apply; with a shared budget each first takes a slot of the bot
token's global limit (adapters/discord/ratelimits.py); a 429 asking for more than the client's
`max_ratelimit_timeout` raises `discord.RateLimited`, which becomes the
worker's `RateLimited` and reschedules the row instead of holding a slot.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
from discord.http import Route

from adapters.discord.deps import deps_of
from adapters.discord.limits import fit_content, fit_embeds
from adapters.discord.permissions import place_of
from adapters.discord.ratelimits import global_bucket
from adapters.discord.render import answer_embeds, claim_card_embed, escape
from bot.outbox import CannotEdit, MessageGone, RateLimited, TokenExpired
from bot.ratelimit import RateBudget
from bot.replies import AnswerReply, ClaimCardReply
from knowledge.posted import PostedMessage

# Interaction tokens last 15 minutes; stop using one a little early so a slow call cannot straddle the end.
TOKEN_LIFETIME = timedelta(minutes=15) - timedelta(seconds=30)
UNKNOWN_MESSAGE = 10008
UNKNOWN_CHANNEL = 10003
UNKNOWN_WEBHOOK = 10015
INVALID_WEBHOOK_TOKEN = 50027
NO_PINGS_JSON: dict[str, Any] = {"parse": [], "replied_user": False}


async def remember(
    interaction: discord.Interaction, reply: AnswerReply | ClaimCardReply, message_id: int | None
) -> None:
    """Record a public interaction response so that later corrections can reach it.

    Its token edits it for 15 minutes; after that the bot edits it as a member of
    the server, which only a server that installed the bot (not a user install) allows.
    """
    if message_id is None:
        return
    service = deps_of(interaction).service
    await service.remember_post(
        place_of(interaction),
        reply,
        message_id=str(message_id),
        edit_via="interaction",
        token=interaction.token,
        token_lifetime=TOKEN_LIFETIME,
        after_expiry="bot" if interaction.is_guild_integration() else "none",
    )


class DiscordEditor:
    """The outbox worker's MessageEditor for Discord."""

    def __init__(self, client: discord.Client, *, budget: RateBudget | None = None) -> None:
        self.client = client
        self.budget = budget

    async def edit(self, posted: PostedMessage, reply: AnswerReply | ClaimCardReply, *, via_token: bool) -> None:
        embeds = answer_embeds(reply) if isinstance(reply, AnswerReply) else [claim_card_embed(reply)]
        # Only the embeds change: the echoed question and the feedback buttons stay as they were.
        payload = {"embeds": [e.to_dict() for e in fit_embeds(embeds)], "allowed_mentions": NO_PINGS_JSON}
        if via_token:
            route = Route(
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                webhook_id=self.client.application_id,
                webhook_token=posted.edit_token,
                message_id=posted.message_id,
            )
        else:
            route = Route(
                "PATCH",
                "/channels/{channel_id}/messages/{message_id}",
                channel_id=posted.channel_id,
                message_id=posted.message_id,
            )
        await self._request(route, payload, via_token=via_token)

    async def note(self, posted: PostedMessage, text: str, *, key: str, retrying: bool) -> None:
        payload = {
            "content": fit_content(escape(text)),
            "message_reference": {
                "message_id": posted.message_id,
                "channel_id": posted.channel_id,
                "fail_if_not_exists": False,
            },
            "allowed_mentions": NO_PINGS_JSON,
            # Discord drops a second message with the same nonce from the same author for a few
            # minutes: a note retried after a crash is not posted twice.
            "nonce": key,
            "enforce_nonce": True,
        }
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=posted.channel_id)
        await self._request(route, payload, via_token=False)

    async def _request(self, route: Route, payload: dict[str, Any], *, via_token: bool) -> None:
        if self.budget is not None:
            await self.budget.take([global_bucket(self.client.http.token)])
        try:
            await self.client.http.request(route, json=payload)
        except discord.RateLimited as exc:
            raise RateLimited(exc.retry_after) from exc
        except discord.NotFound as exc:
            if via_token and exc.code == UNKNOWN_WEBHOOK:
                raise TokenExpired(str(exc)) from exc
            if exc.code in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
                raise MessageGone(str(exc)) from exc
            raise
        except discord.Forbidden as exc:
            raise CannotEdit(str(exc)) from exc
        except discord.HTTPException as exc:
            if via_token and (exc.status == 401 or exc.code == INVALID_WEBHOOK_TOKEN):
                raise TokenExpired(str(exc)) from exc
            raise

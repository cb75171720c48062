"""Changing Slack messages already posted, for the outbox worker (bot.outbox).

What Slack allows (see the README, "When a fact is corrected"):
- a slash command's `response_url` may be used up to 5 times within 30
  minutes; `replace_original: true` replaces the message that command
  produced. Posting the answer spent one use. Slack never tells us that
  message's ts, so once the URL lapses the answer cannot be reached at all;
- `chat.update` edits a message the bot posted itself with its own token
  (mentions, direct messages), at any time; a deleted message answers
  `message_not_found`;
- a note is a reply in the message's thread (`chat.postMessage` with `thread_ts`).

Rate limits (adapters/slack/ratelimits.py): with a shared budget, each call
first takes a slot of its limits (chat.update's tier in the message's
workspace, chat.postMessage's per channel), so the outbox workers of every
process stay within them together. Slack answers 429 with `error: ratelimited`
and a Retry-After header; this editor's client has no rate-limit retry handler
of its own: the wait goes to the budget (every process holds off) and becomes
the worker's `RateLimited`, so the row is rescheduled rather than holding a
delivery slot asleep.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import answer_message, claim_card_message, escape, text_message
from adapters.slack.ratelimits import method_bucket, post_bucket, retry_after
from bot.outbox import CannotEdit, MessageGone, RateLimited, TokenExpired
from bot.ratelimit import Bucket, RateBudget
from bot.replies import AnswerReply, ClaimCardReply
from knowledge.posted import PostedMessage

RESPONSE_URL_LIFETIME = timedelta(minutes=30) - timedelta(seconds=30)
RESPONSE_URL_USES = 5
NOTE_EVENT = "talksbot_correction_note"
GONE = {"message_not_found", "channel_not_found", "is_archived", "thread_not_found"}
CANNOT_EDIT = {"cant_update_message", "edit_window_closed", "not_in_channel", "restricted_action"}
EXPIRED = {"expired_url", "used_url", "invalid_token", "no_active_hooks"}


def editor_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A Web API client for edits: connection retries only, rate limits go to the worker."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=[AsyncConnectionErrorRetryHandler()])


class SlackEditor:
    """The outbox worker's MessageEditor for Slack."""

    def __init__(self, client: AsyncWebClient, *, budget: RateBudget | None = None) -> None:
        self.client = client
        self.budget = budget

    async def edit(self, posted: PostedMessage, reply: AnswerReply | ClaimCardReply, *, via_token: bool) -> None:
        asker = posted.render.get("asker")
        if isinstance(reply, AnswerReply):
            message = answer_message(reply, asker=asker)
        else:
            message = claim_card_message(reply, asker=asker)
        if via_token:
            assert posted.edit_token is not None
            hook = AsyncWebhookClient(posted.edit_token, retry_handlers=[AsyncConnectionErrorRetryHandler()])
            response = await hook.send(
                **message.payload(), replace_original=True, response_type="in_channel", unfurl_links=False
            )
            if response.status_code == 429:
                raise RateLimited(retry_after(response.headers))
            if response.status_code != 200:
                if response.body.strip() in EXPIRED or response.status_code == 404:
                    raise TokenExpired(response.body)
                raise RuntimeError(f"response_url answered {response.status_code}: {response.body[:200]}")
            return
        await self._call(
            [method_bucket("chat.update", posted.community_id)],
            "chat_update",
            channel=posted.channel_id,
            ts=posted.message_id,
            **message.payload(),
            unfurl_links=False,
        )

    async def note(self, posted: PostedMessage, text: str, *, key: str, retrying: bool) -> None:
        thread = posted.thread_id or posted.message_id or ""
        if retrying and await self._note_exists(posted, thread, key):
            return  # the note went out before a crash; posting it again would be a duplicate
        await self._call(
            [post_bucket(posted.channel_id)],
            "chat_postMessage",
            channel=posted.channel_id,
            thread_ts=thread,
            **text_message(escape(text), escaped=True).payload(),
            metadata={"event_type": NOTE_EVENT, "event_payload": {"key": key}},
            unfurl_links=False,
            unfurl_media=False,
        )

    async def _note_exists(self, posted: PostedMessage, thread: str, key: str) -> bool:
        """Whether the thread already holds our note for `key` (read through message metadata)."""
        try:
            if self.budget is not None:
                await self.budget.take([method_bucket("conversations.replies", posted.community_id)])
            found = await self.client.conversations_replies(
                channel=posted.channel_id, ts=thread, include_all_metadata=True
            )
        except SlackApiError:
            return False  # no history scope here: better a rare duplicate than a lost note
        for message in found.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == NOTE_EVENT and (meta.get("event_payload") or {}).get("key") == key:
                return True
        return False

    async def _call(self, buckets: list[Bucket], method: str, **kwargs: Any) -> None:
        if self.budget is not None:
            await self.budget.take(buckets)
        try:
            await getattr(self.client, method)(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if exc.response.status_code == 429 or error == "ratelimited":
                wait = retry_after(exc.response.headers)
                if self.budget is not None:
                    await self.budget.hold_off(buckets, wait)
                raise RateLimited(wait) from exc
            if error in GONE:
                raise MessageGone(error) from exc
            if error in CANNOT_EDIT:
                raise CannotEdit(error) from exc
            raise

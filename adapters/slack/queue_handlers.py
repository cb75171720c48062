"""The review queue's Slack buttons: accept, reject, dismiss, and the claim picker for
accepting a candidate as a support or a conflict. Moderators only; the core re-checks
permission on every press. The base of `app.SlackHandlers`, which holds the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from adapters.slack import blocks, queue_blocks
from adapters.slack import messages as slack_messages
from adapters.slack.blocks import SlackMessage
from adapters.slack.payloads import PLATFORM, moderator_of, send_all, user_sentence, workspace_of
from adapters.slack.permissions import WorkspaceRoles
from bot import messages, queue_actions
from bot.permissions import Actor
from bot.service import TalksService
from bot.service.review import ACCEPT_AS
from knowledge.errors import BadInput
from knowledge.models import Place


class QueueButtons:
    """The service, the workspace-role lookup, and the queue's button listeners."""

    def __init__(self, service: TalksService, roles: WorkspaceRoles) -> None:
        self.service = service
        self.roles = roles

    async def _actor(self, user_id: str, name: str | None, place: Place) -> Actor:
        who = moderator_of(user_id, name, place.community_id, place.community_name)
        return Actor(who, community_moderator=await self.roles.is_admin(user_id, place.community_id))

    async def on_queue_button(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        try:
            what = str(action.get("action_id", "")).removeprefix("queue_")
            item_id = queue_blocks.parse_item_value(str(action.get("value") or ""))
            if item_id is None or not queue_actions.is_queue_action(what):
                raise BadInput(slack_messages.FEEDBACK_STALE)
            user = body.get("user") or {}
            place = Place(platform=PLATFORM, community_id=workspace_of(body)[0])
            actor = await self._actor(user.get("id", ""), user.get("name") or user.get("username"), place)
            await queue_actions.press(self.service, actor, what, item_id)
            text = slack_messages.QUEUE_DONE[what].format(id=item_id)
        except Exception as exc:
            text = user_sentence(exc)
        await send_all(respond, [blocks.text_message(text)], in_channel=False)

    async def _accept_as(self, actor: Actor, item_id: int, how: str, words: str) -> SlackMessage:
        """`accept ITEM as-new [text]`, or `as-support|as-conflict CLAIM`: a claim id decides at
        once; other words get the claims they match as buttons (the picker searches by words)."""
        chosen = next((k for k in ACCEPT_AS if k == how), None)
        if chosen is None or chosen == "new":
            done = await self.service.decide(actor, item_id, accept=True, accept_as="new", text=words or None)
        else:
            await self.service.queue_item(actor, item_id)  # moderators only, and the item must exist
            choices = self.service.find_claim_ids(words, limit=queue_blocks.PICKS_SHOWN)
            exact = words.strip().lower()
            if exact not in [cid for cid, _ in choices]:
                if not choices:
                    raise BadInput(slack_messages.NO_CLAIM_MATCHES)
                return queue_blocks.claim_picker_message(item_id, chosen, choices)
            done = await self.service.decide(actor, item_id, accept=True, accept_as=chosen, claim=exact)
        return blocks.text_message(
            messages.candidate_accepted(item_id, done.claim_id or "", done.accepted_as, done.linked)
        )

    async def on_claim_picked(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        try:
            picked = queue_blocks.parse_pick_value(str(action.get("value") or ""))
            if picked is None:
                raise BadInput(slack_messages.FEEDBACK_STALE)
            item_id, how, claim_id = picked
            user = body.get("user") or {}
            place = Place(platform=PLATFORM, community_id=workspace_of(body)[0])
            actor = await self._actor(user.get("id", ""), user.get("name") or user.get("username"), place)
            reply = await self._accept_as(actor, item_id, how, claim_id)
        except Exception as exc:
            reply = blocks.text_message(user_sentence(exc))
        await send_all(respond, [reply], in_channel=False)

"""The slack-bolt AsyncApp: Slack requests in, core calls, Block Kit out.

Every listener calls `ack()` before any other work (Slack gives three seconds)
except where the answer *is* the acknowledgement: modal validation errors and
select-menu options. Listeners run after the HTTP response has gone
(`process_before_response=False`), so slow answers never make Slack retry.
One function (`user_sentence`) turns any exception into what the user sees.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import blocks, modal, queue_blocks
from adapters.slack import messages as slack_messages
from adapters.slack.blocks import SlackMessage
from adapters.slack.commands import MODERATOR_ONLY, Command, help_lines, parse_command
from adapters.slack.editor import RESPONSE_URL_LIFETIME, RESPONSE_URL_USES
from adapters.slack.payloads import (
    PLATFORM,
    delivery_key,
    is_person_writing,
    is_private_channel,
    plain_text,
    send_all,
    user_sentence,
    without_mention,
    workspace_of,
)
from adapters.slack.permissions import WorkspaceRoles
from adapters.slack.queue_handlers import QueueButtons
from bot import messages, queue_actions
from bot.digest import preview_digest
from bot.replies import QUEUE_KINDS, AnswerReply, ClaimCardReply, SourcesReply
from bot.service import PER_PERSON_PER_HOUR, TalksService, limits_sentence
from bot.settings import Settings, reveal
from knowledge.errors import BadInput, NotFound, PermissionDenied
from knowledge.models import DigestAudience, Place

log = logging.getLogger(__name__)

# What a channel reply shows that a later correction may need to reach.
Shown = AnswerReply | ClaimCardReply
COMMAND = "/talks"


class SlackHandlers(QueueButtons):
    """The listeners, holding the service and the workspace-role lookup they translate to
    (the queue's buttons are in `queue_handlers.py`)."""

    def _place(self, command: dict[str, Any]) -> Place:
        channel_id = str(command.get("channel_id") or "")
        return Place(
            platform=PLATFORM,
            community_id=str(command.get("team_id") or "") or None,
            community_name=command.get("team_domain") or None,
            channel_id=channel_id or None,
            is_private=is_private_channel(channel_id, command.get("channel_name")),
        )

    # ---- /talks ----------------------------------------------------------------

    async def on_command(
        self,
        ack: Callable[..., Awaitable[None]],
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        try:
            cmd = parse_command(blocks.unescape(command.get("text") or ""))
            if cmd.kind in MODERATOR_ONLY:
                place = self._place(command)
                actor = await self._actor(command.get("user_id", ""), command.get("user_name"), place)
                if not self.service.may_moderate(actor):
                    raise PermissionDenied(messages.NOT_MODERATOR)
            if cmd.kind == "correct":
                await self._open_correction(cmd, command, client)
                return
            items, in_channel, shown = await self._run(cmd, command)
            await send_all(respond, items, in_channel=in_channel)
            if in_channel and shown is not None and len(items) == 1:
                await self._remember_response(command, shown)
        except Exception as exc:
            await send_all(respond, [blocks.text_message(user_sentence(exc))], in_channel=False)

    async def _run(self, cmd: Command, command: dict[str, Any]) -> tuple[list[SlackMessage], bool, Shown | None]:
        """(messages, whether the channel sees them, the answer or card they show) for every
        subcommand but `correct`."""
        user_id = command.get("user_id", "")
        place = self._place(command)
        match cmd.kind:
            case "ask":
                reply = await self.service.ask(cmd.text, place, asker=user_id)
                # Like Discord: "not in my sources" goes only to the asker; an answer to any
                # question of the message goes to the channel.
                shown = reply if isinstance(reply, AnswerReply) else None
                return blocks.render(reply, asker=user_id), reply.answered_anything, shown
            case "claim":
                card = await self.service.claim(cmd.claim_id or "")
                return blocks.render(card, asker=user_id), True, card
            case "sources":
                return blocks.render(SourcesReply(await self.service.sources())), False, None
            case "help":
                return [blocks.help_message(help_lines(), slack_messages.HELP_TITLE)], False, None
            case "subscribe":
                post_time, zone, *rest = cmd.args
                actor = await self._actor(user_id, command.get("user_name"), place)
                audience: DigestAudience = "moderators" if rest and rest[0] == "moderators" else "public"
                sub = await self.service.subscribe(actor, place, post_time, zone, audience)
                text = slack_messages.subscribed(
                    blocks.mention(user_id), sub.post_time, blocks.escape(sub.timezone), sub.audience
                )
                return [blocks.text_message(text, escaped=True)], True, None
            case "unsubscribe":
                await self.service.unsubscribe(await self._actor(user_id, command.get("user_name"), place), place)
                return (
                    [
                        blocks.text_message(
                            slack_messages.UNSUBSCRIBED.format(who=blocks.mention(user_id)), escaped=True
                        )
                    ],
                    True,
                    None,
                )
            case "preview":
                actor = await self._actor(user_id, command.get("user_name"), place)
                digest = await preview_digest(self.service, actor, place)
                return blocks.render(digest), False, None
            case "retract":
                actor = await self._actor(user_id, command.get("user_name"), place)
                entry = await self.service.retract(actor, cmd.claim_id or "", cmd.text)
                return (
                    [
                        blocks.text_message(
                            slack_messages.RETRACTED_OK.format(claim_id=entry.claim_id) + await self._reach(entry.id),
                            escaped=True,
                        )
                    ],
                    False,
                    None,
                )
            case "restore":
                actor = await self._actor(user_id, command.get("user_name"), place)
                entry = await self.service.restore(actor, cmd.claim_id or "", cmd.text or None)
                return (
                    [
                        blocks.text_message(
                            slack_messages.RESTORED_OK.format(claim_id=entry.claim_id) + await self._reach(entry.id),
                            escaped=True,
                        )
                    ],
                    False,
                    None,
                )
            case "history":
                actor = await self._actor(user_id, command.get("user_name"), place)
                return blocks.render(await self.service.history(actor, cmd.claim_id or "")), False, None
            case "queue":
                actor = await self._actor(user_id, command.get("user_name"), place)
                kind = next((k for k in QUEUE_KINDS if cmd.args and k == cmd.args[0]), None)
                listing = await self.service.queue_listing(actor, per_kind=queue_blocks.QUEUE_ITEMS_SHOWN, kind=kind)
                sections = listing.shown(queue_blocks.QUEUE_ITEMS_SHOWN)
                return [queue_blocks.queue_listing_message(sections, limits_sentence())], False, None
            case "bulk_dismiss":
                actor = await self._actor(user_id, command.get("user_name"), place)
                target = cmd.args[0]
                span = [int(n) for n in re.findall(r"\d+", target)]
                wanted = next((k for k in QUEUE_KINDS if k == target), None)
                first, last = (span[0], span[1]) if len(span) == 2 else (None, None)
                done, left = await self.service.dismiss_many(actor, cmd.text, kind=wanted, first=first, last=last)
                return [blocks.text_message(messages.bulk_dismissed(done, left))], False, None
            case "teach":
                actor = await self._actor(user_id, command.get("user_name"), place)
                taught = await self.service.teach(actor, int(cmd.args[0]), cmd.claim_id or "")
                return (
                    [blocks.text_message(slack_messages.TAUGHT.format(claim_id=taught.claim_id), escaped=True)],
                    False,
                    None,
                )
            case "undo":
                actor = await self._actor(user_id, command.get("user_name"), place)
                undone = await self.service.unteach(actor, int(cmd.args[0]))
                return (
                    [blocks.text_message(slack_messages.UNTAUGHT.format(claim_id=undone.claim_id), escaped=True)],
                    False,
                    None,
                )
            case "dismiss" | "accept" | "reject":
                actor = await self._actor(user_id, command.get("user_name"), place)
                await queue_actions.act(self.service, actor, cmd.kind, int(cmd.args[0]), cmd.text or None)
                return [blocks.text_message(slack_messages.QUEUE_DONE[cmd.kind].format(id=cmd.args[0]))], False, None
            case "accept_as":
                actor = await self._actor(user_id, command.get("user_name"), place)
                return [await self._accept_as(actor, int(cmd.args[0]), cmd.args[1], cmd.text)], False, None
            case "reject_source":
                actor = await self._actor(user_id, command.get("user_name"), place)
                count = await self.service.reject_source(actor, cmd.args[0], cmd.text)
                return [blocks.text_message(messages.rejected_source(cmd.args[0], count))], False, None
            case "suggest":
                actor = await self._actor(user_id, command.get("user_name"), place)
                stored = await self.service.suggest(actor, cmd.claim_id or "", cmd.text, cmd.args[0])
                text = messages.SUGGESTION_STORED.format(id=stored.id, claim_id=stored.claim_id)
                return [blocks.text_message(text)], False, None
        raise BadInput(f"Unknown subcommand {cmd.kind}.")

    async def _reach(self, change_id: int) -> str:
        """ " 3 posted messages will be updated.": the moderator sees how far a change goes."""
        return " " + messages.reach_sentence((await self.service.reach(change_id)).queued)

    async def _remember_response(self, command: dict[str, Any], shown: AnswerReply | ClaimCardReply) -> None:
        """Record a channel answer posted through the command's response_url, so a correction
        within its 30 minutes (and 4 remaining uses) replaces it. Slack does not tell us its ts,
        so after that it cannot be reached."""
        await self.service.remember_post(
            self._place(command),
            shown,
            message_id=None,
            edit_via="response_url",
            token=command.get("response_url"),
            token_lifetime=RESPONSE_URL_LIFETIME,
            token_uses=RESPONSE_URL_USES - 1,
            render={"asker": command.get("user_id", "")},
        )

    async def _open_correction(self, cmd: Command, command: dict[str, Any], client: AsyncWebClient) -> None:
        claim = None
        if cmd.claim_id:
            view = (await self.service.claim(cmd.claim_id)).claim
            claim = (view.claim_id, view.text)
        context = modal.ModalContext(channel_id=command.get("channel_id"), response_url=command.get("response_url"))
        try:
            await client.views_open(trigger_id=command["trigger_id"], view=modal.correction_view(context, claim))
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc)
            raise BadInput(slack_messages.MODAL_EXPIRED) from exc

    # ---- the correction modal ---------------------------------------------------------

    async def on_claim_options(self, ack: Callable[..., Awaitable[None]], payload: dict[str, Any]) -> None:
        hits = self.service.find_claim_ids(str(payload.get("value") or ""), limit=modal.MAX_OPTIONS)
        await ack(options=modal.claim_options(hits))

    async def on_correction_submitted(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        # The acknowledgement carries the validation result, so the work comes before ack() here;
        # it is one local SQLite write, well inside Slack's three seconds.
        user = body.get("user") or {}
        user_id = user.get("id", "")
        form = modal.read_submission(view)
        errors = modal.field_errors(form)
        team_id, team_domain = workspace_of(body)
        place = Place(platform=PLATFORM, community_id=team_id, community_name=team_domain)
        actor = await self._actor(user_id, user.get("name") or user.get("username"), place)
        if not self.service.may_moderate(actor):
            errors = {modal.CLAIM_BLOCK: messages.NOT_MODERATOR}
        reach = ""
        if not errors:
            assert form.claim_id is not None
            try:
                entry = await self.service.correct(actor, form.claim_id, form.text, form.reason, form.url)
                reach = await self._reach(entry.id)
            except NotFound as exc:
                errors = {modal.CLAIM_BLOCK: str(exc)}
            except Exception as exc:
                errors = {modal.CLAIM_BLOCK: user_sentence(exc)}
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        context = modal.ModalContext.load(view.get("private_metadata"))
        if context.response_url:
            text = (
                slack_messages.CORRECTED.format(claim_id=form.claim_id, text=blocks.escape(form.text.strip())) + reach
            )
            try:
                await AsyncWebhookClient(context.response_url).send(
                    **blocks.text_message(text, escaped=True).payload(), response_type="ephemeral"
                )
            except Exception:
                log.exception("could not confirm a correction to its moderator")

    async def on_correction_closed(self, ack: Callable[..., Awaitable[None]]) -> None:
        # Nothing was saved; Slack only wants the acknowledgement.
        await ack()

    # ---- feedback buttons ----------------------------------------------------------------

    async def on_feedback(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        try:
            verdict = "helpful" if action.get("action_id", "").startswith("feedback_helpful") else "wrong"
            parsed = blocks.parse_feedback_value(action.get("value", ""))
            if parsed is None:
                raise BadInput(slack_messages.FEEDBACK_STALE)
            question_id, claim_id = parsed
            if question_id is None:
                raise BadInput(slack_messages.FEEDBACK_STALE)
            user = body.get("user") or {}
            user_id = user.get("id", "")
            place = Place(
                platform=PLATFORM,
                community_id=workspace_of(body)[0],
                channel_id=(body.get("channel") or {}).get("id"),
            )
            queued = await self.service.record_feedback(place, user_id, question_id, claim_id, verdict)
            # Past the hourly limit the verdict is recorded but kept out of the moderators' queue.
            text = slack_messages.FEEDBACK_THANKS if queued else messages.wrong_report_held(PER_PERSON_PER_HOUR)
        except Exception as exc:
            text = user_sentence(exc)
        await send_all(respond, [blocks.text_message(text)], in_channel=False)

    # ---- mentions and DMs ------------------------------------------------------------------

    async def on_mention(self, event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        if not is_person_writing(event):  # e.g. a mention inside a canvas: nobody asked anything
            return
        text = without_mention(event.get("text") or "", context.get("bot_user_id") or "")
        thread_ts = event.get("thread_ts") or event.get("ts")
        await self._answer(client, event, blocks.unescape(text), thread_ts)

    async def on_message(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        # Only direct messages from people: channel messages reach us as app_mention instead.
        if event.get("channel_type") != "im" or not is_person_writing(event):
            return
        # A reply inside a DM thread (or one also sent to the DM) is answered in that thread.
        await self._answer(client, event, blocks.unescape(event.get("text") or ""), event.get("thread_ts"))

    async def _answer(self, client: AsyncWebClient, event: dict[str, Any], text: str, thread_ts: str | None) -> None:
        channel = str(event.get("channel") or "")
        place = Place(
            platform=PLATFORM,
            # In a Slack Connect channel `team` is the host's workspace; the question counts in
            # the asker's own (`user_team`), whose digest it belongs to.
            community_id=plain_text(event.get("user_team")) or plain_text(event.get("team")),
            channel_id=channel or None,
            is_private=event.get("channel_type") == "im" or is_private_channel(channel),
        )
        public = True
        try:
            reply = await self.service.ask(text, place, asker=str(event.get("user") or "") or None)
            items = blocks.render(reply)
            public = reply.answered_anything
        except Exception as exc:
            items = [blocks.text_message(user_sentence(exc))]
            public = False
        user = str(event.get("user") or "")
        for item in items:
            if public or place.is_private or not user:
                posted = await client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **item.payload(), unfurl_links=False, unfurl_media=False
                )
                if public and len(items) == 1 and isinstance(reply, AnswerReply) and posted.get("ts"):
                    # The bot's own message: chat.update can correct it for as long as it exists.
                    await self.service.remember_post(
                        place, reply, message_id=str(posted["ts"]), thread_id=thread_ts, edit_via="bot"
                    )
            else:  # "not in my sources" and errors go only to the person who asked, as on Discord
                await client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **item.payload())


def build_app(
    settings: Settings,
    service: TalksService,
    client: AsyncWebClient,
    *,
    roles: WorkspaceRoles | None = None,
) -> AsyncApp:
    """An AsyncApp with every talksbot listener registered; the caller serves it (HTTP or Socket Mode)."""
    app = AsyncApp(
        client=client,
        signing_secret=reveal(settings.slack_signing_secret),
        request_verification_enabled=bool(settings.slack_signing_secret),
        process_before_response=False,
    )
    handlers = SlackHandlers(service, roles or WorkspaceRoles(client))

    async def skip_retried_events(
        body: dict[str, Any], response: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse:
        # Behind a load balancer a retry may land on another worker: the database decides, once.
        key = delivery_key(body)
        if key is not None and not await service.first_time(key):
            log.info("%s already handled; acknowledging Slack's retry without answering", key)
            return BoltResponse(status=200, body="")
        await next()
        return response

    app.use(skip_retried_events)
    app.command(COMMAND)(handlers.on_command)
    app.options(modal.CLAIM_ACTION)(handlers.on_claim_options)
    app.view(modal.CALLBACK_ID)(handlers.on_correction_submitted)
    app.view_closed(modal.CALLBACK_ID)(handlers.on_correction_closed)
    app.action(blocks.FEEDBACK_ACTION)(handlers.on_feedback)
    app.action(queue_blocks.QUEUE_ACTION)(handlers.on_queue_button)
    app.action(queue_blocks.PICK_ACTION)(handlers.on_claim_picked)
    app.event("app_mention")(handlers.on_mention)
    app.event("message")(handlers.on_message)
    return app

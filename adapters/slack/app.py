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
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import blocks, modal
from adapters.slack import messages as slack_messages
from adapters.slack.blocks import SlackMessage
from adapters.slack.commands import MODERATOR_ONLY, Command, help_lines, parse_command
from adapters.slack.permissions import Moderators
from bot import corrections, messages, subscriptions
from bot.digest import build_digest
from bot.replies import HistoryReply, SourcesReply
from bot.service import TalksService
from bot.settings import Settings, reveal
from knowledge.errors import BadInput, NotFound, PermissionDenied, TalksbotError
from knowledge.models import Moderator

log = logging.getLogger(__name__)

PLATFORM = "slack"
COMMAND = "/talks"


def user_sentence(exc: BaseException) -> str:
    """The one place exceptions become user text: core errors say why, others are logged."""
    if isinstance(exc, TalksbotError):
        return str(exc)
    log.error("unexpected error in a Slack listener", exc_info=exc)
    return messages.UNKNOWN_ERROR


class EventDeduplicator:
    """Remembers recent Events API ids so a Slack retry is acknowledged but not answered twice.

    In memory: Slack retries within minutes, and one process serves a workspace.
    """

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def is_duplicate(self, event_id: str) -> bool:
        """Records `event_id`; True when it was already seen."""
        if event_id in self._seen:
            self._seen.move_to_end(event_id)
            return True
        self._seen[event_id] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return False


async def _send(respond: AsyncRespond, items: list[SlackMessage], *, in_channel: bool) -> None:
    for item in items:
        await respond(
            **item.payload(),
            response_type="in_channel" if in_channel else "ephemeral",
            replace_original=False,
            unfurl_links=False,
            unfurl_media=False,
        )


def _moderator(user_id: str, name: str | None) -> Moderator:
    return Moderator(platform=PLATFORM, user_id=user_id, name=(name or user_id)[: messages.MAX_NAME_CHARS])


class SlackHandlers:
    """The listeners, holding the service and the moderator check they translate to."""

    def __init__(self, service: TalksService, moderators: Moderators) -> None:
        self.service = service
        self.moderators = moderators

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
            if cmd.kind in MODERATOR_ONLY and not await self.moderators.is_moderator(command.get("user_id", "")):
                raise PermissionDenied(messages.NOT_MODERATOR)
            if cmd.kind == "correct":
                await self._open_correction(cmd, command, client)
                return
            items, in_channel = await self._run(cmd, command)
            await _send(respond, items, in_channel=in_channel)
        except Exception as exc:
            await _send(respond, [blocks.text_message(user_sentence(exc))], in_channel=False)

    async def _run(self, cmd: Command, command: dict[str, Any]) -> tuple[list[SlackMessage], bool]:
        """(messages, whether the channel sees them) for every subcommand but `correct`."""
        user_id = command.get("user_id", "")
        channel_id = command.get("channel_id", "")
        who = _moderator(user_id, command.get("user_name"))
        now = self.service.clock()
        store = self.service.store
        match cmd.kind:
            case "ask":
                return blocks.render(await self.service.ask(cmd.text, platform=PLATFORM), asker=user_id), True
            case "claim":
                return blocks.render(await self.service.claim(cmd.claim_id or ""), asker=user_id), True
            case "sources":
                return blocks.render(SourcesReply(await self.service.sources())), False
            case "help":
                return [blocks.help_message(help_lines(), slack_messages.HELP_TITLE)], False
            case "subscribe":
                post_time, zone = cmd.args
                sub = await subscriptions.subscribe(store, PLATFORM, channel_id, post_time, zone, who.name, now)
                text = slack_messages.SUBSCRIBED.format(
                    who=blocks.mention(user_id), time=sub.post_time, zone=blocks.escape(sub.timezone)
                )
                return [blocks.text_message(text, escaped=True)], True
            case "unsubscribe":
                await subscriptions.unsubscribe(store, PLATFORM, channel_id)
                return [
                    blocks.text_message(slack_messages.UNSUBSCRIBED.format(who=blocks.mention(user_id)), escaped=True)
                ], True
            case "preview":
                return blocks.render(await build_digest(self.service, since=None, now=now)), False
            case "retract":
                entry = await corrections.retract_claim(store, cmd.claim_id or "", cmd.text, who, now)
                return [
                    blocks.text_message(slack_messages.RETRACTED_OK.format(claim_id=entry.claim_id), escaped=True)
                ], False
            case "restore":
                entry = await corrections.restore_claim(store, cmd.claim_id or "", who, now, cmd.text or None)
                return [
                    blocks.text_message(slack_messages.RESTORED_OK.format(claim_id=entry.claim_id), escaped=True)
                ], False
            case "history":
                claim_id = (cmd.claim_id or "").strip()
                await self.service.claim(claim_id)  # NotFound for an unknown id rather than an empty history
                return blocks.render(HistoryReply(claim_id, await store.history(claim_id))), False
        raise BadInput(f"Unknown subcommand {cmd.kind}.")

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
        if not await self.moderators.is_moderator(user_id):
            errors = {modal.CLAIM_BLOCK: messages.NOT_MODERATOR}
        if not errors:
            assert form.claim_id is not None
            try:
                await corrections.correct_claim(
                    self.service.store,
                    form.claim_id,
                    form.text,
                    form.reason,
                    _moderator(user_id, user.get("name") or user.get("username")),
                    self.service.clock(),
                    form.url,
                )
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
            text = slack_messages.CORRECTED.format(claim_id=form.claim_id, text=blocks.escape(form.text.strip()))
            try:
                await AsyncWebhookClient(context.response_url).send(
                    **blocks.text_message(text, escaped=True).payload(), response_type="ephemeral"
                )
            except Exception:
                log.exception("could not confirm a correction to its moderator")

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
            user_id = (body.get("user") or {}).get("id", "")
            await self.service.record_feedback(PLATFORM, user_id, question_id, claim_id, verdict)
            text = slack_messages.FEEDBACK_THANKS
        except Exception as exc:
            text = user_sentence(exc)
        await _send(respond, [blocks.text_message(text)], in_channel=False)

    # ---- mentions and DMs ------------------------------------------------------------------

    async def on_mention(self, event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        bot_id = context.get("bot_user_id") or ""
        text = (
            re.sub(rf"<@{re.escape(bot_id)}(\|[^>]*)?>", " ", event.get("text") or "")
            if bot_id
            else event.get("text") or ""
        )
        thread_ts = event.get("thread_ts") or event.get("ts")
        await self._answer(client, event.get("channel", ""), blocks.unescape(text), thread_ts)

    async def on_message(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        # Only direct messages from people: channel messages reach us as app_mention instead,
        # and edits, joins and bot posts carry a subtype or bot_id.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._answer(client, event.get("channel", ""), blocks.unescape(event.get("text") or ""), None)

    async def _answer(self, client: AsyncWebClient, channel: str, text: str, thread_ts: str | None) -> None:
        try:
            items = blocks.render(await self.service.ask(text, platform=PLATFORM))
        except Exception as exc:
            items = [blocks.text_message(user_sentence(exc))]
        for item in items:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **item.payload(), unfurl_links=False, unfurl_media=False
            )


def build_app(
    settings: Settings,
    service: TalksService,
    client: AsyncWebClient,
    *,
    moderators: Moderators | None = None,
    deduplicator: EventDeduplicator | None = None,
) -> AsyncApp:
    """An AsyncApp with every talksbot listener registered; the caller serves it (HTTP or Socket Mode)."""
    app = AsyncApp(
        client=client,
        signing_secret=reveal(settings.slack_signing_secret),
        request_verification_enabled=bool(settings.slack_signing_secret),
        process_before_response=False,
    )
    mods = moderators or Moderators(
        settings.slack_moderators, admins_are_moderators=settings.slack_admins_are_moderators, client=client
    )
    seen = deduplicator or EventDeduplicator()
    handlers = SlackHandlers(service, mods)

    async def skip_retried_events(
        body: dict[str, Any], response: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and seen.is_duplicate(event_id):
            log.info("event %s already handled; acknowledging Slack's retry without answering", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return response

    app.use(skip_retried_events)
    app.command(COMMAND)(handlers.on_command)
    app.options(modal.CLAIM_ACTION)(handlers.on_claim_options)
    app.view(modal.CALLBACK_ID)(handlers.on_correction_submitted)
    app.action(blocks.FEEDBACK_ACTION)(handlers.on_feedback)
    app.event("app_mention")(handlers.on_mention)
    app.event("message")(handlers.on_message)
    return app

"""Running Slack: the service from the composition root (bot.wiring) → client → app → server + digests.

`talksbot run slack` connects over Socket Mode (SLACK_APP_TOKEN; no public
URL needed); `talksbot run slack --http` serves POST /slack/events and
verifies requests with SLACK_SIGNING_SECRET. SLACK_BOT_TOKEN is always needed.
It runs until SIGINT or SIGTERM, then stops the server and the scheduler and
closes the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.editor import SlackEditor, editor_client
from adapters.slack.poster import SlackDigestPoster
from adapters.slack.server import EVENTS_PATH, start_http_server
from bot.outbox import OutboxWorker
from bot.scheduler import DigestScheduler
from bot.settings import Settings
from bot.wiring import log_moderation_scope, open_service
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 3


def check_settings(settings: Settings, *, http: bool) -> None:
    """Raise BadInput naming every missing variable in one sentence."""
    needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if http:
        needed["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    else:
        needed["SLACK_APP_TOKEN"] = settings.slack_app_token
    missing = [name for name, value in needed.items() if not value]
    if not missing:
        return
    names = " and ".join(missing)
    verb = "is" if len(missing) == 1 else "are"
    hint = "" if http else " (or use --http with SLACK_SIGNING_SECRET)"
    raise BadInput(f"{names} {verb} not set; export {'it' if len(missing) == 1 else 'them'} before starting{hint}.")


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: bot token, optional base URL override, and retries on 429 and dropped connections."""
    base_url = settings.slack_api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # platforms without signal handlers in the loop
            loop.add_signal_handler(sig, stop.set)


async def run_slack(settings: Settings, http: bool, host: str, port: int) -> int:
    """Run the Slack bot until SIGINT/SIGTERM; returns the exit code."""
    check_settings(settings, http=http)
    log_moderation_scope(settings)
    async with open_service(settings) as service:
        client = make_client(settings)
        app = build_app(settings, service, client)
        scheduler = DigestScheduler(service, "slack", SlackDigestPoster(client, service=service))
        outbox = OutboxWorker(service, "slack", SlackEditor(editor_client(settings.slack_bot_token, client.base_url)))
        stop = asyncio.Event()
        _stop_on_signals(stop)
        digests = asyncio.create_task(scheduler.run_forever(), name="slack-digests")
        updates = asyncio.create_task(outbox.run_forever(), name="slack-outbox")
        try:
            if http:
                runner, bound = await start_http_server(app, host, port)
                log.info("talksbot Slack app listening on http://%s:%d%s", host, bound, EVENTS_PATH)
                try:
                    await stop.wait()
                finally:
                    await runner.cleanup()
            else:
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                handler = AsyncSocketModeHandler(app, settings.slack_app_token)
                await handler.connect_async()
                log.info("talksbot Slack app connected over Socket Mode")
                try:
                    await stop.wait()
                finally:
                    await handler.close_async()
        finally:
            for task in (digests, updates):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    log.info("talksbot Slack app stopped")
    return 0

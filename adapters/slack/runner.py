"""Running Slack: the service from the composition root (bot.wiring) → client → app → server + digests.

`talksbot run slack` connects over Socket Mode (SLACK_APP_TOKEN; no public
URL needed); `talksbot run slack --http` serves POST /slack/events and
verifies requests with SLACK_SIGNING_SECRET. SLACK_BOT_TOKEN is always needed.
At start the tokens are checked with Slack (a rejected one ends the run with
exit 2); while Slack cannot be reached it retries with capped backoff. It runs
until SIGINT or SIGTERM, then stops the server and the scheduler and closes
the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.lifecycle import NoTraceback, Stopped, retrying, stop_on_signals, unless_stopped
from adapters.slack.app import build_app
from adapters.slack.editor import SlackEditor, editor_client
from adapters.slack.poster import SlackDigestPoster
from adapters.slack.server import EVENTS_PATH, start_http_server
from bot.settings import Settings, reveal
from bot.terminal_text import one_line
from bot.wiring import digest_scheduler, log_moderation_scope, open_service, outbox_worker, rate_budget
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 3
# auth.test / apps.connections.open errors that mean the token itself is wrong: retrying cannot help.
REJECTED = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"})


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


def make_client(settings: Settings, token: str | None = None, *, retries: bool = True) -> AsyncWebClient:
    """The Web API client: bot token (or `token`), optional base URL, retries on 429 and dropped connections.

    `retries=False` for the start-up checks, which retry (and log) on their own.
    """
    base_url = settings.slack_api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(
        token=token or reveal(settings.slack_bot_token),
        base_url=base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ]
        if retries
        else [],
    )


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the network, a timeout, or Slack answering 5xx / 429."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 0) or 0
        return status >= 500 or status == 429
    return isinstance(exc, aiohttp.ClientError | OSError | asyncio.TimeoutError)


async def check_token(client: AsyncWebClient, variable: str, method: str = "auth.test") -> AsyncSlackResponse:
    """Ask Slack whether it accepts the client's token; BadInput naming `variable` when it does not."""
    try:
        return await client.api_call(method)
    except SlackApiError as exc:
        if is_transient(exc):
            raise
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if error in REJECTED:
            raise BadInput(f"Slack rejected {variable} ({error}); copy it again from the app's settings.") from None
        raise BadInput(f"Slack refused {method} with {variable} ({one_line(str(error))}).") from None


async def run_slack(settings: Settings, http: bool, host: str, port: int) -> int:
    """Run the Slack bot until SIGINT/SIGTERM; returns the exit code."""
    check_settings(settings, http=http)
    log_moderation_scope(settings)
    stop = asyncio.Event()
    stop_on_signals(stop)
    with contextlib.suppress(Stopped):  # a signal while connecting or retrying: a normal stop
        await _serve(settings, http, host, port, stop)
    log.info("talksbot Slack app stopped")
    return 0


async def _serve(settings: Settings, http: bool, host: str, port: int, stop: asyncio.Event) -> None:
    async with open_service(settings) as service:
        client = make_client(settings)
        app = build_app(settings, service, client)
        runner = None
        if http:
            # Bind first: a port in use or an unknown host is a start-up error, found before any waiting.
            secret = reveal(settings.slack_signing_secret)
            runner, bound = await start_http_server(app, host, port, signing_secret=secret)
        try:
            checker = make_client(settings, retries=False)
            await retrying(
                lambda: check_token(checker, "SLACK_BOT_TOKEN"), stop=stop, what="Slack", transient=is_transient
            )
            budget = rate_budget(service)
            poster = SlackDigestPoster(client, service=service, budget=budget)
            scheduler = digest_scheduler(service, "slack", poster)
            digests = asyncio.create_task(scheduler.run_forever(), name="slack-digests")
            editor = SlackEditor(editor_client(reveal(settings.slack_bot_token), client.base_url), budget=budget)
            updates = asyncio.create_task(outbox_worker(service, "slack", editor).run_forever(), name="slack-outbox")
            try:
                if runner is not None:
                    log.info("talksbot Slack app listening on http://%s:%d%s", host, bound, EVENTS_PATH)
                    await stop.wait()
                else:
                    await _socket_mode(settings, app, stop)
            finally:
                for task in (digests, updates):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        finally:
            if runner is not None:
                await runner.cleanup()


async def _socket_mode(settings: Settings, app: AsyncApp, stop: asyncio.Event) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    app_token = reveal(settings.slack_app_token)
    # The SDK's own connect loop retries a rejected token forever, logging a traceback each
    # time: the token and the network are checked here first, one line per attempt.
    opener = make_client(settings, token=app_token, retries=False)
    opened = await retrying(
        lambda: check_token(opener, "SLACK_APP_TOKEN", "apps.connections.open"),
        stop=stop,
        what="Slack",
        transient=is_transient,
    )
    quiet = logging.getLogger("talksbot.slack.socket_mode")
    quiet.addFilter(NoTraceback())
    handler = AsyncSocketModeHandler(app, app_token, logger=quiet)
    # The URL just issued is used for the first connection; the SDK asks for new ones on reconnects.
    handler.client.wss_uri = opened.get("url")
    try:
        await unless_stopped(handler.connect_async(), stop)
        log.info("talksbot Slack app connected over Socket Mode")
        await stop.wait()
    finally:
        await handler.close_async()

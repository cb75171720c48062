"""Serving the AsyncApp over HTTP with aiohttp: one route, `POST /slack/events`.

Order of trust: the signature is checked on the raw bytes before anything is
parsed; then the body must be UTF-8 and shaped like a Slack request; only then
does bolt see it. Anything refused gets a 4xx and one log line, never a 500 or
a traceback, so hostile traffic cannot fill the log with stack traces; a flood of
refusals is summarised in one line a minute with a count (`RefusalLog`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.request_shape import MalformedRequest, check_request
from bot.terminal_text import one_line
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_LOGGED = 200
MAX_AGE_SECONDS = 60 * 5  # as slack_sdk's SignatureVerifier
# Refused requests beyond the first are summarised in one line per this many seconds.
REFUSAL_WINDOW_SECONDS = 60.0


class FirstLineOnly(logging.Filter):
    """Bolt logs an unhandled request as a multi-line suggestion quoting the whole body: keep one short line."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "\n" in text or len(text) > MAX_LOGGED:
            first = one_line(text.split("\n", 1)[0])
            record.msg = first if len(first) <= MAX_LOGGED else first[: MAX_LOGGED - 1] + "…"
            record.args = None
        return True


def _signature_problem(verifier: SignatureVerifier, secret: str, raw: bytes, request: web.Request) -> str | None:
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not timestamp or not signature:
        return "no signature"
    if not timestamp.isdigit():  # the SDK would raise on int(timestamp)
        return "the timestamp is not a number"
    try:
        valid = verifier.is_valid(body=raw, timestamp=timestamp, signature=signature)
    except UnicodeDecodeError:
        # The SDK decodes the body first; Slack signs bytes, so check those the same way.
        fresh = abs(time.time() - int(timestamp)) <= MAX_AGE_SECONDS
        expected = (
            "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        )
        valid = fresh and hmac.compare_digest(expected, signature)
    return None if valid else "bad signature or a timestamp older than 5 minutes"


class RefusalLog:
    """Refused requests, summarised: a flood of unsigned or malformed requests must not
    write one log line each.

    The first refusal of a window is logged at once, as it always was; the others in
    the same window are counted and written as one line when the window ends (at the
    next refusal after it, after `window` seconds, or when the server stops). `clock`
    is a parameter so tests never wait for a minute to pass.
    """

    def __init__(self, window: float = REFUSAL_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._started: float | None = None
        self._counts: Counter[tuple[int, str]] = Counter()
        self._timer: asyncio.TimerHandle | None = None

    def refused(self, status: int, reason: str, request: web.Request) -> None:
        now = self.clock()
        if self._started is not None and now - self._started < self.window:
            self._counts[(status, reason)] += 1
            if self._timer is None:
                # A flood that stops still gets its summary, without waiting for another request.
                delay = max(0.0, self.window - (now - self._started))
                self._timer = asyncio.get_running_loop().call_later(delay, self.flush)
            return
        self.flush()
        self._started = now
        log.warning("refused a request to %s from %s: %s (%d)", request.path, request.remote, reason, status)

    def flush(self) -> None:
        """Write the summary of the window so far, if anything was held back, and end the window."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._counts:
            total = sum(self._counts.values())
            parts = "; ".join(f"{n}× {reason} ({status})" for (status, reason), n in self._counts.most_common())
            log.warning("refused %d more requests in the last %.0f s: %s", total, self.window, parts)
        self._counts.clear()
        self._started = None


def _refuse(status: int, reason: str, request: web.Request, refusals: RefusalLog) -> web.Response:
    refusals.refused(status, reason, request)
    return web.Response(status=status, text=f"{reason}\n")


def make_web_app(
    app: AsyncApp, signing_secret: str | None, path: str = EVENTS_PATH, *, refusals: RefusalLog | None = None
) -> web.Application:
    """The aiohttp application. Without a signing secret requests are not verified (tests of the shape only).

    Refused requests are logged through `refusals` (one line a minute, with a count).
    """
    refused = refusals or RefusalLog()
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    secret = signing_secret or ""
    if not any(isinstance(f, FirstLineOnly) for f in app.logger.filters):
        app.logger.addFilter(FirstLineOnly())

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        if verifier is not None:
            problem = _signature_problem(verifier, secret, raw, request)
            if problem:
                return _refuse(401, problem, request, refused)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "the body is not UTF-8", request, refused)
        try:
            check_request(body, request.content_type)
        except MalformedRequest as exc:
            return _refuse(400, str(exc), request, refused)
        bolt_request = AsyncBoltRequest(
            body=body,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
        )
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    async def summarise(_: web.Application) -> None:
        refused.flush()

    web_app = web.Application()
    web_app.router.add_post(path, handle)
    web_app.on_cleanup.append(summarise)
    return web_app


async def start_http_server(
    app: AsyncApp, host: str, port: int, *, signing_secret: str | None, refusals: RefusalLog | None = None
) -> tuple[web.AppRunner, int]:
    """Starts serving; returns the runner (call `cleanup()` to stop) and the bound port (useful with port 0).

    Raises BadInput when the address cannot be bound (port in use, unknown host, no permission).
    """
    runner = web.AppRunner(make_web_app(app, signing_secret, refusals=refusals), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except (OSError, OverflowError) as exc:
        await runner.cleanup()
        if isinstance(exc, socket.gaierror):
            reason = f"cannot resolve {host}"
        elif isinstance(exc, OSError) and exc.errno:
            reason = os.strerror(exc.errno)  # aiohttp's own wording repeats the address
        else:
            reason = str(exc)
        raise BadInput(f"cannot listen on {host}:{port}: {one_line(reason)}.") from None
    bound = next((addr[1] for addr in runner.addresses if isinstance(addr, tuple)), port)
    return runner, int(bound)

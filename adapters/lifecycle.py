"""Running until told to stop: SIGINT/SIGTERM handling, and retrying an unreachable platform.

A platform that cannot be reached (DNS failure, refused connection, a 5xx) is
retried with capped exponential backoff and one log line per attempt; every
wait also watches the stop event, so a signal ends the run within moments
even while it is retrying.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from bot.terminal_text import one_line

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


class Stopped(Exception):
    """SIGINT or SIGTERM arrived while waiting."""


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set `stop` on SIGINT and SIGTERM instead of raising inside whatever runs."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # platforms without signal handlers in the loop
            loop.add_signal_handler(sig, stop.set)


async def unless_stopped(awaitable: Awaitable[T], stop: asyncio.Event) -> T:
    """Await `awaitable`; raise Stopped (cancelling it) if `stop` is set first."""
    task = asyncio.ensure_future(awaitable)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    raise Stopped


def backoff_delays(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    """1, 2, 4, … seconds, never more than `cap`."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


def describe(exc: BaseException, limit: int = 200) -> str:
    """A short one-line reason for a log line (exception messages here hold URLs, never tokens)."""
    text = one_line(str(exc)) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def retrying(
    attempt: Callable[[], Awaitable[T]],
    *,
    stop: asyncio.Event,
    what: str,
    transient: Callable[[BaseException], bool],
    delays: Iterator[float] | None = None,
) -> T:
    """Run `attempt` until it succeeds; transient failures are logged in one line and retried.

    Other exceptions propagate; Stopped when `stop` is set meanwhile.
    """
    delays = delays or backoff_delays()
    while True:
        try:
            return await unless_stopped(attempt(), stop)
        except Stopped:
            raise
        except Exception as exc:
            if not transient(exc):
                raise
            delay = next(delays)
            log.warning("%s cannot be reached (%s); retrying in %.0f s", what, describe(exc), delay)
            await unless_stopped(asyncio.sleep(delay), stop)


class NoTraceback(logging.Filter):
    """Platform libraries log each failed reconnect with a traceback; the message already names the error.

    With `prefixes`, only records whose message starts with one of them lose their traceback.
    """

    def __init__(self, *prefixes: str) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and (not self.prefixes or str(record.msg).startswith(self.prefixes)):
            reason = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({describe(reason) if reason else 'no detail'})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True

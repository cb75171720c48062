"""Retrying with capped backoff, and stopping while waiting."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest

from adapters.lifecycle import Stopped, backoff_delays, retrying


def test_backoff_doubles_and_is_capped() -> None:
    assert list(itertools.islice(backoff_delays(1, 60), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_transient_failures_are_logged_once_each_then_success(caplog: pytest.LogCaptureFixture) -> None:
    failures = [ConnectionRefusedError(111, "Connect call failed"), OSError("Name or service not known")]

    async def attempt() -> str:
        if failures:
            raise failures.pop(0)
        return "ok"

    caplog.set_level(logging.WARNING)
    stop = asyncio.Event()
    result = await retrying(
        attempt, stop=stop, what="Slack", transient=lambda e: isinstance(e, OSError), delays=iter([0, 0])
    )
    assert result == "ok"
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["Slack cannot be reached"] * 2
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_permanent_failure_is_not_retried() -> None:
    async def attempt() -> None:
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        await retrying(attempt, stop=asyncio.Event(), what="Slack", transient=lambda e: False)


async def test_stop_ends_the_wait_between_attempts() -> None:
    stop = asyncio.Event()

    async def attempt() -> None:
        raise OSError("unreachable")

    loop = asyncio.get_running_loop()
    loop.call_later(0.05, stop.set)
    started = loop.time()
    with pytest.raises(Stopped):
        await retrying(attempt, stop=stop, what="Discord", transient=lambda e: True, delays=iter([3600.0]))
    assert loop.time() - started < 1

"""A flood of unsigned requests at the Slack endpoint writes one log line a minute, with a count,
not one line per request. The minute is a parameter (a fake clock), so nothing waits."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from adapters.slack.app import build_app
from adapters.slack.runner import make_client
from adapters.slack.server import EVENTS_PATH, RefusalLog, start_http_server
from bot.service import TalksService
from bot.settings import Settings
from tests.adapters.slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi

UNSIGNED = b'{"type": "event_callback", "event": {"type": "app_mention", "text": "hi"}}'


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def serving(service: TalksService, clock: Seconds) -> AsyncIterator[tuple[str, web.AppRunner]]:
    """The real app behind the real endpoint, refusals summarised per 60 s of `clock`."""
    fake = FakeSlackApi()
    await fake.start()
    settings = Settings(
        db=service.location,
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=fake.base_url,
    )
    app = build_app(settings, service, make_client(settings))
    runner, port = await start_http_server(
        app, "127.0.0.1", 0, signing_secret=SIGNING_SECRET, refusals=RefusalLog(window=60, clock=clock)
    )
    try:
        yield f"http://127.0.0.1:{port}{EVENTS_PATH}", runner
    finally:
        await runner.cleanup()  # a second cleanup is a no-op
        await fake.stop()


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "adapters.slack.server"]


async def post_unsigned(url: str, count: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(count):
            async with session.post(url, data=UNSIGNED, headers={"Content-Type": "application/json"}) as r:
                assert r.status == 401


async def test_fifty_unsigned_requests_in_a_minute_write_one_line_then_one_summary(
    service: TalksService, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Seconds()
    async with serving(service, clock) as (url, _runner):
        with caplog.at_level(logging.WARNING, logger="adapters.slack.server"):
            await post_unsigned(url, 50)
            [first] = refusal_lines(caplog)
            assert first.startswith(f"refused a request to {EVENTS_PATH} from 127.0.0.1: no signature (401)")

            clock.now += 61  # the minute is over: the next refusal writes the summary, then its own line
            await post_unsigned(url, 1)
            lines = refusal_lines(caplog)
    assert lines[1:] == ["refused 49 more requests in the last 60 s: 49× no signature (401)", first]


async def test_what_is_held_back_is_written_when_the_server_stops(
    service: TalksService, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(service, Seconds()) as (url, runner):
        with caplog.at_level(logging.WARNING, logger="adapters.slack.server"):
            await post_unsigned(url, 3)
            assert len(refusal_lines(caplog)) == 1
            await runner.cleanup()
            lines = refusal_lines(caplog)
    assert lines[1:] == ["refused 2 more requests in the last 60 s: 2× no signature (401)"]

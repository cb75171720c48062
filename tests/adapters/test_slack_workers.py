"""Several Slack HTTP workers on one database: a retry that lands on another worker is
acknowledged and not answered again, because the database — not a process — remembers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from adapters.slack.app import build_app
from adapters.slack.runner import make_client
from adapters.slack.server import EVENTS_PATH, start_http_server
from bot.service import TalksService
from bot.settings import Settings
from knowledge.store import Store
from tests.adapters.slack_fakes import (
    ASKER,
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    Slack,
    SlackSender,
    policy,
    slack,
)
from tests.conftest import FakeClock

__all__ = ["policy", "slack"]


@pytest.fixture
async def second_worker(slack: Slack, clock: FakeClock) -> AsyncIterator[SlackSender]:
    """Another process's app: its own store connections and service on the same database."""
    async with Store.open(slack.service.location) as store:
        service = TalksService(store, clock=clock)
        await service.start()
        settings = Settings(
            db=slack.service.location,
            slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
            slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
            slack_api_url=slack.fake.base_url,
        )
        app = build_app(settings, service, make_client(settings))
        runner, port = await start_http_server(app, "127.0.0.1", 0, signing_secret=SIGNING_SECRET)
        try:
            yield SlackSender(f"http://127.0.0.1:{port}{EVENTS_PATH}")
        finally:
            await runner.cleanup()


async def test_an_event_retried_onto_another_worker_is_answered_once(slack: Slack, second_worker: SlackSender) -> None:
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> how long was the call?",
        "ts": "1700000600.000100",
        "channel": "C0000TEST",
    }
    assert (await slack.sender.event(event, "EvWorkers1"))[0] == 200
    await slack.fake.wait_for("chat.postMessage")
    assert (await second_worker.event(event, "EvWorkers1", retry_num=1))[0] == 200
    # A different event through the second worker: once it is answered, the retry
    # (acknowledged before it) has had every chance to be answered too.
    other = {**event, "ts": "1700000601.000100", "text": f"<@{BOT_USER_ID}> who spoke for the Kremlin?"}
    assert (await second_worker.event(other, "EvWorkers2"))[0] == 200
    posts = await slack.fake.wait_for("chat.postMessage", 2)
    assert [p.data.get("thread_ts") for p in posts] == ["1700000600.000100", "1700000601.000100"]


async def test_a_slash_command_repeated_onto_another_worker_is_answered_once(
    slack: Slack, second_worker: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    url = slack.fake.response_url("dup")
    with caplog.at_level(logging.INFO, logger="adapters.slack.app"):
        first = await slack.sender.command("how long was the call?", response_url=url, trigger_id="9.9.dup")
        again = await second_worker.command("how long was the call?", response_url=url, trigger_id="9.9.dup")
    assert first == (200, "") and again == (200, "")
    # The decision is made before the acknowledgement, so it is already in the log.
    assert [r.getMessage() for r in caplog.records if "already handled" in r.getMessage()] == [
        "slack:command:9.9.dup already handled; acknowledging Slack's retry without answering"
    ]
    marker = await second_worker.command("sources", response_url=url, trigger_id="9.9.marker")
    assert marker == (200, "")
    texts = [r.data["text"] for r in await slack.fake.wait_for("response:dup", 2)]
    assert sorted(t.startswith("1. ") for t in texts) == [False, True]  # one answer, one source list

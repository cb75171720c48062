"""Corrections reach Slack answers already posted: real slack-bolt and slack-sdk against the loopback fake.

A channel answer to `/talks ask` is replaced through its response_url while
that works (30 minutes, 5 uses) and is out of reach after; an answer to a
mention, posted by the bot itself, is edited with chat.update of its ts; a
digest gets one note in its thread, also when Slack posted it but its answer was
lost and the note is retried; a `ratelimited` 429 waits its Retry-After; a
deleted message is dropped.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from adapters.slack.editor import SlackEditor, editor_client
from adapters.slack.poster import SlackDigestPoster
from bot.outbox import OutboxWorker
from bot.replies import DigestItem, DigestReply, DigestSection
from bot.service import OutboxDesk, TalksService
from knowledge.posted import PostedMessage
from tests.adapters.other_process import in_other_process
from tests.adapters.slack_fakes import (
    ASKER,
    BOT_TOKEN,
    BOT_USER_ID,
    MODERATOR,
    QUESTION,
    ApiCall,
    FakeSlackApi,
    Slack,
    policy,
    slack_harness,
)
from tests.conftest import FakeClock

__all__ = ["policy"]

NEW_TEXT = "The call lasted about ninety minutes, the Kremlin said."
REASON = "The Kremlin readout gives the length."
CHANNEL = "C0000TEST"
LEASE = timedelta(minutes=2)


class ScriptedSlackApi(FakeSlackApi):
    """The fake plus scripted Web API answers: an error, or a 429 with a given Retry-After."""

    def __init__(self) -> None:
        super().__init__()
        self.scripted: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}

    def script(self, method: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.scripted.setdefault(method, []).append((status, body, headers or {}))

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.scripted.get(method):
            status, body, headers = self.scripted[method].pop(0)
            self.calls.append(ApiCall(method, await self._read(request), dict(request.headers)))
            return web.json_response(body, status=status, headers=headers)
        return await super()._api(request)


@pytest.fixture
async def slack(service: TalksService, clock: FakeClock) -> AsyncIterator[Slack]:
    async with slack_harness(service, clock, ScriptedSlackApi()) as harness:
        yield harness


async def _no_sleep(_: float) -> None:
    return None


def worker(slack: Slack, name: str = "w1") -> OutboxWorker:
    editor = SlackEditor(editor_client(BOT_TOKEN, slack.fake.base_url))
    return OutboxWorker(OutboxDesk(slack.service), "slack", editor, worker=name, lease=LEASE, sleep=_no_sleep)


async def remembered(service: TalksService, posted_id: int = 1) -> Any:
    """The remembered message, once the listener (which runs after the reply went out) recorded it."""
    for _ in range(500):
        posted = await OutboxDesk(service).posted_message(posted_id)
        if posted is not None:
            return posted
        await asyncio.sleep(0.01)
    raise AssertionError("the answer was never remembered")


async def mention_answer(slack: Slack) -> str:
    """Ask by mentioning the bot; returns the ts of the bot's answer."""
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "ts": "1700000100.000200",
        "channel": CHANNEL,
    }
    await slack.sender.event(event, "Ev-outbox-1")
    await slack.fake.wait_for("chat.postMessage")
    posted = await remembered(slack.service)
    assert posted.edit_via == "bot" and posted.thread_id == "1700000100.000200"
    return str(posted.message_id)


def _texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_a_correction_from_another_process_updates_the_bots_own_answer_once(slack: Slack) -> None:
    ts = await mention_answer(slack)
    out = await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    assert "1 posted message will be updated." in out
    [done] = await worker(slack).run_once()
    assert done.result == "updated"
    [update] = slack.fake.calls_to("chat.update")
    assert update.data["channel"] == CHANNEL and update.data["ts"] == ts
    assert update.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    blocks = _texts(update.data["blocks"])
    first_section = update.data["blocks"][0]["text"]["text"]
    assert NEW_TEXT.split(",")[0] in first_section  # the corrected wording comes first
    assert "Corrected by process-b on" in blocks and "The Kremlin readout gives the length" in blocks
    assert "What the articles said" in blocks
    assert await worker(slack, "w2").run_once() == []
    assert len(slack.fake.calls_to("chat.update")) == 1


async def test_a_slash_command_answer_is_replaced_through_its_response_url(slack: Slack) -> None:
    await slack.command(QUESTION)
    posted = await remembered(slack.service)
    assert posted.edit_via == "response_url" and posted.edit_uses == 4 and posted.message_id is None
    await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    [done] = await worker(slack).run_once()
    assert done.result == "updated"
    replaced = slack.fake.calls_to("response:cmd")[-1]
    assert replaced.data["replace_original"] is True and replaced.data["response_type"] == "in_channel"
    assert "ninety minutes" in _texts(replaced.data["blocks"])
    assert ASKER in _texts(replaced.data["blocks"])  # "<@asker> asked: …" is kept
    assert not slack.fake.calls_to("chat.update")


async def test_a_slash_command_answer_past_its_thirty_minutes_is_skipped(slack: Slack, clock: FakeClock) -> None:
    await slack.command(QUESTION)
    await remembered(slack.service)
    clock.now += timedelta(minutes=31)
    calls_before = len(slack.fake.calls)
    await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    [done] = await worker(slack).run_once()
    # Slack never told us that message's ts, so neither an edit nor a threaded note can reach it.
    assert done.result == "skipped" and len(slack.fake.calls) == calls_before
    history = await in_other_process(slack.service.location, "history", slack.top, "--json")
    [row] = [r for r in json.loads(history) if r["action"] == "correct"]
    assert row["posted_updates"]["skipped"] == 1


async def post_digest(slack: Slack) -> Any:
    """Post a digest naming the top claim, as the scheduler does; returns the remembered message."""
    claim = next(v for v in await slack.service.all_claims() if v.claim_id == slack.top)
    digest = DigestReply(
        period_start=slack.service.clock() - timedelta(days=1),
        period_end=slack.service.clock(),
        sections=[DigestSection("Key claims", [DigestItem(text=claim.text, claim_id=claim.claim_id)])],
        has_news=True,
    )
    await SlackDigestPoster(slack.client, service=slack.service).post_digest(CHANNEL, digest)
    return await remembered(slack.service)


def notes_under(slack: Slack, posted: Any) -> list[ApiCall]:
    return [c for c in slack.fake.calls_to("chat.postMessage") if c.data.get("thread_ts") == posted.message_id]


async def test_a_digest_gets_one_note_in_its_thread(slack: Slack) -> None:
    posted = await post_digest(slack)
    [digest_post] = slack.fake.calls_to("chat.postMessage")
    await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    [done] = await worker(slack).run_once()
    assert done.result == "noted" and digest_post is not None
    note = slack.fake.calls_to("chat.postMessage")[-1]
    assert note.data["thread_ts"] == posted.message_id and note.data["channel"] == CHANNEL
    assert note.data["text"].startswith("Corrected ") and "ninety minutes" in note.data["text"]
    assert note.data["metadata"]["event_payload"]["key"] == f"talksbot-{done.outbox_id}"


class LostAnswerEditor(SlackEditor):
    """Posts the first note, then loses Slack's answer: a timeout after Slack posted it."""

    lost = True

    async def note(self, posted: PostedMessage, text: str, *, key: str, retrying: bool) -> None:
        await super().note(posted, text, key=key, retrying=retrying)
        if self.lost:
            self.lost = False
            raise ConnectionError("Slack's answer never came back")


async def test_a_note_retried_after_slack_posted_it_is_not_posted_twice(slack: Slack, clock: FakeClock) -> None:
    posted = await post_digest(slack)
    await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    editor = LostAnswerEditor(editor_client(BOT_TOKEN, slack.fake.base_url))
    w = OutboxWorker(OutboxDesk(slack.service), "slack", editor, worker="w1", lease=LEASE, sleep=_no_sleep)
    [first] = await w.run_once()
    assert first.result == "retry" and len(notes_under(slack, posted)) == 1
    clock.now += timedelta(seconds=w.backoff + 1)
    [second] = await w.run_once()
    # The retry finds its note in the thread (by the note's key in its metadata) and posts nothing.
    assert second.result == "noted"
    assert len(notes_under(slack, posted)) == 1


async def test_ratelimited_is_retried_after_its_retry_after(slack: Slack, clock: FakeClock) -> None:
    ts = await mention_answer(slack)
    slack.fake.script("chat.update", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "12"})
    await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    w = worker(slack)
    [first] = await w.run_once()
    assert first.result == "retry" and len(slack.fake.calls_to("chat.update")) == 1
    clock.now += timedelta(seconds=11)
    assert await w.run_once() == []
    clock.now += timedelta(seconds=1)
    [second] = await w.run_once()
    assert second.result == "updated"
    assert [c.data.get("ts") for c in slack.fake.calls_to("chat.update")][-1] == ts


async def test_a_deleted_message_is_dropped(slack: Slack) -> None:
    await mention_answer(slack)
    slack.fake.script("chat.update", 200, {"ok": False, "error": "message_not_found"})
    await in_other_process(slack.service.location, "correct", slack.top, "--text", NEW_TEXT, "--reason", REASON)
    [done] = await worker(slack).run_once()
    assert done.result == "gone"
    assert await worker(slack, "w2").run_once() == []


async def test_the_moderators_confirmation_says_how_many_messages_will_be_updated(slack: Slack) -> None:
    await mention_answer(slack)
    reply = await slack.command(f"retract {slack.top} misread the readout", user_id=MODERATOR)
    assert "1 posted message will be updated." in reply.data["text"]

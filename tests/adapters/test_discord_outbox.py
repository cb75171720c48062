"""Corrections reach Discord answers already posted: real discord.py against the loopback fake.

An answer is posted through a real slash-command interaction; a moderator
corrects its claim from another process; the outbox worker edits that very
message (through its interaction token, or with the bot token once the token
has expired), notes a digest in its thread, waits out a 429, drops a deleted
message, and delivers once across a crash.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from adapters.discord.editor import DiscordEditor
from adapters.discord.poster import ChannelPoster
from bot.outbox import OutboxWorker
from bot.replies import AnswerReply, ClaimCardReply, DigestItem, DigestReply, DigestSection
from bot.service import OutboxDesk
from knowledge.posted import PostedMessage
from tests.adapters.discord_fakes import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MOD_ROLE_ID,
    DiscordHarness,
    FakeDiscord,
    _json,
    deps_options,
    discord_bot,
    point_discord_at,
    policy,
    role_payload,
)
from tests.adapters.other_process import in_other_process
from tests.conftest import FakeClock

__all__ = ["deps_options", "discord_bot", "policy"]

QUESTION = "How long was the Trump-Putin call?"
NEW_TEXT = "The call lasted about ninety minutes, the Kremlin said."
REASON = "The Kremlin readout gives the length."
LEASE = timedelta(minutes=2)


class EditingFakeDiscord(FakeDiscord):
    """The fake plus message edits by the bot, and scripted answers (429s, Unknown Message)."""

    scripted: list[tuple[str, str, int, dict[str, Any]]]

    def script(self, method: str, fragment: str, status: int, body: dict[str, Any]) -> None:
        """Answer the next `method` request whose path contains `fragment` with `status` and `body`."""
        self.scripted.append((method, fragment, status, body))

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        for i, (method, fragment, status, body) in enumerate(self.scripted):
            if request.method == method and fragment in path:
                del self.scripted[i]
                await super()._handle(request)  # recorded like any other request
                return _json(body, status)
        return await super()._handle(request)

    def _route(self, method: str, parts: list[str], body: Any) -> web.Response:
        if method == "PATCH" and parts[:1] == ["channels"] and parts[2:3] == ["messages"]:
            return _json(self._message(int(parts[1]), body))
        return super()._route(method, parts, body)


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = EditingFakeDiscord(roles=[role_payload(GUILD_ID, "@everyone"), role_payload(MOD_ROLE_ID, "Fact Checkers")])
    fake.scripted = []
    point_discord_at(await fake.start(), monkeypatch)
    yield fake
    await fake.close_gateway()
    await fake.stop()


async def _no_sleep(_: float) -> None:
    return None


def worker(bot: DiscordHarness, name: str = "w1", editor: Any = None) -> OutboxWorker:
    return OutboxWorker(
        OutboxDesk(bot.service),
        "discord",
        editor or DiscordEditor(bot.client),
        worker=name,
        lease=LEASE,
        sleep=_no_sleep,
    )


async def post_answer(bot: DiscordHarness) -> tuple[str, str, str]:
    """Ask in the channel; returns (top claim id, the answer's message id, its interaction token)."""
    payload = bot.payloads.command("ask", {"question": QUESTION})
    body = await bot.response_to(payload)
    top = body["data"]["embeds"][0]["footer"]["text"].split(" · ")[-1]
    posted = await _only_posted(bot)
    assert posted.edit_via == "interaction" and posted.edit_token == payload["token"]
    assert posted.after_expiry == "bot" and posted.channel_id == str(CHANNEL_ID)
    assert top in posted.claim_ids
    assert posted.message_id is not None
    return top, posted.message_id, payload["token"]


async def _only_posted(bot: DiscordHarness) -> PostedMessage:
    """The one remembered message, once the handler (which runs after the callback) recorded it."""
    for _ in range(500):
        posted = await OutboxDesk(bot.service).posted_message(1)
        if posted is not None:
            assert await OutboxDesk(bot.service).posted_message(2) is None
            return posted
        await asyncio.sleep(0.01)
    raise AssertionError("the answer was never remembered")


def patches(fake: FakeDiscord) -> list[Any]:
    return [r for r in fake.requests if r.method == "PATCH"]


async def test_a_correction_from_another_process_edits_the_posted_answer_once(
    discord_bot: DiscordHarness, db_path: Any
) -> None:
    top, message_id, token = await post_answer(discord_bot)
    out = await in_other_process(str(db_path), "correct", top, "--text", NEW_TEXT, "--reason", REASON)
    assert "1 posted message will be updated." in out
    started = time.monotonic()
    [done] = await worker(discord_bot).run_once()
    elapsed = time.monotonic() - started
    assert done.result == "updated"
    [edit] = patches(discord_bot.fake)
    assert edit.path == f"/webhooks/{APP_ID}/{token}/messages/{message_id}"
    embed = edit.body["embeds"][0]
    assert embed["title"] == NEW_TEXT
    description = embed["description"]
    assert "Corrected by process-b on" in description and "The Kremlin readout gives the length" in description
    assert "What the articles said" in description and "> “" in description  # the original quote, kept
    assert edit.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert "content" not in edit.body and "components" not in edit.body  # question echo and buttons stay
    logging.getLogger(__name__).info("correction to edit on the Discord fake: %.1f ms", elapsed * 1000)
    assert await worker(discord_bot, "w2").run_once() == []
    assert len(patches(discord_bot.fake)) == 1


async def test_after_fifteen_minutes_the_bot_edits_the_message_with_its_own_token(
    discord_bot: DiscordHarness, db_path: Any, clock: FakeClock
) -> None:
    top, message_id, _ = await post_answer(discord_bot)
    clock.now += timedelta(minutes=15)
    await in_other_process(str(db_path), "retract", top, "--reason", "The readout was misquoted.")
    await worker(discord_bot).run_once()
    [edit] = patches(discord_bot.fake)
    assert edit.path == f"/channels/{CHANNEL_ID}/messages/{message_id}"
    embed = edit.body["embeds"][0]
    assert embed["title"].startswith("~~") and embed["title"].endswith("~~")
    assert "Retracted by moderators: The readout was misquoted." in embed["description"]


async def test_a_digest_gets_one_note_in_reply_when_its_claim_is_corrected(
    discord_bot: DiscordHarness, db_path: Any
) -> None:
    claim = (await discord_bot.service.all_claims())[0]
    digest = DigestReply(
        period_start=discord_bot.service.clock() - timedelta(days=1),
        period_end=discord_bot.service.clock(),
        sections=[DigestSection("Key claims", [DigestItem(text=claim.text, claim_id=claim.claim_id)])],
        has_news=True,
    )
    await ChannelPoster(discord_bot.client).post_digest(str(CHANNEL_ID), digest)
    [sent] = discord_bot.fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    await in_other_process(str(db_path), "correct", claim.claim_id, "--text", NEW_TEXT, "--reason", REASON)
    [done] = await worker(discord_bot).run_once()
    assert done.result == "noted"
    notes = discord_bot.fake.find("POST", f"/channels/{CHANNEL_ID}/messages")[1:]
    assert len(notes) == 1 and not patches(discord_bot.fake)
    note = notes[0].body
    posted = await OutboxDesk(discord_bot.service).posted_message(1)
    assert posted is not None and note["message_reference"]["message_id"] == posted.message_id
    assert note["content"].startswith("Corrected ") and "ninety minutes" in note["content"]
    assert note["nonce"] == f"talksbot-{done.outbox_id}" and note["enforce_nonce"] is True
    assert note["allowed_mentions"]["parse"] == [] and sent is not None


async def test_a_429_is_retried_after_its_retry_after(
    discord_bot: DiscordHarness, db_path: Any, clock: FakeClock
) -> None:
    top, message_id, token = await post_answer(discord_bot)
    # Longer than the client's max_ratelimit_timeout (30 s): discord.py hands it to the worker.
    discord_bot.fake.script(
        "PATCH", "/messages/", 429, {"message": "You are being rate limited.", "retry_after": 45.0, "global": False}
    )
    await in_other_process(str(db_path), "correct", top, "--text", NEW_TEXT, "--reason", REASON)
    w = worker(discord_bot)
    [first] = await w.run_once()
    assert first.result == "retry" and len(patches(discord_bot.fake)) == 1
    clock.now += timedelta(seconds=44)
    assert await w.run_once() == []
    clock.now += timedelta(seconds=1)
    [second] = await w.run_once()
    assert second.result == "updated"
    assert [r.path for r in patches(discord_bot.fake)] == [f"/webhooks/{APP_ID}/{token}/messages/{message_id}"] * 2


async def test_a_message_deleted_by_its_channel_is_dropped(
    discord_bot: DiscordHarness, db_path: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    top, _, _ = await post_answer(discord_bot)
    clock.now += timedelta(minutes=20)
    discord_bot.fake.script("PATCH", "/channels/", 404, {"message": "Unknown Message", "code": 10008})
    out = await in_other_process(str(db_path), "correct", top, "--text", NEW_TEXT, "--reason", REASON)
    assert "1 posted message" in out
    with caplog.at_level(logging.INFO, logger="bot.outbox"):
        [done] = await worker(discord_bot).run_once()
    assert done.result == "gone"
    assert len([r for r in caplog.records if r.name == "bot.outbox"]) == 1
    history = await in_other_process(str(db_path), "history", top)
    assert "1 queued: 0 updated, 0 noted, 0 skipped, 0 failed, 1 deleted by their channel" in history


class StallingEditor:
    """Holds the first edit before it reaches Discord, like a process that dies mid-delivery."""

    def __init__(self, inner: DiscordEditor) -> None:
        self.inner = inner
        self.stalled = asyncio.Event()
        self.stall = True

    async def edit(self, posted: PostedMessage, reply: AnswerReply | ClaimCardReply, *, via_token: bool) -> None:
        if self.stall:
            self.stalled.set()
            await asyncio.Event().wait()
        await self.inner.edit(posted, reply, via_token=via_token)

    async def note(self, posted: PostedMessage, text: str, *, key: str, retrying: bool) -> None:
        await self.inner.note(posted, text, key=key, retrying=retrying)


async def test_a_worker_killed_mid_delivery_and_restarted_edits_once(
    discord_bot: DiscordHarness, db_path: Any, clock: FakeClock
) -> None:
    top, message_id, _ = await post_answer(discord_bot)
    await in_other_process(str(db_path), "correct", top, "--text", NEW_TEXT, "--reason", REASON)
    editor = StallingEditor(DiscordEditor(discord_bot.client))
    crashed = asyncio.create_task(worker(discord_bot, "crashed", editor).run_once())
    await asyncio.wait_for(editor.stalled.wait(), 10)  # claimed, not yet recorded
    crashed.cancel()
    await asyncio.gather(crashed, return_exceptions=True)
    editor.stall = False
    assert await worker(discord_bot, "restarted", editor).run_once() == []  # its lease still holds
    clock.now += LEASE + timedelta(seconds=1)
    [done] = await worker(discord_bot, "restarted", editor).run_once()
    assert done.result == "updated"
    assert [r.path.rsplit("/", 1)[-1] for r in patches(discord_bot.fake)] == [message_id]

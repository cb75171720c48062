"""On PostgreSQL an idle outbox worker is woken by the change itself (LISTEN/NOTIFY), not
by its poll: with the poll set to 30 s, a correction's edit still goes out within seconds."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.outbox import OutboxWorker
from bot.replies import AnswerReply
from bot.service import OutboxDesk, TalksService
from knowledge.models import Place
from knowledge.store import Store
from tests.bot.test_outbox import QUESTION, RecordingEditor
from tests.conftest import OPERATOR, fresh_location

CHANNEL = Place(platform="test", community_id="G1", channel_id="C1")


async def test_a_correction_wakes_an_idle_worker_without_waiting_for_its_poll(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    location = fresh_location(request, "postgresql", tmp_path)
    async with Store.open(location) as store:
        service = TalksService(store)
        await service.start()
        try:
            reply = await service.ask(QUESTION, CHANNEL)
            assert isinstance(reply, AnswerReply)
            await service.remember_post(CHANNEL, reply, message_id="M1", edit_via="bot")
            editor = RecordingEditor()
            worker = OutboxWorker(
                OutboxDesk(service), "test", editor, lease=timedelta(minutes=2), interval=30.0, listen_interval=30.0
            )
            running = asyncio.create_task(worker.run_forever())
            await asyncio.sleep(1.0)  # idle now: nothing queued, waiting up to 30 s
            start = time.monotonic()
            await service.correct(OPERATOR, reply.claims[0].claim_id, "The call lasted ninety minutes.", "readout")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(editor.entered.wait(), 10)
            elapsed = time.monotonic() - start
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            assert [m for m, _, _ in editor.edits] == ["M1"]
            assert elapsed < 5
        finally:
            await service.stop()

"""The outbox worker with a recording editor: what it chooses (edit, note, skip), how it
waits (rate limits, retries), and that a crash between claim and record delivers once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.cli.render import render_status
from bot.outbox import CannotEdit, MessageGone, OutboxWorker, RateLimited, TokenExpired
from bot.replies import AnswerReply, ClaimCardReply, DigestItem, DigestReply, DigestSection
from bot.service import OutboxDesk, TalksService
from knowledge.models import Place
from knowledge.posted import PostedMessage
from tests.conftest import OPERATOR, FakeClock

QUESTION = "How long was the Trump-Putin call?"
CHANNEL = Place(platform="test", community_id="G1", channel_id="C1")
LEASE = timedelta(minutes=2)


class RecordingEditor:
    """Records edits and notes; `fail` holds exceptions to raise, one per call, first."""

    def __init__(self) -> None:
        self.edits: list[tuple[str | None, bool, AnswerReply | ClaimCardReply]] = []
        self.notes: list[tuple[str | None, str, str]] = []
        self.fail: list[BaseException] = []
        self.block: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def _maybe_fail(self) -> None:
        self.entered.set()
        if self.block is not None:
            await self.block.wait()
        if self.fail:
            raise self.fail.pop(0)

    async def edit(self, posted: PostedMessage, reply: AnswerReply | ClaimCardReply, *, via_token: bool) -> None:
        await self._maybe_fail()
        self.edits.append((posted.message_id, via_token, reply))

    async def note(self, posted: PostedMessage, text: str, *, key: str, retrying: bool) -> None:
        await self._maybe_fail()
        self.notes.append((posted.message_id, text, key))


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def worker(service: TalksService, editor: RecordingEditor, name: str = "w1", **kw: object) -> OutboxWorker:
    return OutboxWorker(OutboxDesk(service), "test", editor, worker=name, lease=LEASE, sleep=Sleeps(), **kw)  # type: ignore[arg-type]


async def answer(service: TalksService, place: Place = CHANNEL, **how: object) -> tuple[AnswerReply, int]:
    reply = await service.ask(QUESTION, place)
    assert isinstance(reply, AnswerReply)
    posted_id = await service.remember_post(place, reply, message_id="M1", **how)  # type: ignore[arg-type]
    assert posted_id is not None
    return reply, posted_id


async def test_a_fresh_answer_is_edited_through_its_token_with_the_corrected_wording(service: TalksService) -> None:
    reply, _ = await answer(
        service, edit_via="interaction", token="tok", token_lifetime=timedelta(minutes=15), after_expiry="bot"
    )
    top = reply.claims[0].claim_id
    entry = await service.correct(OPERATOR, top, "The call lasted about ninety minutes.", "Kremlin readout")
    assert (await service.reach(entry.id)).queued == 1
    editor = RecordingEditor()
    [done] = await worker(service, editor).run_once()
    assert done.result == "updated"
    [(message_id, via_token, edited)] = editor.edits
    assert message_id == "M1" and via_token
    assert isinstance(edited, AnswerReply) and edited.question == reply.question
    first = edited.claims[0]
    assert first.text == "The call lasted about ninety minutes." and first.original_text == reply.claims[0].text
    assert first.correction is not None and first.correction.reason == "Kremlin readout"
    assert (await service.reach(entry.id)).updated == 1
    assert await worker(service, editor).run_once() == []


async def test_after_the_token_expires_the_bot_edits_the_public_message(
    service: TalksService, clock: FakeClock
) -> None:
    reply, _ = await answer(
        service, edit_via="interaction", token="tok", token_lifetime=timedelta(minutes=15), after_expiry="bot"
    )
    clock.now += timedelta(minutes=16)
    await service.retract(OPERATOR, reply.claims[0].claim_id, "misread the readout")
    editor = RecordingEditor()
    await worker(service, editor).run_once()
    [(_, via_token, edited)] = editor.edits
    assert not via_token
    assert isinstance(edited, AnswerReply) and edited.claims[0].status == "retracted"
    assert edited.claims[0].retraction_reason == "misread the readout"


async def test_a_token_that_dies_early_falls_back_to_the_bot(service: TalksService) -> None:
    reply, _ = await answer(
        service, edit_via="interaction", token="tok", token_lifetime=timedelta(minutes=15), after_expiry="bot"
    )
    await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.fail = [TokenExpired("401")]
    await worker(service, editor).run_once()
    assert [via for _, via, _ in editor.edits] == [False]


async def test_an_ephemeral_answer_past_its_token_is_skipped(service: TalksService, clock: FakeClock) -> None:
    reply, _ = await answer(
        service, edit_via="interaction", token="tok", token_lifetime=timedelta(minutes=15), after_expiry="none"
    )
    clock.now += timedelta(hours=1)
    entry = await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    [done] = await worker(service, editor).run_once()
    assert done.result == "skipped" and not editor.edits and not editor.notes
    assert (await service.reach(entry.id)).skipped == 1


async def test_a_slack_response_url_is_spent_one_use_per_edit(service: TalksService) -> None:
    reply, posted_id = await answer(
        service, edit_via="response_url", token="https://hooks/x", token_lifetime=timedelta(minutes=30), token_uses=1
    )
    cid = reply.claims[0].claim_id
    await service.correct(OPERATOR, cid, "First fix.", "Reason one.")
    await service.correct(OPERATOR, cid, "Second fix.", "Reason two.")
    editor = RecordingEditor()
    await worker(service, editor).run_once()
    await worker(service, editor).run_once()
    # One use left: the first correction edits, the second finds the URL spent and cannot reach it.
    assert len(editor.edits) == 1 and not editor.notes
    posted = await OutboxDesk(service).posted_message(posted_id)
    assert posted is not None and posted.edit_uses == 0


async def test_a_digest_gets_one_threaded_note_per_change(service: TalksService) -> None:
    claim = (await service.all_claims())[0]
    digest = DigestReply(
        period_start=service.clock() - timedelta(days=1),
        period_end=service.clock(),
        sections=[DigestSection("Key claims", [DigestItem(text=claim.text, claim_id=claim.claim_id)])],
        has_news=True,
    )
    await service.remember_post(CHANNEL, digest, message_id="D1", after_expiry="note")
    await service.correct(OPERATOR, claim.claim_id, "Better wording.", "A clearer source")
    editor = RecordingEditor()
    [done] = await worker(service, editor).run_once()
    assert done.result == "noted" and not editor.edits
    [(message_id, text, key)] = editor.notes
    assert message_id == "D1" and "Better wording." in text and "A clearer source" in text
    assert text.startswith("Corrected 2025-02-14: ")
    assert key == f"talksbot-{done.outbox_id}"


async def test_a_message_the_bot_cannot_edit_gets_a_note(service: TalksService) -> None:
    reply, _ = await answer(service, edit_via="bot", after_expiry="note")
    await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.fail = [CannotEdit("cant_update_message")]
    [done] = await worker(service, editor).run_once()
    assert done.result == "noted" and len(editor.notes) == 1


async def test_a_deleted_message_is_dropped_with_one_log_line(
    service: TalksService, caplog: pytest.LogCaptureFixture
) -> None:
    reply, _ = await answer(service, edit_via="bot")
    entry = await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.fail = [MessageGone("Unknown Message")]
    with caplog.at_level("INFO", logger="bot.outbox"):
        [done] = await worker(service, editor).run_once()
    assert done.result == "gone"
    assert [r.getMessage() for r in caplog.records if "deleted by its channel" in r.getMessage()] != []
    assert len([r for r in caplog.records if r.name == "bot.outbox"]) == 1
    assert (await service.reach(entry.id)).gone == 1


async def test_a_rate_limit_waits_its_retry_after_then_delivers(service: TalksService, clock: FakeClock) -> None:
    reply, _ = await answer(service, edit_via="bot")
    await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.fail = [RateLimited(7.0)]
    w = worker(service, editor)
    [first] = await w.run_once()
    assert first.result == "retry" and not editor.edits
    assert await w.run_once() == []  # not due yet: the same clock, no wall-clock wait involved
    assert await OutboxDesk(service).next_due("test") == clock.now + timedelta(seconds=7)
    clock.now += timedelta(seconds=7)
    [second] = await w.run_once()
    assert second.result == "updated" and len(editor.edits) == 1


async def test_the_idle_loop_sleeps_until_the_retry_is_due(service: TalksService, clock: FakeClock) -> None:
    reply, _ = await answer(service, edit_via="bot")
    await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.fail = [RateLimited(0.25)]
    sleeps: list[float] = []
    delivered = asyncio.Event()

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += timedelta(seconds=seconds)
        if editor.edits:
            delivered.set()
            await asyncio.Event().wait()  # park the loop once the edit went out

    w = OutboxWorker(OutboxDesk(service), "test", editor, worker="w", lease=LEASE, sleep=sleep, interval=5.0)
    task = asyncio.create_task(w.run_forever())
    await asyncio.wait_for(delivered.wait(), 10)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert sleeps[0] == pytest.approx(0.25) and len(editor.edits) == 1


async def test_bounded_retries_end_in_a_recorded_failure_shown_by_status(service: TalksService) -> None:
    reply, _ = await answer(service, edit_via="bot")
    entry = await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.fail = [RuntimeError("boom")] * 3
    w = worker(service, editor, attempts=3, backoff=0.0)
    results = [d.result for _ in range(3) for d in await w.run_once()]
    assert results == ["retry", "retry", "failed"]
    assert (await service.reach(entry.id)).failed == 1
    status = await service.status()
    assert status["outbox"] == {"test": {"failed": 1}}
    [failure] = status["outbox_failures"]
    assert list(failure) == ["id", "platform", "claim_id", "error"]  # `talksbot status --json` keys, in order
    assert (failure["platform"], failure["claim_id"]) == ("test", reply.claims[0].claim_id)
    assert "RuntimeError: boom" in failure["error"] and isinstance(failure["id"], int)
    assert "failed update" in render_status(status)


async def test_two_corrections_of_one_claim_reach_the_channel_in_order(service: TalksService) -> None:
    # A message only notes can reach (a digest, say): each change gets its own note, so order is visible.
    reply, _ = await answer(service, edit_via="none", after_expiry="note")
    cid = reply.claims[0].claim_id
    first = await service.correct(OPERATOR, cid, "First wording.", "One.")
    second = await service.correct(OPERATOR, cid, "Second wording.", "Two.")
    editor = RecordingEditor()
    workers = [worker(service, editor, "w1"), worker(service, editor, "w2")]
    for _ in range(2):
        await asyncio.gather(*(w.run_once() for w in workers))
    assert ["First wording." in n[1] for n in editor.notes] == [True, False]
    assert ["Second wording." in n[1] for n in editor.notes] == [False, True]
    reach = (await service.history(OPERATOR, cid)).reach
    assert reach[first.id].noted == 1 and reach[second.id].noted == 1


async def test_a_worker_killed_mid_delivery_and_a_new_one_deliver_once(service: TalksService, clock: FakeClock) -> None:
    reply, _ = await answer(service, edit_via="bot")
    entry = await service.correct(OPERATOR, reply.claims[0].claim_id, "New wording.", "Reason.")
    editor = RecordingEditor()
    editor.block = asyncio.Event()
    crashed = asyncio.create_task(worker(service, editor, "crashed").run_once())
    await asyncio.wait_for(editor.entered.wait(), 10)  # claimed, and in the middle of the platform call
    crashed.cancel()
    await asyncio.gather(crashed, return_exceptions=True)
    editor.block = None
    assert editor.edits == []
    # Within the lease nobody may take it; a restart after the lease delivers it.
    assert await worker(service, editor, "restarted").run_once() == []
    clock.now += LEASE + timedelta(seconds=1)
    [done] = await worker(service, editor, "restarted").run_once()
    assert done.result == "updated" and len(editor.edits) == 1
    assert await worker(service, editor, "third").run_once() == []
    assert (await service.reach(entry.id)).updated == 1


async def test_private_and_claimless_replies_are_not_remembered(service: TalksService) -> None:
    reply = await service.ask("What colour is the moon?", CHANNEL)
    assert not isinstance(reply, AnswerReply)
    card = await service.claim((await service.all_claims())[0].claim_id)
    assert await service.remember_post(Place(platform="test"), card, message_id="x") is None


async def test_history_and_the_cli_show_the_reach(service: TalksService) -> None:
    reply, _ = await answer(service, edit_via="bot")
    cid = reply.claims[0].claim_id
    entry = await service.correct(OPERATOR, cid, "New wording.", "Reason.")
    await worker(service, RecordingEditor()).run_once()
    history = await service.history(OPERATOR, cid)
    from bot.cli.render import render
    from bot.json_contract import history_json

    [row] = [r for r in history_json(history) if r["id"] == entry.id]
    assert row["posted_updates"] == {
        "queued": 1,
        "pending": 0,
        "updated": 1,
        "noted": 0,
        "skipped": 0,
        "gone": 0,
        "failed": 0,
    }
    assert "posted messages: 1 queued: 1 updated, 0 noted, 0 skipped, 0 failed" in render(history)


async def test_a_several_question_answer_is_edited_question_by_question(service: TalksService) -> None:
    reply = await service.ask("How many minutes did the leaders talk? and what is the best borscht recipe?")
    assert isinstance(reply, AnswerReply) and len(reply.parts) == 1
    await service.remember_post(CHANNEL, reply, message_id="M2", edit_via="bot")
    cid = reply.claims[0].claim_id
    await service.correct(OPERATOR, cid, "A corrected length.", "Reason.")
    editor = RecordingEditor()
    [done] = await worker(service, editor).run_once()
    assert done.result == "updated"
    [(message_id, _, edited)] = editor.edits
    assert message_id == "M2" and isinstance(edited, AnswerReply)
    # Laid out as it was posted: the same questions, each with its own claims or none.
    assert [p.question for p in edited.questions()] == [p.question for p in reply.questions()]
    assert edited.claims[0].text == "A corrected length." and not isinstance(edited.parts[0], AnswerReply)
    assert edited.question == reply.question

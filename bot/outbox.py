"""The outbox worker: brings messages already posted up to date after a moderator change.

One worker runs in each bot process and drains its own platform's rows.
Delivery guarantee: each queued update ends in exactly one recorded outcome
(updated, noted, skipped, gone or failed). A row is claimed with a lease
before anything is sent (as digest runs are), so several workers never take
the same row; a worker that dies after claiming leaves the row to be taken
again once the lease expires. What is sent is safe to send twice: an edit
re-renders the message from the current claim states (a second identical edit
changes nothing a reader sees), and a note carries an idempotency key the
platform adapter uses so a retried note is not posted twice.

Order: only the oldest unfinished row of a channel can be claimed, and a row
that must wait (rate limit, transient failure) keeps its channel waiting, so
two corrections of one claim reach a channel in the order they were made.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.ratelimit import RateLimited
from bot.replies import AnswerReply, ClaimCardReply
from bot.service import OutboxDesk
from knowledge.posted import OutboxItem, PostedMessage

log = logging.getLogger(__name__)


class MessageGone(Exception):
    """The message (or its channel) was deleted: nothing will ever reach it."""


class TokenExpired(Exception):
    """The interaction token or response URL no longer works; fall back to what is left."""


class CannotEdit(Exception):
    """The platform refuses an edit by the bot (not its message, no access); a note may still work."""


class MessageEditor(Protocol):
    """What an adapter provides: edit one posted message, or post one note under it."""

    async def edit(self, posted: PostedMessage, reply: AnswerReply | ClaimCardReply, *, via_token: bool) -> None:
        """Replace the message's content with `reply`; raise one of the exceptions above."""
        ...

    async def note(self, posted: PostedMessage, text: str, *, key: str, retrying: bool) -> None:
        """Post `text` as a reply threaded under the message. `key` is unique per update: the
        adapter uses it so that a note retried after a crash is not posted twice."""
        ...


Result = Literal["updated", "noted", "skipped", "gone", "failed", "retry", "lost"]


@dataclass(frozen=True)
class Delivered:
    outbox_id: int
    result: Result
    detail: str | None = None


class OutboxWorker:
    """Drains one platform's outbox: at most `parallel` messages at once, one per channel."""

    def __init__(
        self,
        desk: OutboxDesk,
        platform: str,
        editor: MessageEditor,
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(minutes=2),
        parallel: int = 4,
        attempts: int = 5,
        backoff: float = 5.0,
        call_timeout: float = 30.0,
        interval: float = 1.0,
        listen_interval: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if call_timeout * 2 >= lease.total_seconds():
            raise ValueError("one delivery must end well within its lease")
        self.desk = desk
        self.platform = platform
        self.editor = editor
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.lease = lease
        self.parallel = parallel
        self.attempts = attempts
        self.backoff = backoff
        self.call_timeout = call_timeout
        self.interval = interval
        self.listen_interval = listen_interval
        self.sleep = sleep
        self.clock = clock or desk.clock

    async def run_once(self) -> list[Delivered]:
        """Writes: claim what is due now and deliver it (one pass)."""
        items = await self.desk.claim(self.platform, self.worker, self.lease, self.parallel)
        return list(await asyncio.gather(*(self._deliver(item) for item in items)))

    async def run_forever(self) -> None:
        """Deliver until cancelled, keeping up to `parallel` deliveries in flight: as soon as one
        ends, its channel's next row (or another channel's) is claimed, so one slow channel (a
        route bucket waited out, a 429) never holds up the others.

        Idle, it waits for a change to be announced (PostgreSQL's LISTEN/NOTIFY: every change
        that queues updates bumps the content version, announced at commit) and polls every
        `listen_interval` seconds as a fallback; where nothing is announced (SQLite) it polls
        every `interval`. A retry due sooner wakes it sooner."""
        woken = asyncio.Event()
        listening = await self.desk.on_change(lambda _version: woken.set())
        poll = self.listen_interval if listening else self.interval
        flying: set[asyncio.Task[Delivered]] = set()
        try:
            while True:
                wait = 0.05
                try:
                    woken.clear()
                    free = self.parallel - len(flying)
                    items = await self.desk.claim(self.platform, self.worker, self.lease, free) if free else []
                    for item in items:
                        task = asyncio.create_task(self._deliver(item))
                        flying.add(task)
                        task.add_done_callback(flying.discard)
                    if items and len(flying) < self.parallel:
                        continue  # there may be more due right now
                    if not flying:
                        await self.desk.prune_posted()
                        wait = poll
                        due = await self.desk.next_due(self.platform)
                        if due is not None:
                            wait = max(0.0, min(wait, (due - self.clock()).total_seconds()))
                    else:
                        wait = poll
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("outbox pass failed")
                    wait = self.interval
                await self._idle(woken, flying, wait or 0.05, listening)
        finally:
            for task in flying:
                task.cancel()
            await asyncio.gather(*flying, return_exceptions=True)

    async def _idle(
        self, woken: asyncio.Event, flying: set[asyncio.Task[Delivered]], wait: float, listening: bool
    ) -> None:
        """Until a delivery ends (its channel's next row may be due), a change is announced, or `wait` passes."""
        if not flying and not listening:
            await self.sleep(wait)
            return
        waker = asyncio.create_task(woken.wait())
        try:
            await asyncio.wait({waker, *flying}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waker.cancel()

    async def _deliver(self, item: OutboxItem) -> Delivered:
        where = f"{item.posted.platform} {item.posted.channel_id}/{item.posted.message_id}"
        used_token = False
        try:
            result, used_token, version = await asyncio.wait_for(self._attempt(item), self.call_timeout)
        except RateLimited as exc:
            await self.desk.retry(item, exc.retry_after, str(exc), used_token=used_token)
            log.info("outbox %d for %s: rate limited, retrying in %g s", item.id, where, exc.retry_after)
            return Delivered(item.id, "retry", str(exc))
        except MessageGone as exc:
            owned = await self.desk.finish(item, "gone", error=str(exc) or "deleted")
            # One line, as promised: the channel deleted the message, nothing more to do.
            log.info("outbox %d: message %s was deleted by its channel; dropped", item.id, where)
            return Delivered(item.id, "gone" if owned else "lost")
        except Exception as exc:  # recorded, never lost
            error = (
                f"no answer within {self.call_timeout:g} s"
                if isinstance(exc, TimeoutError)
                else f"{type(exc).__name__}: {exc}"[:500]
            )
            if item.attempts >= self.attempts:
                await self.desk.finish(item, "failed", error=error)
                log.error("outbox %d for %s failed after %d attempts: %s", item.id, where, item.attempts, error)
                return Delivered(item.id, "failed", error)
            await self.desk.retry(item, self.backoff * 2 ** (item.attempts - 1), error)
            log.warning("outbox %d for %s failed (attempt %d): %s", item.id, where, item.attempts, error)
            return Delivered(item.id, "retry", error)
        owned = await self.desk.finish(item, result, version=version, used_token=used_token)
        if not owned:
            log.warning("outbox %d for %s was taken over by another worker after its lease", item.id, where)
            return Delivered(item.id, "lost")
        return Delivered(item.id, result)

    async def _attempt(self, item: OutboxItem) -> tuple[Literal["updated", "noted", "skipped"], bool, int | None]:
        """(outcome, whether a token use was spent, content version now shown)."""
        posted = item.posted
        reply = await self.desk.current_reply(posted)
        version = self.desk.content_version
        if reply is not None and posted.can_use_token(self.clock()):
            try:
                await self.editor.edit(posted, reply, via_token=True)
                return "updated", True, version
            except TokenExpired:
                log.info("outbox %d: the token of message %s expired early", item.id, posted.message_id)
        can_bot_edit = posted.edit_via == "bot" or posted.after_expiry == "bot"
        if reply is not None and can_bot_edit and posted.message_id:
            try:
                await self.editor.edit(posted, reply, via_token=False)
                return "updated", False, version
            except CannotEdit as exc:
                log.info("outbox %d: cannot edit %s (%s); posting a note", item.id, posted.message_id, exc)
        if posted.message_id and not posted.is_private and posted.after_expiry != "none":
            text = await self.desk.change_note(item)
            await self.editor.note(posted, text, key=note_key(item), retrying=item.attempts > 1)
            return "noted", False, None
        return "skipped", False, None


def note_key(item: OutboxItem) -> str:
    """A platform-safe idempotency key for one update's note (Discord nonces hold 25 characters)."""
    return f"talksbot-{item.id}"[:25]

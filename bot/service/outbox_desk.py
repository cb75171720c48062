"""What the outbox worker may do, and nothing more: take due updates of posted messages,
read how each message should read now, and record how its update ended."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot import messages
from bot.replies import AnswerReply, ClaimCardReply, ClaimView, NoAnswerReply
from bot.service.core import ServiceCore
from knowledge.posted import OutboxItem, OutboxStatus, PostedMessage


class OutboxDesk:
    """Built by `bot.wiring` over the service's core; handed to `OutboxWorker`."""

    def __init__(self, core: ServiceCore) -> None:
        self._core = core
        self._store = core._store
        self.clock = core.clock

    @property
    def content_version(self) -> int:
        return self._core.content_version

    async def claim(self, platform: str, worker: str, lease: timedelta, limit: int) -> list[OutboxItem]:
        """Writes: take due updates of `platform` for `worker` (at most one per channel)."""
        now = self.clock()
        return await self._store.outbox.claim(platform, worker, now, now - lease, limit)

    async def finish(
        self,
        item: OutboxItem,
        status: OutboxStatus,
        *,
        error: str | None = None,
        version: int | None = None,
        used_token: bool = False,
    ) -> bool:
        """Writes: one update's outcome; False when this worker no longer holds it."""
        return await self._store.outbox.finish(
            item, status, self.clock(), error=error, version=version, used_token=used_token
        )

    async def retry(self, item: OutboxItem, after: float, error: str, *, used_token: bool = False) -> bool:
        """Writes: hand an update back to be tried again in `after` seconds (its channel waits too)."""
        return await self._store.outbox.retry_later(
            item, self.clock() + timedelta(seconds=after), error, used_token=used_token
        )

    async def on_change(self, callback: Callable[[int | None], None]) -> bool:
        """Call `callback` whenever another process commits a change (PostgreSQL's NOTIFY; the
        change's outbox rows are committed with it). False when the database cannot announce
        changes (SQLite): the worker then polls."""
        return await self._store.db.listen(callback)

    async def next_due(self, platform: str) -> datetime | None:
        """Read-only: when the platform's next update is due, if any."""
        return await self._store.outbox.next_due(platform)

    async def prune_posted(self) -> int:
        """Writes: forget posted messages older than the retention setting (their updates delivered)."""
        return await self._store.posted.prune(self.clock() - self._core.posted_retention)

    async def posted_message(self, posted_id: int) -> PostedMessage | None:
        """Read-only: one remembered message."""
        return await self._store.posted.get(posted_id)

    async def current_reply(self, posted: PostedMessage) -> AnswerReply | ClaimCardReply | None:
        """Read-only: the answer or claim card as it reads now, rebuilt from the current claim
        states (retracted claims included, so they show struck out); None for a digest."""
        core = self._core
        await core.refresh()
        states = await core.live.states(posted.claim_ids)
        views = [core.view(states[c]) for c in posted.claim_ids if c in states]
        if not views or posted.kind == "digest":
            return None
        if posted.kind == "claim":
            return ClaimCardReply(views[0])
        question = str(posted.render.get("question") or "")
        if posted.question_id is not None:
            question = await self._store.posted.question_text(posted.question_id) or question
        layout = posted.render.get("parts")
        if isinstance(layout, list) and layout:
            message = str(posted.render.get("message") or "")
            return self._rebuilt_parts(layout, views, core.content_version, message)
        return AnswerReply(
            question=question, claims=views, question_id=posted.question_id, content_version=core.content_version
        )

    @staticmethod
    def _rebuilt_parts(layout: list[dict[str, Any]], views: list[ClaimView], version: int, message: str) -> AnswerReply:
        """A several-question answer laid out again from `parts_layout`, with its claims as they read now."""
        by_id = {v.claim_id: v for v in views}
        parts: list[AnswerReply | NoAnswerReply] = []
        for entry in layout:
            shown = [by_id[c] for c in entry.get("claim_ids", []) if c in by_id]
            question, qid = str(entry.get("question") or ""), entry.get("question_id")
            if shown:
                parts.append(AnswerReply(question=question, claims=shown, question_id=qid, content_version=version))
            else:
                suggestions = [str(x) for x in entry.get("suggestions", [])]
                parts.append(NoAnswerReply(question, suggestions, question_id=qid, content_version=version))
        first, *rest = parts
        message = message or " ".join(p.question for p in parts)
        others = [p.question for p in rest]
        if not isinstance(first, AnswerReply):
            # Only a reply whose first question was answered is ever remembered.
            first = AnswerReply(question=first.question, claims=views[:1], content_version=version)
        return replace(first, question=message, asked=first.question, other_questions=others, parts=rest)

    async def change_note(self, item: OutboxItem) -> str:
        """Read-only: the one short note posted under a message that can no longer be edited."""
        entries = await self._store.moderation.history(item.claim_id) or []
        entry = next((e for e in entries if e.id == item.change_id), None)
        state = (await self._core.live.states([item.claim_id])).get(item.claim_id)
        if entry is None or state is None:
            return messages.NOTE_CORRECTED.format(date="", reason="", claim_id=item.claim_id, text="")
        date = f"{entry.at:%Y-%m-%d}"
        reason = (entry.reason or "").rstrip(".") + "." if entry.reason else ""
        if entry.action == "retract":
            return messages.NOTE_RETRACTED.format(
                date=date, reason=reason, claim_id=entry.claim_id, text=state.claim.text
            )
        if entry.action == "restore":
            return messages.NOTE_RESTORED.format(date=date, claim_id=entry.claim_id, text=state.claim.text)
        return messages.NOTE_CORRECTED.format(date=date, reason=reason, claim_id=entry.claim_id, text=entry.text or "")

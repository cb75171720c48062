"""The platform-neutral service: questions in, Replies out.

One instance per process, built by the composition root with its store. It
keeps the claim index in memory and refreshes it when another process (or
another task) changes claims, by checking the store's change marker before
each question.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot import messages
from bot.replies import AnswerReply, ClaimCardReply, ClaimView, NoAnswerReply, QuoteView
from knowledge.build import ensure_built
from knowledge.errors import BadInput
from knowledge.index import ClaimIndex
from knowledge.matcher import Match, Matcher
from knowledge.models import ClaimState, Source
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.sources import Seed, load_seeds
from knowledge.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class TalksService:
    """Answers questions and shows claims from one store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = utc_now,
        seeds_path: Path | None = None,
        curated_path: Path | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.seeds_path = seeds_path or seeds_dir()
        self.curated_path = curated_path or curated_claims_file()
        self._states: dict[str, ClaimState] = {}
        self._sources: dict[str, Source] = {}
        self._matcher: Matcher | None = None
        self._marker: tuple[int, int] = (-1, -1)
        self._seeds: dict[str, Seed] | None = None
        self._retracted: set[str] = set()
        self._fallback: list[str] | None = None

    async def start(self, build: bool = True) -> None:
        """Writes on first use: builds or reloads the store from the seeds and
        curated file when they changed, then loads the claim index."""
        if build:
            await ensure_built(self.store, self.seeds_path, self.curated_path, self.clock())
        await self._load_all()

    async def _load_all(self) -> None:
        self._marker = await self.store.change_marker()
        states = await self.store.load_states()
        self._states = {s.id: s for s in states}
        self._sources = {s.id: s for s in await self.store.list_sources()}
        self._matcher = Matcher(ClaimIndex.build(states))
        self._retracted = {s.id for s in states if s.status == "retracted"}
        self._fallback = None

    async def refresh(self) -> None:
        """Re-read claims changed since the last look (cheap when nothing changed)."""
        marker = await self.store.change_marker()
        if marker == self._marker or self._matcher is None:
            return
        last_correction, claim_count = self._marker
        changed = await self.store.claims_changed_since(last_correction)
        if claim_count != marker[1]:
            changed = sorted(set(changed) | (set(await self.store.claim_ids()) - set(self._states)))
        for state in await self.store.load_states(changed):
            self._states[state.id] = state
            self._matcher.index.upsert(state)
            if state.status == "retracted":
                self._retracted.add(state.id)
            else:
                self._retracted.discard(state.id)
            self._fallback = None
        self._marker = marker

    @property
    def seeds(self) -> dict[str, Seed]:
        if self._seeds is None:
            self._seeds = load_seeds(self.seeds_path)
        return self._seeds

    # ---- questions -----------------------------------------------------------

    async def ask(self, question: str, platform: str = "cli", log_question: bool = True) -> AnswerReply | NoAnswerReply:
        """Answer `question` with up to three claims, or suggestions.

        Writes one question-log row (question text, time, platform, answered).
        Raises BadInput for an empty question; a very long one is cut at a
        word boundary to MAX_QUESTION_CHARS.
        """
        text = clean_question(question)
        await self.refresh()
        assert self._matcher is not None
        retracted = self._retracted
        result = self._matcher.find_matches(text, skip=retracted)
        views = [self.view(self._states[m.claim_id], m.score) for m in result.matches]
        qid = None
        if log_question:
            qid = await self.store.log_question(
                text, platform, bool(views), views[0].claim_id if views else None, self.clock()
            )
        if views:
            return AnswerReply(question=text, claims=views, question_id=qid)
        return NoAnswerReply(question=text, suggestions=self._suggestions(result.near, retracted), question_id=qid)

    def _suggestions(self, near: list[Match], retracted: set[str]) -> list[str]:
        picked = [m.claim_id for m in near if m.coverage >= 0.3 and m.claim_id not in retracted]
        if not picked:
            if self._fallback is None:
                # The three most important claims; cached until a claim changes.
                ranked = heapq.nsmallest(
                    3,
                    (s for s in self._states.values() if s.status != "retracted"),
                    key=lambda s: (-s.claim.importance, s.id),
                )
                self._fallback = [s.id for s in ranked]
            picked = self._fallback
        return [self._states[i].current_text for i in picked[:3]]

    async def record_feedback(
        self, platform: str, user_id: str, question_id: int | None, claim_id: str, verdict: str
    ) -> None:
        """Writes: a reader's helpful/wrong verdict on one answer (one per reader)."""
        await self.store.record_feedback(platform, user_id, question_id, claim_id, verdict, self.clock())

    # ---- claims and sources --------------------------------------------------

    async def claim(self, claim_id: str) -> ClaimCardReply:
        """One claim, whatever its status (retracted claims included)."""
        state = await self.store.get_state(claim_id.strip())
        return ClaimCardReply(self.view(state))

    async def all_claims(self) -> list[ClaimView]:
        await self.refresh()
        return [self.view(s) for s in self._states.values()]

    async def sources(self) -> list[Source]:
        return list(self._sources.values())

    def importance(self, claim_id: str) -> int:
        state = self._states.get(claim_id)
        return state.claim.importance if state else 0

    def find_claim_ids(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(id, current text) of claims whose id or text contains `prefix`, for pickers."""
        needle = prefix.strip().lower()
        hits = [
            (s.id, s.current_text)
            for s in self._states.values()
            if not needle or needle in s.id or needle in s.current_text.lower()
        ]
        hits.sort(key=lambda h: (not h[0].startswith(needle), h[0]))
        return hits[:limit]

    def view(self, state: ClaimState, score: float = 0.0) -> ClaimView:
        claim = state.claim
        quotes = []
        for q in claim.quotes:
            src = self._sources.get(q.source_id) or Source(id=q.source_id)
            quotes.append(QuoteView(q.source_id, src.label, src.outlet, src.title, q.quote, q.start, q.end))
        conflicts = [(c, self._states[c].current_text) for c in claim.conflicts if c in self._states]
        return ClaimView(
            claim_id=claim.id,
            text=state.current_text,
            original_text=claim.text,
            status=state.status,
            quotes=quotes,
            score=score,
            correction=state.correction,
            retraction_reason=state.retraction_reason,
            conflicts=conflicts,
            said_by=claim.said_by,
            topic=claim.topic,
            origin=claim.origin,
            source_url=claim.source_url,
            in_curated=state.in_curated,
        )


def clean_question(question: str) -> str:
    """Collapse whitespace; refuse an empty question; cut an over-long one at a word."""
    text = " ".join((question or "").split())
    if not text:
        raise BadInput(messages.EMPTY_QUESTION)
    if len(text) > messages.MAX_QUESTION_CHARS:
        cut = text[: messages.MAX_QUESTION_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text

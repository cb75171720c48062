"""The platform-neutral service: the one front door for the CLI and the adapters.

One instance per process, built by the composition root (`bot.wiring`) with
its store and moderation policy. It keeps the claim index in memory and, before
answering, compares the store's content version (one cheap read) and applies
whatever changed since: new wording, new claims, retracted or removed claims.
On PostgreSQL it is also told of every bump as it commits (LISTEN/NOTIFY) and
refreshes in the background, so the compare before answering usually finds
nothing to do; it still always runs, because a notification can be lost.
Everything the adapters need goes through here; none of them sees the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import heapq
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import process

from bot import article_input, corrections, messages, subscriptions
from bot.permissions import Actor, ModerationPolicy
from bot.replies import (
    AnswerReply,
    ClaimCardReply,
    ClaimView,
    DigestReply,
    HistoryReply,
    NoAnswerReply,
    QuoteView,
)
from bot.shorten import shorten
from knowledge.answering import snapshot
from knowledge.answering.index import COMPACT_AT, STATUSES, ClaimIndex, IndexBuilder
from knowledge.answering.matcher import Match, Matcher
from knowledge.answering.phrasing import is_close_variant, phrasing_key
from knowledge.answering.questions import split_questions
from knowledge.articles.export import claims_toml
from knowledge.articles.ingest import claim_slug, propose
from knowledge.articles.reading import read_article
from knowledge.articles.sources import Seed, load_seeds
from knowledge.errors import BadInput, NotFound, PermissionDenied
from knowledge.models import (
    MODERATOR_IMPORTANCE,
    Claim,
    ClaimState,
    DigestAudience,
    DigestRun,
    DigestRunRecord,
    HistoryEntry,
    Moderator,
    Place,
    QuestionStats,
    QueueItem,
    Source,
    Subscription,
    Suggestion,
    TaughtPhrasing,
)
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.posted import AfterExpiry, EditVia, OutboxItem, OutboxStatus, PostedKind, PostedMessage, Reach
from knowledge.store import Store
from knowledge.store.build import ensure_built

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

CLI = Place(platform="cli")
SUGGESTIONS_PER_HOUR = 5
DID_YOU_MEAN = 3
POSTED_RETENTION = timedelta(days=30)
# How long `first_time` remembers a key. Slack retries an event three times
# within about five minutes; an hour leaves room for slow retries and clock skew.
EVENT_TTL = timedelta(hours=1)
# Claims kept in memory once loaded (answers show at most three, plus conflicts).
CLAIM_CACHE = 512
# Claims read at a time while the index is built: memory stays flat at any store size.
BUILD_PAGE = 5_000
RETRACTED = STATUSES.index("retracted")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IngestResult:
    """What `ingest` stored: the source, its queue items, and how many of each proposal."""

    source: Source
    item_ids: list[int]
    counts: dict[str, int]


@dataclass(frozen=True)
class Decision:
    """A moderator's accept or reject of a suggestion or an ingest candidate."""

    item_id: int
    kind: str
    accepted: bool
    claim_id: str | None
    # For an accepted suggestion: who suggested it (credited in the history).
    credit: str | None = None
    # The history row an accepted suggestion wrote: its reach is what the moderator is told.
    change_id: int | None = None


class TalksService:
    """Answers questions, shows claims, and carries out moderators' changes on one store."""

    def __init__(
        self,
        store: Store,
        *,
        policy: ModerationPolicy | None = None,
        clock: Clock = utc_now,
        seeds_path: Path | None = None,
        curated_path: Path | None = None,
        posted_retention: timedelta = POSTED_RETENTION,
    ) -> None:
        self._store = store
        self.posted_retention = posted_retention
        self.policy = policy or ModerationPolicy()
        self.clock = clock
        self.seeds_path = seeds_path or seeds_dir()
        self.curated_path = curated_path or curated_claims_file()
        self._cache: OrderedDict[str, ClaimState] = OrderedDict()
        self._sources: dict[str, Source] = {}
        self._matcher: Matcher | None = None
        self._version = -1
        self._seeds: dict[str, Seed] | None = None
        self._retracted: set[str] = set()
        self._fallback: list[str] | None = None
        self._taught: dict[str, str] = {}
        # One refresh at a time: a background refresh (after a notification)
        # and one before answering must not apply changes out of order.
        self._refresh_lock = asyncio.Lock()
        self._refresh_wanted = False
        self._background: asyncio.Task[None] | None = None
        # Where this database's index snapshot goes, the save under way, and how
        # many claims changed since the snapshot this process started from or wrote.
        self._snapshot: tuple[Path, snapshot.SnapshotKey] | None = None
        self._saving: asyncio.Task[None] | None = None
        self._changed_since_save = 0

    @property
    def _docs(self) -> dict[str, int]:
        """Claim id → doc number for every claim in the store; the claims themselves
        load by id when a reply shows them (`_states_of`)."""
        return {} if self._matcher is None else self._matcher.index.doc_numbers()

    @property
    def location(self) -> str:
        """Where the database is (a path, or a URL without its password)."""
        return self._store.location

    async def start(self, build: bool = True, listen: bool = True) -> None:
        """Writes on first use: builds or reloads the store from the seeds and
        curated file when they changed, then loads the claim index.

        `listen` subscribes to other processes' changes (PostgreSQL; a no-op on
        SQLite) so they arrive within a second without a question asked. A
        one-shot command does without: every answer re-reads the content
        version first anyway. The subscription is set up while the index loads.
        """
        async with self._refresh_lock:  # a change heard meanwhile is applied after the load
            listening = asyncio.ensure_future(self._store.db.listen(self.on_version_change)) if listen else None
            try:
                if build:
                    await ensure_built(self._store, self.seeds_path, self.curated_path, self.clock())
                await self._load_all()
            finally:
                if listening is not None:
                    await listening

    def on_version_change(self, version: int | None) -> None:
        """Hook for the store's change notifications: schedule a background refresh.

        `version` is the newly committed content version, or None when
        notifications may have been missed. Never blocks; at most one
        background refresh runs, and one more follows if news arrived meanwhile.
        """
        if version is not None and version <= self._version:
            return  # our own change, already applied
        self._refresh_wanted = True
        if self._background is None or self._background.done():
            self._background = asyncio.get_running_loop().create_task(self._refresh_while_wanted())

    async def _refresh_while_wanted(self) -> None:
        while self._refresh_wanted:
            self._refresh_wanted = False
            try:
                await self.refresh()
            except Exception:
                # The next answer compares the version again, so nothing is lost.
                log.exception("background refresh failed")

    async def stop(self) -> None:
        """Cancel a background refresh and finish a snapshot being written (before the store closes)."""
        if self._background is not None:
            self._background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._background
            self._background = None
        await self.snapshot_saved()
        self._saving = None

    async def _load_all(self) -> None:
        """Load the index from its snapshot (brought up to date when older), or build
        it from every claim; save a snapshot when built or far behind (in a thread)."""
        location = self._store.location
        key = snapshot.SnapshotKey(location, int(await self._store.claims.get_meta("curated_version") or 0))
        path = snapshot.snapshot_path(location) if location and location != ":memory:" else None
        now = await self._store.claims.content_version()
        loaded = snapshot.load(path, key) if path else None
        if loaded is not None and loaded[0] <= now:
            version, index, extra = loaded
            self._use_index(index, version, dict(extra.get("taught") or {}))  # type: ignore[call-overload]
            self._changed_since_save = 0
            await self._apply_changes()
            if self._matcher is not None and self._matcher.index.size != await self._store.claims.count():
                log.warning("the index snapshot does not match the database; rebuilding it")
                loaded = None
        else:
            loaded = None
        if loaded is None:
            await self._build_index()
        self._sources = {s.id: s for s in await self._store.claims.list_sources()}
        if path is not None:
            self._snapshot = (path, key)
            # A few changes since the snapshot are replayed at each start (one query and
            # the changed claims); only a start that built the index or replayed many saves.
            if loaded is None or self._changed_since_save > COMPACT_AT:
                self._save_snapshot_soon()

    async def _build_index(self) -> None:
        # The version first: a claim changed while the pages are read is applied again after.
        version = await self._store.claims.content_version()
        builder = IndexBuilder()
        taught: dict[str, str] = {}
        async for page in self._store.claims.state_pages(BUILD_PAGE):
            builder.add(page)
            taught.update(taught_keys(page))
        self._use_index(builder.done(), version, taught)
        await self._apply_changes()

    def _use_index(self, index: ClaimIndex, version: int, taught: dict[str, str]) -> None:
        self._version = version
        self._matcher = Matcher(index)
        codes = np.frombuffer(index.statuses, dtype=np.int8)
        self._retracted = {index.claim_ids[n] for n in np.flatnonzero(codes == RETRACTED).tolist()}
        self._retracted.discard("")
        self._cache.clear()
        self._fallback = None
        self._taught = taught

    def _save_snapshot_soon(self) -> None:
        """Write the snapshot in a worker thread, from a private copy of the index, so
        answering goes on meanwhile. One save at a time: a later one catches up."""
        if self._snapshot is None or self._matcher is None:
            return
        if self._saving is not None and not self._saving.done():
            return
        path, key = self._snapshot
        frozen = self._matcher.index.compacted()
        extra: dict[str, object] = {"taught": dict(self._taught)}
        version = self._version
        self._changed_since_save = 0
        self._saving = asyncio.get_running_loop().create_task(
            asyncio.to_thread(_write_snapshot, path, key, version, frozen, extra)
        )

    async def snapshot_saved(self) -> None:
        """Wait until a snapshot being written is on disk (nothing to wait for otherwise)."""
        if self._saving is not None:
            await self._saving

    async def _states_of(self, claim_ids: Iterable[str]) -> dict[str, ClaimState]:
        """Read-only: the current states of these claims (those that exist), cached."""
        wanted = [c for c in dict.fromkeys(claim_ids) if c in self._docs]
        missing = [c for c in wanted if c not in self._cache]
        if missing:
            for state in await self._store.claims.load_states(missing):
                self._cache[state.id] = state
        out = {}
        for c in wanted:
            if c in self._cache:
                self._cache.move_to_end(c)
                out[c] = self._cache[c]
        while len(self._cache) > CLAIM_CACHE:
            self._cache.popitem(last=False)
        return out

    def _text(self, claim_id: str) -> str:
        assert self._matcher is not None
        return self._matcher.index.texts[self._docs[claim_id]]

    @property
    def content_version(self) -> int:
        """The content version this process's answers currently reflect."""
        return self._version

    async def refresh(self) -> None:
        """Bring the index up to the store's content version. One read when nothing changed."""
        async with self._refresh_lock:
            await self._refresh()

    async def _refresh(self) -> None:
        if self._matcher is None:
            await self._load_all()
            return
        if await self._apply_changes():
            self._sources = {s.id: s for s in await self._store.claims.list_sources()}

    async def _apply_changes(self) -> bool:
        """Bring the index from `self._version` to the store's; False when nothing changed."""
        assert self._matcher is not None
        if await self._store.claims.content_version() == self._version:
            return False
        changes = await self._store.claims.changes_since(self._version)
        index = self._matcher.index
        touched = {*changes.removed, *changes.changed}
        self._taught = {k: c for k, c in self._taught.items() if c not in touched}
        for claim_id in changes.removed:
            self._cache.pop(claim_id, None)
            self._retracted.discard(claim_id)
            index.remove(claim_id)
        for state in await self._store.claims.load_states(changes.changed):
            index.upsert(state)
            self._cache.pop(state.id, None)
            if state.status == "retracted":
                self._retracted.add(state.id)
            else:
                self._retracted.discard(state.id)
                self._taught.update(taught_keys([state]))
        self._fallback = None
        self._version = changes.version
        self._changed_since_save += len(touched)
        if index.overlay_size > COMPACT_AT:
            # The overlay is scored in Python; past a few hundred changed claims, fold it in.
            # Doc numbers stay, so the retracted set still holds.
            self._matcher.index = index.compacted()
            self._save_snapshot_soon()
        return True

    @property
    def seeds(self) -> dict[str, Seed]:
        if self._seeds is None:
            self._seeds = load_seeds(self.seeds_path)
        return self._seeds

    # ---- questions -----------------------------------------------------------

    async def ask(self, question: str, place: Place = CLI, log_question: bool = True) -> AnswerReply | NoAnswerReply:
        """Answer `question` with up to three claims, or suggestions.

        Writes one question-log row (question text, time, where it was asked,
        whether it was answered; no user identity). Raises BadInput for an
        empty question; a very long one is cut at a word to MAX_QUESTION_CHARS.
        """
        message = clean_question(question)
        # Two questions in one message: the first is answered and the reply names the rest.
        text, *others = split_questions(message) or [message]
        await self.refresh()
        assert self._matcher is not None
        retracted = self._retracted
        result = self._matcher.find_matches(text, skip=retracted)
        taught = self._taught_claim(text)
        states = await self._states_of([*(m.claim_id for m in result.matches), *([taught] if taught else [])])
        views = [self.view(states[m.claim_id], m.score) for m in result.matches]
        verdict = result.verdict if views else None
        if taught and taught not in retracted and (not views or views[0].claim_id != taught):
            verdict = None  # the verdict was about the matcher's first claim, which no longer leads
            # A moderator linked this phrasing to a claim: it answers first, whatever the matcher thought.
            top = max((v.score for v in views), default=1.0)
            views = [self.view(states[taught], top), *(v for v in views if v.claim_id != taught)][:3]
        qid = None
        if log_question:
            shown = [v.claim_id for v in views]
            now = self.clock()
            qid = await self._store.activity.log_question(text, place, bool(views), shown, now)
            if not views:
                await self._store.queue.note("unanswered", phrasing_key(text), text, now, community=place.label)
        if views:
            return AnswerReply(
                question=message,
                claims=views,
                question_id=qid,
                content_version=self._version,
                verdict=verdict.sentence if verdict else None,
                agrees=verdict.agrees if verdict else None,
                other_questions=others,
            )
        suggestions = self._suggestions(result.near, retracted)
        return NoAnswerReply(
            question=message,
            suggestions=suggestions,
            question_id=qid,
            content_version=self._version,
            other_questions=others,
        )

    def _taught_claim(self, question: str) -> str | None:
        """The claim a moderator taught for this phrasing or a close variant of it."""
        key = phrasing_key(question)
        exact = self._taught.get(key)
        if exact or not self._taught:
            return exact
        assert self._matcher is not None
        known = self._matcher.index.has_term
        close = [cid for k, cid in self._taught.items() if is_close_variant(key, k, known)]
        # Two taught claims both close: the phrasing is ambiguous, so the matcher decides.
        return close[0] if len(set(close)) == 1 else None

    def _suggestions(self, near: list[Match], retracted: set[str]) -> list[str]:
        picked = [m.claim_id for m in near if m.coverage >= 0.3 and m.claim_id not in retracted]
        if not picked:
            if self._fallback is None:
                # The three most important claims; cached until a claim changes.
                assert self._matcher is not None
                importances = self._matcher.index.importances
                ranked = heapq.nsmallest(
                    3,
                    (cid for cid in self._docs if cid not in self._retracted),
                    key=lambda cid: (-importances[self._docs[cid]], cid),
                )
                self._fallback = ranked
            picked = self._fallback
        return [self._text(i) for i in picked[:3]]

    async def record_feedback(self, place: Place, user_id: str, question_id: int, claim_id: str, verdict: str) -> None:
        """Writes: a reader's helpful/wrong verdict on one claim of one answer (one vote each).

        Raises BadInput for an unknown verdict and NotFound for an answer that
        does not exist or did not show that claim.
        """
        if verdict not in ("helpful", "wrong"):
            raise BadInput(messages.BAD_VERDICT)
        now = self.clock()
        try:
            question = await self._store.activity.record_feedback(place, user_id, question_id, claim_id, verdict, now)
        except NotFound as exc:
            raise NotFound(messages.FEEDBACK_UNKNOWN) from exc
        if verdict == "wrong":
            key = f"{claim_id}|{phrasing_key(question)}"
            await self._store.queue.note("wrong", key, question, now, community=place.label, claim_ids=[claim_id])

    # ---- claims and sources --------------------------------------------------

    async def claim(self, claim_id: str) -> ClaimCardReply:
        """Read-only: one claim, whatever its status (retracted claims included)."""
        state = await self._store.claims.get_state(claim_id.strip())
        if state is None:
            raise self.unknown_claim(claim_id)
        return ClaimCardReply(self.view(state))

    async def all_claims(self) -> list[ClaimView]:
        await self.refresh()
        return [self.view(s) for s in await self._store.claims.load_states()]

    async def sources(self) -> list[Source]:
        await self.refresh()
        return list(self._sources.values())

    def importance(self, claim_id: str) -> int:
        doc = self._docs.get(claim_id)
        if doc is None or self._matcher is None:
            return 0
        return self._matcher.index.importances[doc]

    def find_claim_ids(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(id, current text) of claims whose id or text contains `prefix`, for pickers. Read-only."""
        needle = prefix.strip().lower()
        hits = []
        for cid in self._docs:
            text = self._text(cid)
            if not needle or needle in cid or needle in text.lower():
                hits.append((cid, text))
        hits.sort(key=lambda h: (not h[0].startswith(needle), h[0]))
        return hits[:limit]

    def did_you_mean(self, claim_id: str, limit: int = DID_YOU_MEAN) -> list[str]:
        """Up to `limit` existing claim ids closest to a mistyped one."""
        found = process.extract(claim_id.strip().lower(), list(self._docs), limit=limit, score_cutoff=50)
        return [choice for choice, _score, _key in found]

    def unknown_claim(self, claim_id: str) -> NotFound:
        """The error for an unknown id, naming up to three close ones."""
        return NotFound(messages.unknown_claim(claim_id.strip(), self.did_you_mean(claim_id)))

    def view(self, state: ClaimState, score: float = 0.0) -> ClaimView:
        claim = state.claim
        quotes = []
        for q in claim.quotes:
            src = self._sources.get(q.source_id) or Source(id=q.source_id)
            label = src.label or messages.source_label(src.opening)
            quotes.append(QuoteView(q.source_id, label, src.outlet, src.title, q.quote, q.start, q.end))
        conflicts = [(c, self._text(c)) for c in claim.conflicts if c in self._docs]
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

    # ---- moderation ------------------------------------------------------------

    def may_moderate(self, actor: Actor) -> bool:
        return self.policy.may_moderate(actor)

    async def _moderated(self, actor: Actor, claim_id: str) -> tuple[Moderator, str]:
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        await self.refresh()
        cid = claim_id.strip()
        if cid not in self._docs:
            raise self.unknown_claim(cid)
        return by, cid

    async def correct(
        self, actor: Actor, claim_id: str, text: str, reason: str, url: str | None = None
    ) -> HistoryEntry:
        """Writes: a corrected statement for `claim_id` (moderators only)."""
        statement = corrections.clean_text(text, "new statement", messages.MAX_STATEMENT_CHARS)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        link = corrections.clean_url(url)
        by, cid = await self._moderated(actor, claim_id)
        return await self._append(cid, "correct", by, text=statement, reason=why, url=link)

    async def retract(self, actor: Actor, claim_id: str, reason: str) -> HistoryEntry:
        """Writes: retract `claim_id` (moderators only); it stops appearing in answers."""
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        by, cid = await self._moderated(actor, claim_id)
        return await self._append(cid, "retract", by, reason=why, allowed_from=("active", "corrected"))

    async def restore(self, actor: Actor, claim_id: str, reason: str | None = None) -> HistoryEntry:
        """Writes: return a corrected or retracted claim to its article wording (moderators only)."""
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS, required=False)
        by, cid = await self._moderated(actor, claim_id)
        return await self._append(cid, "restore", by, reason=why, allowed_from=("corrected", "retracted"))

    async def _append(self, claim_id: str, action: corrections.Action, by: Moderator, **kw: object) -> HistoryEntry:
        try:
            entry, _version = await self._store.moderation.append_action(
                claim_id,
                action,
                by,
                self.clock(),
                **kw,  # type: ignore[arg-type]
            )
        except NotFound:
            raise self.unknown_claim(claim_id) from None
        await self.refresh()
        return entry

    async def add_claim(self, actor: Actor, *, item_id: int | None = None, **fields: object) -> ClaimState:
        """Writes: a new claim quoting a seed exactly, or an outside URL (moderators only).

        `fields` are those of `corrections.build_claim`; validation runs before any write.
        """
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        claim, reason = corrections.build_claim(self.seeds, **fields)  # type: ignore[arg-type]
        item = await self.queue_item(actor, item_id) if item_id is not None else None
        await self._store.moderation.add_claim(claim, by, self.clock(), reason)
        if item is not None:
            # "Answer with a new claim": the question that prompted it is answered by it from now on.
            await self._store.queue.teach(item.id, item.text, phrasing_key(item.text), claim.id, by, self.clock())
        await self.refresh()
        return (await self._states_of([claim.id]))[claim.id]

    async def history(self, actor: Actor, claim_id: str) -> HistoryReply:
        """Read-only: a claim's moderation history (moderators only)."""
        self.policy.require_moderator(actor)
        entries = await self._store.moderation.history(claim_id.strip())
        if entries is None:
            raise self.unknown_claim(claim_id)
        reach = await self._store.outbox.reach([e.id for e in entries if e.action in REACHING_ACTIONS])
        return HistoryReply(claim_id.strip(), entries, reach)

    async def changes_since(self, since: datetime, until: datetime) -> list[HistoryEntry]:
        """Read-only: every moderator change in [since, until] (public facts: shown everywhere)."""
        return [e for e in await self._store.moderation.history_since(since) if e.at <= until]

    # ---- suggestions from readers ------------------------------------------------

    async def suggest(self, actor: Actor, claim_id: str, text: str, reason: str) -> Suggestion:
        """Writes: a reader's proposed correction, stored for moderators; never shown as fact.

        Rate-limited per user (SUGGESTIONS_PER_HOUR).
        """
        statement = corrections.clean_text(text, "suggested statement", messages.MAX_STATEMENT_CHARS)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        assert statement is not None and why is not None
        by = corrections.clean_moderator(actor.who)
        await self.refresh()
        cid = claim_id.strip()
        if cid not in self._docs:
            raise self.unknown_claim(cid)
        now = self.clock()
        return await self._store.suggestions.add(
            cid, statement, why, by, now, per_window=SUGGESTIONS_PER_HOUR, since=now - timedelta(hours=1)
        )

    async def open_suggestions(self, actor: Actor) -> list[Suggestion]:
        """Read-only: suggestions waiting for a decision (moderators only)."""
        self.policy.require_moderator(actor)
        return await self._store.suggestions.list("open")

    # ---- the review queue ---------------------------------------------------------

    async def queue(self, actor: Actor, limit: int = 50) -> list[QueueItem]:
        """Read-only: open review items, oldest first (moderators only: they hold readers' words)."""
        self.policy.require_moderator(actor)
        return await self._with_candidates(await self._store.queue.items("open", limit))

    async def queue_item(self, actor: Actor, item_id: int) -> QueueItem:
        self.policy.require_moderator(actor)
        item = await self._store.queue.get(item_id)
        if item is None:
            raise NotFound(messages.unknown_item(item_id))
        return (await self._with_candidates([item]))[0]

    async def queue_size(self) -> tuple[int, list[QueueItem]]:
        """Read-only: how many items are open and the three oldest (for the moderators' digest)."""
        return await self._store.queue.count_open(), await self._store.queue.items("open", 3)

    async def teach(self, actor: Actor, item_id: int, claim_id: str) -> TaughtPhrasing:
        """Writes: link a queue item's question to a claim; from then on that phrasing and its
        close variants are answered with the claim, in every process (content version bump)."""
        by, cid = await self._moderated(actor, claim_id)
        item = await self.queue_item(actor, item_id)
        if item.kind not in ("unanswered", "wrong"):
            raise BadInput(messages.TEACH_NEEDS_QUESTION)
        taught, _entry, _version = await self._store.queue.teach(
            item.id, item.text, phrasing_key(item.text), cid, by, self.clock()
        )
        await self.refresh()
        return taught

    async def unteach(self, actor: Actor, item_id: int) -> TaughtPhrasing:
        """Writes: undo what was taught from a queue item; the question goes back to the queue."""
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        taught = await self._store.queue.taught_for_item(item_id)
        if taught is None:
            raise BadInput(messages.nothing_taught(item_id))
        undone, _version = await self._store.queue.unteach(taught.id, by, self.clock())
        await self.refresh()
        return undone

    async def dismiss(self, actor: Actor, item_id: int, reason: str) -> QueueItem:
        """Writes: close a queue item without changing any fact (off-topic, not in the articles, abuse)."""
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        item = await self.queue_item(actor, item_id)
        if item.kind == "suggestion" and item.suggestion_id is not None:
            await self._store.suggestions.decide(item.suggestion_id, accept=False, by=by, at=self.clock(), reason=why)
            return await self.queue_item(actor, item_id)
        return await self._store.queue.close(item_id, "dismissed", by, self.clock(), why)

    async def decide_suggestion(
        self, actor: Actor, item_id: int, *, accept: bool, reason: str | None = None
    ) -> tuple[Suggestion, HistoryEntry | None]:
        """Writes: accept (a correction by this moderator, crediting the suggester) or reject a suggestion."""
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS, required=not accept)
        item = await self.queue_item(actor, item_id)
        if item.kind != "suggestion" or item.suggestion_id is None:
            raise BadInput(messages.NOT_A_SUGGESTION.format(id=item_id))
        decided, entry, _version = await self._store.suggestions.decide(
            item.suggestion_id, accept=accept, by=by, at=self.clock(), reason=why
        )
        await self.refresh()
        return decided, entry

    async def decide(
        self, actor: Actor, item_id: int, *, accept: bool, reason: str | None = None, text: str | None = None
    ) -> Decision:
        """Writes: accept or reject a suggestion or an ingest candidate (moderators only).

        For a suggestion `reason` is the reason shown (required to reject). For a
        candidate `text` replaces the drafted claim text (edit-and-accept; on a
        supporting quote it makes the quote a new claim of its own); a reject
        records `reason`.
        """
        item = await self.queue_item(actor, item_id)
        if item.kind == "suggestion":
            if text and text.strip():
                raise BadInput(messages.TEXT_ONLY_FOR_CANDIDATES)
            decided, entry = await self.decide_suggestion(actor, item_id, accept=accept, reason=reason)
            credit = decided.by.name if accept else None
            return Decision(item_id, item.kind, accept, decided.claim_id, credit, entry.id if entry else None)
        if item.kind != "candidate":
            raise BadInput(messages.NOT_DECIDABLE.format(id=item_id))
        if accept:
            return await self._accept_candidate(actor, item_id, text)
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        assert why is not None
        await self._store.candidates.reject(item_id, by, self.clock(), why)
        return Decision(item_id, item.kind, False, item.claim_ids[0] if item.claim_ids else None)

    async def accept_from_chat(self, actor: Actor, item_id: int, words: str | None = None) -> Decision:
        """Writes: chat's "accept ITEM [words]". The words are the reason shown for a
        suggestion, or the claim text to use instead of the draft for an ingest candidate."""
        item = await self.queue_item(actor, item_id)
        if item.kind == "candidate":
            return await self.decide(actor, item_id, accept=True, text=words)
        return await self.decide(actor, item_id, accept=True, reason=words)

    async def suggestion(self, suggestion_id: int) -> Suggestion | None:
        return await self._store.suggestions.get(suggestion_id)

    # ---- ingesting articles -----------------------------------------------------------

    async def ingest(
        self,
        actor: Actor,
        raw: bytes,
        filename: str,
        *,
        outlet: str | None = None,
        headline: str | None = None,
        date: str | None = None,
        url: str | None = None,
    ) -> IngestResult:
        """Writes (moderators only): store an article as a new source, its raw text byte for
        byte, with only the metadata given (unknown otherwise), and queue one candidate per
        substantive sentence. Nothing answers questions until a moderator accepts one, so
        the content version does not move. Refuses bad input and a duplicate (same text)
        before anything is written."""
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        text = article_input.decode_article(raw)
        meta = article_input.clean_metadata(outlet, headline, date, url)
        source_id = article_input.source_id_for(filename)
        article = read_article(source_id, text)
        await self.refresh()
        claims = [s.claim for s in await self._store.claims.load_states() if s.status != "retracted"]
        proposals = propose(article, claims)
        if not proposals:
            raise BadInput(messages.ARTICLE_NO_SENTENCES)
        source = Source(
            id=source_id,
            outlet=meta["outlet"],
            title=meta["title"],
            date=meta["date"],
            url=meta["url"],
            opening=article.opening_words(),
        )
        sha = hashlib.sha256(raw).hexdigest()
        stored, items = await self._store.candidates.add_article(source, text, sha, proposals, by, self.clock())
        counts = {kind: sum(p.kind == kind for p in proposals) for kind in ("supports", "conflicts", "new")}
        return IngestResult(stored, items, counts)

    async def candidates(self, actor: Actor, limit: int = 200) -> list[QueueItem]:
        """Read-only: open ingest candidates, oldest first, each with its proposal (moderators only)."""
        items = await self.queue(actor, limit=10_000)
        return [i for i in items if i.kind == "candidate"][:limit]

    async def _with_candidates(self, items: list[QueueItem]) -> list[QueueItem]:
        found = await self._store.candidates.for_items([i.id for i in items if i.kind == "candidate"])
        return [i.model_copy(update={"candidate": found[i.id]}) if i.id in found else i for i in items]

    async def _accept_candidate(self, actor: Actor, item_id: int, text: str | None) -> Decision:
        by = corrections.clean_moderator(self.policy.require_moderator(actor))
        statement = corrections.clean_text(text, "claim text", messages.MAX_STATEMENT_CHARS, required=False)
        cand = await self._store.candidates.get(item_id)
        if cand is None:
            raise NotFound(messages.unknown_item(item_id))
        claim = None
        if cand.proposal != "supports" or statement is not None:
            wording = statement or cand.text
            linked = [cand.claim_id] if cand.proposal == "conflicts" and cand.claim_id else []
            claim = Claim(
                id=claim_slug(wording),
                text=wording,
                topic=cand.topic,
                entities=cand.entities,
                said_by=cand.said_by,
                importance=MODERATOR_IMPORTANCE,
                conflicts=linked,
                quotes=[cand.quote],
                origin="moderator",
            )
        accepted = await self._store.candidates.accept(item_id, claim, by, self.clock())
        await self.refresh()
        return Decision(item_id, "candidate", True, accepted.claim_id)

    async def export_claims(self, actor: Actor) -> tuple[str, list[tuple[str, str]]]:
        """Read-only (moderators only): the claims that hold something accepted from an
        ingested article, in the curated file's TOML format, and the (source id, text) of
        the ingested articles their quotes come from."""
        self.policy.require_moderator(actor)
        states = await self._store.claims.load_states(await self._store.candidates.exported_claim_ids())
        claims = [s.claim for s in states]
        used = {q.source_id for c in claims for q in c.quotes}
        articles = [
            (a.source_id, a.text) for a in await self._store.candidates.ingested_articles() if a.source_id in used
        ]
        return claims_toml(claims), articles

    # ---- at most once across processes --------------------------------------------

    async def first_time(self, key: str, ttl: timedelta = EVENT_TTL) -> bool:
        """Writes: True for the first caller to present `key` within `ttl`, in any process.

        Adapters use it for platform deliveries that may repeat (a Slack
        event id retried onto another worker): handle the event only when
        this returns True. Keys are shared by every process on the database.
        """
        return await self._store.events.claim_event_once(key, self.clock(), ttl)

    # ---- digests -------------------------------------------------------------------

    async def subscribe(
        self, actor: Actor, place: Place, post_time: str, timezone: str, audience: DigestAudience = "public"
    ) -> Subscription:
        """Writes: a daily digest in `place`'s channel at local `post_time`.

        A public digest needs the community's own moderator or a configured
        moderator; a moderators' digest (question text, unanswered questions,
        readers' reports) needs a configured moderator, and never a DM-less
        public channel is checked by the adapter that knows channel privacy.
        """
        if audience == "moderators":
            self.policy.require_moderator(actor)
        elif not self.policy.may_manage_channel_digest(actor):
            raise PermissionDenied(messages.NOT_DIGEST_MANAGER)
        sub = subscriptions.new_subscription(
            place, post_time, timezone, by=actor.who.name, audience=audience, now=self.clock()
        )
        await self._store.digests.upsert_subscription(sub)
        return sub

    async def unsubscribe(self, actor: Actor, place: Place) -> None:
        """Writes: remove the channel's digest; BadInput when there is none."""
        if not self.policy.may_manage_channel_digest(actor):
            raise PermissionDenied(messages.NOT_DIGEST_MANAGER)
        if not place.channel_id or not await self._store.digests.remove_subscription(place.platform, place.channel_id):
            raise BadInput(messages.NO_DIGEST_HERE)

    async def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        return await self._store.digests.subscriptions(platform)

    async def subscription(self, platform: str, channel_id: str) -> Subscription | None:
        subs = await self._store.digests.subscriptions(platform)
        return next((s for s in subs if s.channel_id == channel_id), None)

    async def question_stats(self, since: datetime, platform: str, community_id: str | None) -> QuestionStats:
        """Read-only: one community's public questions since `since`."""
        return await self._store.activity.question_stats(since, platform, community_id)

    async def wrong_reports(self, since: datetime, platform: str, community_id: str | None) -> list[tuple[str, int]]:
        """Read-only: (claim id, count) of one community's "wrong" verdicts since `since`."""
        rows = await self._store.activity.feedback_since(since, platform, community_id)
        return [(f.claim_id, f.count) for f in rows if f.verdict == "wrong"]

    async def claim_digest_run(
        self, platform: str, channel_id: str, local_date: str, worker: str, lease: timedelta
    ) -> DigestRun | None:
        """Writes: claim today's digest run for a channel, or None when another process has it."""
        now = self.clock()
        return await self._store.digests.claim_run(platform, channel_id, local_date, worker, now, now - lease)

    async def record_digest_attempt(
        self, run: DigestRun, *, ok: bool, final: bool, error: str | None, period_start: datetime
    ) -> bool:
        """Writes: one attempt's outcome; False when this process no longer owns the run."""
        return await self._store.digests.record_attempt(
            run, ok=ok, final=final, error=error, now=self.clock(), period_start=period_start
        )

    async def digest_runs(self, platform: str, channel_id: str) -> list[DigestRunRecord]:
        return await self._store.digests.runs(platform, channel_id)

    # ---- posted messages and their updates (the outbox) ---------------------------------

    async def remember_post(
        self,
        place: Place,
        reply: AnswerReply | ClaimCardReply | DigestReply,
        *,
        message_id: str | None,
        thread_id: str | None = None,
        edit_via: EditVia = "none",
        token: str | None = None,
        token_lifetime: timedelta | None = None,
        token_uses: int | None = None,
        after_expiry: AfterExpiry = "none",
        render: dict[str, Any] | None = None,
    ) -> int | None:
        """Writes: remember a message the adapter just posted, so later corrections reach it.

        `edit_via` and `token*` say how it can be edited and until when; `after_expiry`
        what is left once that lapses (a bot edit, a threaded note, nothing). Returns
        the row id, or None when the reply shows no claim or the place has no channel.
        """
        claim_ids = shown_claims(reply)
        if not claim_ids or not place.channel_id:
            return None
        now = self.clock()
        kind: PostedKind = (
            "answer" if isinstance(reply, AnswerReply) else "claim" if isinstance(reply, ClaimCardReply) else "digest"
        )
        posted = PostedMessage(
            platform=place.platform,
            community_id=place.community_id,
            channel_id=place.channel_id,
            message_id=message_id,
            thread_id=thread_id,
            kind=kind,
            claim_ids=claim_ids,
            question_id=reply.question_id if isinstance(reply, AnswerReply) else None,
            render=render or {},
            content_version=reply.content_version if isinstance(reply, AnswerReply) else self._version,
            edit_via=edit_via,
            edit_token=token,
            edit_until=now + token_lifetime if token_lifetime else None,
            edit_uses=token_uses,
            after_expiry=after_expiry,
            is_private=place.is_private,
            posted_at=now,
        )
        return await self._store.posted.record(posted)

    async def posted_message(self, posted_id: int) -> PostedMessage | None:
        """Read-only: one remembered message."""
        return await self._store.posted.get(posted_id)

    async def current_reply(self, posted: PostedMessage) -> AnswerReply | ClaimCardReply | None:
        """Read-only: the answer or claim card as it reads now, rebuilt from the current claim
        states (retracted claims included, so they show struck out); None for a digest."""
        await self.refresh()
        states = await self._states_of(posted.claim_ids)
        views = [self.view(states[c]) for c in posted.claim_ids if c in states]
        if not views or posted.kind == "digest":
            return None
        if posted.kind == "claim":
            return ClaimCardReply(views[0])
        question = str(posted.render.get("question") or "")
        if posted.question_id is not None:
            question = await self._store.posted.question_text(posted.question_id) or question
        return AnswerReply(
            question=question, claims=views, question_id=posted.question_id, content_version=self._version
        )

    async def change_note(self, item: OutboxItem) -> str:
        """Read-only: the one short note posted under a message that can no longer be edited."""
        entries = await self._store.moderation.history(item.claim_id) or []
        entry = next((e for e in entries if e.id == item.change_id), None)
        state = (await self._states_of([item.claim_id])).get(item.claim_id)
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

    async def reach(self, change_id: int) -> Reach:
        """Read-only: how many posted messages one change reaches, and how their updates ended."""
        return (await self._store.outbox.reach([change_id]))[change_id]

    async def claim_outbox(self, platform: str, worker: str, lease: timedelta, limit: int) -> list[OutboxItem]:
        """Writes: take due updates of `platform` for `worker` (at most one per channel)."""
        now = self.clock()
        return await self._store.outbox.claim(platform, worker, now, now - lease, limit)

    async def finish_outbox(
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

    async def retry_outbox(self, item: OutboxItem, after: float, error: str, *, used_token: bool = False) -> bool:
        """Writes: hand an update back to be tried again in `after` seconds (its channel waits too)."""
        return await self._store.outbox.retry_later(
            item, self.clock() + timedelta(seconds=after), error, used_token=used_token
        )

    async def outbox_next_due(self, platform: str) -> datetime | None:
        return await self._store.outbox.next_due(platform)

    async def prune_posted(self) -> int:
        """Writes: forget posted messages older than the retention setting (their updates delivered)."""
        return await self._store.posted.prune(self.clock() - self.posted_retention)

    # ---- status ----------------------------------------------------------------------

    async def status(self) -> dict[str, Any]:
        """Read-only: what `talksbot status` shows. No secret is ever part of it."""
        await self.refresh()
        counts = {"active": 0, "corrected": 0, "retracted": 0}
        assert self._matcher is not None
        statuses = self._matcher.index.statuses
        for doc in self._docs.values():
            counts[STATUSES[statuses[doc]]] += 1
        return {
            "database": self.location,
            "schema_version": await self._store.db.schema_version(),
            "content_version": self._version,
            "curated_version": int(await self._store.claims.get_meta("curated_version") or 0),
            "claims": len(self._docs),
            "claims_by_status": counts,
            "sources": len(self._sources),
            "open_suggestions": await self._store.suggestions.count_open(),
            "moderation": self.policy.describe(),
            "digests": [r.model_dump() for r in await self._store.digests.last_runs()],
            "subscriptions": [s.model_dump(mode="json") for s in await self._store.digests.subscriptions()],
            "posted_messages": await self._store.posted.count(),
            "outbox": await self._store.outbox.counts(),
            "outbox_failures": [f.model_dump() for f in await self._store.outbox.failures()],
        }


REACHING_ACTIONS = ("correct", "retract", "restore")


def shown_claims(reply: AnswerReply | ClaimCardReply | DigestReply) -> list[str]:
    """The claim ids a reply shows, in order, once each."""
    if isinstance(reply, AnswerReply):
        ids = [v.claim_id for v in reply.claims]
    elif isinstance(reply, ClaimCardReply):
        ids = [reply.claim.claim_id]
    else:
        ids = [i.claim_id for s in reply.sections for i in s.items if i.claim_id]
    return list(dict.fromkeys(ids))


def _write_snapshot(
    path: Path, key: snapshot.SnapshotKey, version: int, index: ClaimIndex, extra: dict[str, object]
) -> None:
    try:
        snapshot.save(path, key, version, index, extra)
    except Exception:
        # A cache: only the next start gets slower (it builds the index again); the
        # process answering now, and its shutdown, must not fail with it.
        log.warning("could not save the index snapshot %s", path, exc_info=True)


def taught_keys(states: Iterable[ClaimState]) -> dict[str, str]:
    """Phrasing key → claim id for every taught phrasing of a claim that can answer."""
    return {phrasing_key(p): s.id for s in states if s.status != "retracted" for p in s.taught}


def clean_question(question: str) -> str:
    """Collapse whitespace; refuse an empty question; cut an over-long one at a word."""
    text = " ".join((question or "").split())
    if not text:
        raise BadInput(messages.EMPTY_QUESTION)
    return shorten(text, messages.MAX_QUESTION_CHARS, ellipsis="")

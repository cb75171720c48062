"""The claim index a process answers from, kept at the store's content version.

Before answering, the service compares the store's content version (one cheap
read) and applies whatever changed since: new wording, new claims, retracted
or removed claims. On PostgreSQL it is also told of every bump as it commits
(LISTEN/NOTIFY) and refreshes in the background, so the compare before
answering usually finds nothing to do; it still always runs, because a
notification can be lost. Callers see claims by id (text, importance, status,
state); the index's arrays stay inside this module.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import heapq
import logging
from collections import OrderedDict
from collections.abc import Container, Iterable
from pathlib import Path

import numpy as np
from rapidfuzz import process

from bot.corrections import MAX_CLAIM_ID
from knowledge.answering import snapshot
from knowledge.answering.index import COMPACT_AT, STATUSES, ClaimIndex, IndexBuilder
from knowledge.answering.matcher import Matcher, MatchResult
from knowledge.answering.phrasing import is_close_variant, phrasing_key
from knowledge.models import ClaimState, Source
from knowledge.store import Store

log = logging.getLogger(__name__)

# Claims kept in memory once loaded (answers show at most three, plus conflicts).
CLAIM_CACHE = 512
# Claims read at a time while the index is built: memory stays flat at any store size.
BUILD_PAGE = 5_000
# A picker's typed text is matched as words past this many characters; shorter text
# only as an id prefix (a two-letter substring search would touch every claim).
PICKER_WORDS_FROM = 3
# What a picker or did-you-mean reads of typed text: no id is longer (bot.corrections), and
# words past the first hundred characters add nothing a person typing can want.
MAX_TYPED = 100
# Up to this many claims, did-you-mean scores every id (a few ms); above, indexed candidates.
FULL_SCAN_IDS = 2_000
# Candidates taken on each side of a mistyped id in sorted order, and by its words.
NEIGHBOUR_IDS = 25
RETRACTED = STATUSES.index("retracted")
ACTIVE = STATUSES.index("active")


class LiveIndex:
    """The index, the claims it shows, and its sync with the store's content version."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: OrderedDict[str, ClaimState] = OrderedDict()
        self.sources: dict[str, Source] = {}
        self._matcher: Matcher | None = None
        self._version = -1
        self._retracted: set[str] = set()
        self._fallback: list[str] | None = None
        self._sorted_ids: list[str] | None = None
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

    # ---- lifecycle -----------------------------------------------------------------

    async def load(self, listen: bool) -> None:
        """Load the index; with `listen`, subscribe to other processes' changes while it loads."""
        async with self._refresh_lock:  # a change heard meanwhile is applied after the load
            listening = asyncio.ensure_future(self._store.db.listen(self.on_version_change)) if listen else None
            try:
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

    async def snapshot_saved(self) -> None:
        """Wait until a snapshot being written is on disk (nothing to wait for otherwise)."""
        if self._saving is not None:
            await self._saving

    # ---- staying current -------------------------------------------------------------

    @property
    def version(self) -> int:
        """The content version this process's answers currently reflect."""
        return self._version

    async def refresh(self) -> None:
        """Bring the index up to the store's content version. One read when nothing changed."""
        async with self._refresh_lock:
            if self._matcher is None:
                await self._load_all()
            elif await self._apply_changes():
                await self._load_sources()

    async def _load_sources(self) -> None:
        self.sources = {s.id: s for s in await self._store.claims.list_sources()}

    async def _load_all(self) -> None:
        """Load the index from its snapshot (brought up to date when older), or build
        it from every claim; save a snapshot when built or far behind (in a thread)."""
        location = self._store.location
        key = snapshot.SnapshotKey(
            location,
            int(await self._store.claims.get_meta("curated_version") or 0),
            await self._store.claims.get_meta("store_id") or "",
        )
        path = snapshot.snapshot_path(location) if location and location != ":memory:" else None
        now = await self._store.claims.content_version()
        loaded = snapshot.load(path, key) if path else None
        if loaded is not None and loaded[0] <= now:
            version, index, _extra = loaded
            self._use_index(index, version, {})
            self._changed_since_save = 0
            await self._apply_changes()
            # Taught phrasings steer answers: they come from the database, never the cache.
            self._taught = await self._taught_in_store()
            if not await self._agrees_with_store():
                log.warning("the index snapshot does not match the database; rebuilding it")
                loaded = None
        else:
            loaded = None
        if loaded is None:
            await self._build_index()
        await self._load_sources()
        if path is not None:
            self._snapshot = (path, key)
            # A few changes since the snapshot are replayed at each start (one query and
            # the changed claims); only a start that built the index or replayed many saves.
            if loaded is None or self._changed_since_save > COMPACT_AT:
                self._save_snapshot_soon()

    async def _taught_in_store(self) -> dict[str, str]:
        """Phrasing key → claim id for every phrasing in force whose claim can answer."""
        docs = self._docs
        return {
            phrasing_key(t.phrasing): t.claim_id
            for t in await self._store.queue.taught()
            if t.claim_id in docs and t.claim_id not in self._retracted
        }

    async def _agrees_with_store(self) -> bool:
        """Whether a loaded (and brought up to date) snapshot holds what the database does
        where it matters most: as many claims, and each claim's status (a status the database
        does not give would hide a claim or show a retracted one). Only claims with a history
        can be other than active, so this reads those few, never every claim."""
        index = self._index
        if index.size != await self._store.claims.count():
            return False
        codes = np.frombuffer(index.statuses, dtype=np.int8)
        moderated = await self._store.claims.moderated_ids()
        flagged = {index.claim_ids[n] for n in np.flatnonzero(codes != ACTIVE).tolist()}
        flagged.discard("")
        if not flagged <= moderated:
            return False
        docs = self._docs
        states = await self._store.claims.load_states(sorted(moderated & docs.keys()))
        return all(int(codes[docs[s.id]]) == STATUSES.index(s.status) for s in states)

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
        self._sorted_ids = None
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
        # Taught phrasings are not saved: a start reads them from the database.
        extra: dict[str, object] = {}
        version = self._version
        self._changed_since_save = 0
        self._saving = asyncio.get_running_loop().create_task(
            asyncio.to_thread(_write_snapshot, path, key, version, frozen, extra)
        )

    async def _apply_changes(self) -> bool:
        """Bring the index from `self._version` to the store's; False when nothing changed."""
        index = self._index
        if await self._store.claims.content_version() == self._version:
            return False
        changes = await self._store.claims.changes_since(self._version)
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
        self._sorted_ids = None
        self._version = changes.version
        self._changed_since_save += len(touched)
        if index.overlay_size > COMPACT_AT:
            # The overlay is scored in Python; past a few hundred changed claims, fold it in.
            # Doc numbers stay, so the retracted set still holds.
            assert self._matcher is not None
            self._matcher.index = index.compacted()
            self._save_snapshot_soon()
        return True

    # ---- claims by id ------------------------------------------------------------------

    @property
    def _index(self) -> ClaimIndex:
        assert self._matcher is not None, "the index is used before it was loaded"
        return self._matcher.index

    @property
    def _docs(self) -> dict[str, int]:
        return {} if self._matcher is None else self._matcher.index.doc_numbers()

    def has(self, claim_id: str) -> bool:
        """Whether the store holds this claim (whatever its status)."""
        return claim_id in self._docs

    def is_retracted(self, claim_id: str) -> bool:
        return claim_id in self._retracted

    @property
    def retracted(self) -> Container[str]:
        """Claims that must not answer questions."""
        return self._retracted

    def text_of(self, claim_id: str) -> str:
        """The claim's current text (its correction when corrected)."""
        return self._index.texts[self._docs[claim_id]]

    def importance(self, claim_id: str) -> int:
        """1–5 as curated; 0 for an unknown claim."""
        doc = self._docs.get(claim_id)
        return 0 if doc is None else self._index.importances[doc]

    @property
    def size(self) -> int:
        return len(self._docs)

    def counts_by_status(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        codes = np.frombuffer(self._index.statuses, dtype=np.int8)
        docs = np.fromiter(self._docs.values(), dtype=np.int64, count=len(self._docs))
        for code, n in zip(*np.unique(codes[docs], return_counts=True), strict=True):
            counts[STATUSES[int(code)]] = int(n)
        return counts

    def most_important(self) -> list[str]:
        """Every claim that can answer at the highest importance any of them has, by id
        (numpy over the index's importances: no claim is loaded)."""
        index = self._index
        importances = np.frombuffer(index.importances, dtype=np.int8)
        live = np.frombuffer(index.statuses, dtype=np.int8) != RETRACTED
        live[[d for d in range(len(index.claim_ids)) if not index.claim_ids[d]]] = False
        if not live.any():
            return []
        best = importances[live].max()
        return sorted(index.claim_ids[d] for d in np.flatnonzero(live & (importances == best)).tolist())

    def fallback_suggestions(self) -> list[str]:
        """The three most important claims that can answer; cached until a claim changes."""
        if self._fallback is None:
            importances = self._index.importances
            docs = self._docs
            self._fallback = heapq.nsmallest(
                3, (c for c in docs if c not in self._retracted), key=lambda c: (-importances[docs[c]], c)
            )
        return self._fallback

    async def states(self, claim_ids: Iterable[str]) -> dict[str, ClaimState]:
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

    # ---- finding claims -------------------------------------------------------------------

    def match(self, question: str, previous: str = "") -> MatchResult:
        """The matcher's answer to `question` (after `previous` in the same message), never
        from a retracted claim."""
        assert self._matcher is not None
        return self._matcher.find_matches(question, skip=self._retracted, previous=previous)

    def taught_claim(self, question: str) -> str | None:
        """The claim a moderator taught for this phrasing or a close variant of it."""
        key = phrasing_key(question)
        exact = self._taught.get(key)
        if exact or not self._taught:
            return exact
        known = self._index.has_term
        close = [cid for k, cid in self._taught.items() if is_close_variant(key, k, known)]
        # Two taught claims both close: the phrasing is ambiguous, so the matcher decides.
        return close[0] if len(set(close)) == 1 else None

    def find(self, typed: str, limit: int) -> list[str]:
        """Claim ids for a picker: ids starting with `typed` (a binary search over the sorted
        ids), then claims whose text best matches its words. Bounded at any store size."""
        # Typed text is bounded here: Discord and Slack send up to thousands of characters.
        needle = typed.strip().lower()[:MAX_TYPED]
        ids = self._ids_sorted()
        start = bisect.bisect_left(ids, needle)
        hits: list[str] = []
        for cid in ids[start : start + limit]:
            if not cid.startswith(needle):
                break
            hits.append(cid)
        if len(hits) < limit and len(needle) >= PICKER_WORDS_FROM:
            for cid in self.resembling(needle, limit):
                if cid not in hits and len(hits) < limit:
                    hits.append(cid)
        return hits

    def resembling(self, text: str, limit: int) -> list[str]:
        """Up to `limit` claim ids whose words best match `text` (any status), best first."""
        return self._matcher.search(text, limit) if self._matcher else []

    def document_frequency(self, term: str) -> int:
        """How many claims hold this (stemmed) term."""
        return self._index.df(term)

    def nearest_ids(self, claim_id: str, limit: int) -> list[str]:
        """Up to `limit` existing ids closest to a mistyped one.

        Bounded at any store size and any input: the id is cut to the longest an id may
        be, and at more than FULL_SCAN_IDS claims only a few candidates are scored, found
        through indexes: the ids next to it in sorted order (a typo late in the id) and
        the claims whose words best match its words (a typo early on; ids are slugs of
        their claim's words). Scoring every id cost 40 ms at 120,000 claims, 3 s for a
        6,000-character id.
        """
        needle = claim_id.strip().lower()[:MAX_CLAIM_ID]
        if not needle:
            return []
        if len(self._docs) <= FULL_SCAN_IDS:
            candidates: Iterable[str] = self._docs.keys()
        else:
            ids = self._ids_sorted()
            at = bisect.bisect_left(ids, needle)
            nearby = ids[max(0, at - NEIGHBOUR_IDS) : at + NEIGHBOUR_IDS]
            candidates = list(dict.fromkeys([*nearby, *self.resembling(needle.replace("-", " "), NEIGHBOUR_IDS)]))
        found = process.extract(needle, candidates, limit=limit, score_cutoff=50)
        return [choice for choice, _score, _key in found]

    def _ids_sorted(self) -> list[str]:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self._docs)
        return self._sorted_ids


def taught_keys(states: Iterable[ClaimState]) -> dict[str, str]:
    """Phrasing key → claim id for every taught phrasing of a claim that can answer."""
    return {phrasing_key(p): s.id for s in states if s.status != "retracted" for p in s.taught}


def _write_snapshot(
    path: Path, key: snapshot.SnapshotKey, version: int, index: ClaimIndex, extra: dict[str, object]
) -> None:
    try:
        snapshot.save(path, key, version, index, extra)
    except Exception:
        # A cache: only the next start gets slower (it builds the index again); the
        # process answering now, and its shutdown, must not fail with it.
        log.warning("could not save the index snapshot %s", path, exc_info=True)

"""Pages: what the web surface shows beyond chat: a claim with its public history, an
article with every quoted span, and moderators' history across claims with filters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from bot.permissions import Actor
from bot.replies import ClaimView
from bot.service.core import ServiceCore
from knowledge.errors import NotFound
from knowledge.models import HistoryEntry, Source

# History with filters shows at most this many rows, newest first.
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class Span:
    """One quoted span of an article and the claim that quotes it."""

    start: int
    end: int
    claim_id: str


@dataclass(frozen=True)
class ClaimPage:
    """A claim as its public page shows it: the view every reply uses, and its history
    (who, from which community, when, why). Corrections are public; questions are not."""

    claim: ClaimView
    history: list[HistoryEntry]
    content_version: int


@dataclass(frozen=True)
class SourcePage:
    source: Source
    text: str
    spans: list[Span] = field(default_factory=list)


class Pages(ServiceCore):
    _spans_cache: tuple[int, dict[str, list[Span]]] | None = None
    # The group of page views waiting for the next shared refresh (see `current_version`).
    _next_refresh: asyncio.Future[None] | None = None
    _refreshing: asyncio.Lock | None = None

    async def current_version(self) -> int:
        """Read-only: bring the index to the store's content version and return it, one read
        shared by every page view that arrives while another read runs.

        Two hundred concurrent views would otherwise queue two hundred reads behind the
        index's lock. A caller joins the group of the next read; that read starts only
        after the group closes, so it still reflects every change committed before any of
        its callers arrived, as a refresh of its own would.
        """
        group = self._next_refresh
        if group is not None:
            await asyncio.shield(group)
            return self.content_version
        group = self._next_refresh = asyncio.get_running_loop().create_future()
        if self._refreshing is None:
            self._refreshing = asyncio.Lock()
        try:
            async with self._refreshing:
                self._next_refresh = None  # arrivals from now on need a read that starts later
                await self.refresh()
        except BaseException as exc:
            group.set_exception(exc)
            group.exception()  # a group with nobody else in it must not log "never retrieved"
            raise
        group.set_result(None)
        return self.content_version

    async def claim_page(self, claim_id: str) -> ClaimPage:
        """Read-only: one claim, whatever its status, with its moderation history."""
        await self.current_version()
        cid = claim_id.strip()
        state = await self._store.claims.get_state(cid)
        if state is None:
            raise self.unknown_claim(cid)
        history = await self._store.moderation.history(cid) or []
        return ClaimPage(self.view(state), history, self.content_version)

    async def source_page(self, source_id: str) -> SourcePage:
        """Read-only: an article's stored text (a seed, or an ingested article) and every span
        a claim quotes from it, in text order."""
        await self.current_version()
        sid = source_id.strip()
        source = self.live.sources.get(sid)
        if source is None:  # ingested since the index last loaded its sources (ingest moves no version)
            source = next((s for s in await self._store.claims.list_sources() if s.id == sid), None)
        text = await self.article_text(sid)
        if source is None or text is None:
            raise NotFound("There is no article with that id.")
        spans = (await self._spans()).get(sid, [])
        return SourcePage(source, text, spans)

    async def article_text(self, source_id: str) -> str | None:
        """Read-only: the raw text of a seed or ingested article; None when unknown."""
        seed = self.seeds.get(source_id)
        if seed is not None:
            return seed.article.text
        for article in await self._store.candidates.ingested_articles():
            if article.source_id == source_id:
                return article.text
        return None

    async def _spans(self) -> dict[str, list[Span]]:
        # Every claim's quotes, read once per content version (quotes change only with it);
        # a page view between changes reads nothing.
        version = self.content_version
        if self._spans_cache is None or self._spans_cache[0] != version:
            by_source: dict[str, list[Span]] = {}
            for state in await self._store.claims.load_states():
                for q in state.claim.quotes:
                    by_source.setdefault(q.source_id, []).append(Span(q.start, q.end, state.id))
            for spans in by_source.values():
                spans.sort(key=lambda s: (s.start, -s.end))
            self._spans_cache = (version, by_source)
        return self._spans_cache[1]

    async def history_search(
        self,
        actor: Actor,
        *,
        since: datetime,
        until: datetime | None = None,
        claim_id: str | None = None,
        moderator: str | None = None,
        community: str | None = None,
        limit: int = HISTORY_LIMIT,
    ) -> list[HistoryEntry]:
        """Read-only (moderators only): moderation history from `since`, newest first,
        filtered by claim id, moderator (name or user id) and community (id or name),
        case-insensitively; at most `limit` rows."""
        self.policy.require_moderator(actor)
        entries = await self._store.moderation.history_since(since)
        who = (moderator or "").strip().casefold()
        where = (community or "").strip().casefold()
        cid = (claim_id or "").strip()
        out = []
        for e in reversed(entries):
            if until is not None and e.at > until:
                continue
            if cid and e.claim_id != cid:
                continue
            if who and who not in (e.by.name.casefold(), e.by.user_id.casefold()):
                continue
            if where and where not in ((e.by.community_id or "").casefold(), (e.by.community_name or "").casefold()):
                continue
            out.append(e)
            if len(out) >= limit:
                break
        return out

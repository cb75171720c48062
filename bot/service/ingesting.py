"""Ingesting articles: an article in, one review candidate per substantive sentence out;
and the accepted claims exported back in the curated file's format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot import article_input, corrections, messages
from bot.permissions import Actor
from bot.service.core import ServiceCore
from bot.shorten import shorten
from knowledge import messages as knowledge_messages
from knowledge.articles.export import claims_toml, source_entry
from knowledge.articles.ingest import Proposal, Rarity, propose, substantive_quotes
from knowledge.articles.language_check import refuse_unless_english
from knowledge.articles.near_copies import NearCopy, find_near_copy
from knowledge.articles.reading import Article, read_article
from knowledge.articles.substance import PROPOSALS_PER_ARTICLE, ranked
from knowledge.errors import BadInput, NotFound
from knowledge.models import QueueItem, Source

# Existing claims compared with each sentence of an ingested article: the ones its words
# resemble most. Proposing never loads every claim, so ingest costs the same at any size.
RESEMBLING_PER_SENTENCE = 8


@dataclass(frozen=True)
class IngestResult:
    """What `ingest` stored: the source, its queue items, and how many of each proposal."""

    source: Source
    item_ids: list[int]
    counts: dict[str, int]
    # The stored source this article nearly repeats, and the share of its text found there.
    repeats: tuple[str, float] | None = None
    # Proposals not queued (beyond the limit): `talksbot propose SOURCE` queues them.
    held: int = 0


class Ingesting(ServiceCore):
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
        content_type: str | None = None,
        limit: int | None = PROPOSALS_PER_ARTICLE,
    ) -> IngestResult:
        """Writes (moderators only): store an article as a new source, its raw text byte for
        byte, with only the metadata given (unknown otherwise), and queue one candidate per
        substantive sentence: the best `limit` by substance (None: all), the rest held for
        `propose_more`. Nothing answers questions until a moderator accepts one, so
        the content version does not move. Refuses bad input and a duplicate (same text)
        before anything is written."""
        by = self._moderator(actor)
        # An HTML page is stored as its article's text: quotes count that text's characters.
        text, page = article_input.article_text(raw, filename, content_type)
        outlet, headline, date = article_input.page_metadata(page, outlet, headline, date)
        meta = article_input.clean_metadata(outlet, headline, date, url)
        source_id = article_input.source_id_for(filename)
        article = read_article(source_id, text)
        refuse_unless_english(article)
        near = await self._near_copy(None, text)
        everything = await self._proposals(article)
        if near is not None:
            # A near copy's sentences found in the source it repeats are that source's, not new evidence.
            everything = [p for p in everything if not near.repeats(p.quote.quote)]
            if not everything:
                raise BadInput(knowledge_messages.article_repeats(near.source_id, near.share))
        if not everything:
            raise BadInput(messages.ARTICLE_NO_SENTENCES)
        # The best `limit` by substance are queued; the rest wait for `talksbot propose SOURCE`.
        proposals = everything if limit is None else everything[: max(limit, 1)]
        source = Source(
            id=source_id,
            outlet=meta["outlet"],
            title=meta["title"],
            date=meta["date"],
            url=meta["url"],
            opening=article.opening_words(),
        )
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()  # a text file's bytes, or the page's text
        stored, items = await self._store.candidates.add_article(source, text, sha, proposals, by, self.clock())
        counts = {kind: sum(p.kind == kind for p in proposals) for kind in ("supports", "conflicts", "new")}
        repeats = (near.source_id, near.share) if near else None
        return IngestResult(stored, items, counts, repeats, held=len(everything) - len(proposals))

    async def _near_copy(self, source_id: str | None, text: str) -> NearCopy | None:
        """The stored source (a seed or another ingested article) this text nearly repeats, or None."""
        stored_texts = [(sid, s.article.text) for sid, s in self.seeds.items()]
        stored_texts += [(a.source_id, a.text) for a in await self._store.candidates.ingested_articles()]
        # The same text exactly is refused as a duplicate when it is stored (add_article).
        return find_near_copy(text, [(sid, t) for sid, t in stored_texts if t != text and sid != source_id])

    async def _proposals(self, article: Article) -> list[Proposal]:
        """Every proposal for `article` against the live claims, best first (`substance.ranked`)."""
        await self.refresh()
        live = self.live
        nearby = {cid for q in substantive_quotes(article) for cid in live.resembling(q.quote, RESEMBLING_PER_SENTENCE)}
        states = await self._store.claims.load_states(sorted(nearby))
        claims = [s.claim for s in states if s.status != "retracted"]
        rarity = Rarity(live.document_frequency, live.size)
        return ranked(propose(article, claims, rarity), rarity)

    async def propose_more(self, actor: Actor, source_id: str, limit: int | None = None) -> IngestResult:
        """Writes (moderators only): queue the proposals of a stored article that `ingest` held
        back (beyond its limit), the best `limit` of them or all; compared with the claims as
        they are now. Spans already proposed (decided or not) are never queued again."""
        self._moderator(actor)
        sid = source_id.strip()
        text = await self._store.candidates.stored_text(sid)
        if text is None:
            raise NotFound(messages.no_ingested_source(shorten(sid, article_input.MAX_SOURCE_ID)))
        done = await self._store.candidates.proposed_spans(sid)
        proposals = await self._proposals(read_article(sid, text))
        near = await self._near_copy(sid, text)
        waiting = [
            p
            for p in proposals
            if (p.quote.start, p.quote.end, p.claim_id) not in done
            and not (near is not None and near.repeats(p.quote.quote))
        ]
        chosen = waiting if limit is None else waiting[: max(limit, 1)]
        items = await self._store.candidates.add_candidates(sid, chosen, self.clock())
        counts = {kind: sum(p.kind == kind for p in chosen) for kind in ("supports", "conflicts", "new")}
        [source] = [s for s in await self._store.claims.list_sources() if s.id == sid]
        return IngestResult(source, items, counts, held=len(waiting) - len(chosen))

    async def reject_source(self, actor: Actor, source_id: str, reason: str) -> int:
        """Writes, in one transaction (moderators only): reject every open candidate of one
        ingested article, recording who and why; returns how many. No fact changes."""
        by = self._moderator(actor)
        why = corrections.clean_text(reason, "reason", messages.MAX_REASON_CHARS)
        assert why is not None
        sid = source_id.strip()
        if await self._store.candidates.stored_text(sid) is None:
            raise NotFound(messages.no_ingested_source(shorten(sid, article_input.MAX_SOURCE_ID)))
        return await self._store.candidates.reject_source(sid, by, self.clock(), why)

    async def candidate_total(self, actor: Actor) -> int:
        """Read-only (moderators only): how many ingest candidates are open in all."""
        self.policy.require_moderator(actor)
        return await self._store.candidates.open_count()

    async def candidates(self, actor: Actor, limit: int = 200) -> list[QueueItem]:
        """Read-only: open ingest candidates, oldest first, each with its proposal (moderators only)."""
        self.policy.require_moderator(actor)
        # Candidates only, by kind: a flood of other items never pushes them out of the list.
        return await self._with_candidates(await self._store.queue.items("open", limit, kind="candidate"))

    async def export_claims(self, actor: Actor) -> Export:
        """Read-only (moderators only): the claims that hold something accepted from an
        ingested article, in the curated file's TOML format; the (source id, text) of the
        ingested articles their quotes come from; and each such article's `[[sources]]`
        entry for `seeds/sources.toml` (its stored metadata, unknown where none was given)."""
        self.policy.require_moderator(actor)
        states = await self._store.claims.load_states(await self._store.candidates.exported_claim_ids())
        claims = [s.claim for s in states]
        used = {q.source_id for c in claims for q in c.quotes}
        ingested = [a for a in await self._store.candidates.ingested_articles() if a.source_id in used]
        stored = {s.id: s for s in await self._store.claims.list_sources()}
        entries = [
            (a.source_id, source_entry(stored[a.source_id], _added(a.added_by, a.added_at)))
            for a in ingested
            if a.source_id in stored
        ]
        return Export(claims_toml(claims), [(a.source_id, a.text) for a in ingested], entries)


@dataclass(frozen=True)
class Export:
    """What `talksbot export-claims` writes: claims.toml entries, articles, sources.toml entries."""

    toml: str
    articles: list[tuple[str, str]]
    sources: list[tuple[str, str]]


def _added(by: str | None, at: str | None) -> str | None:
    if not by and not at:
        return None
    return "Ingested with `talksbot ingest`" + (f" by {by}" if by else "") + (f" on {at[:10]}" if at else "") + "."

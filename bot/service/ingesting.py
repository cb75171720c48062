"""Ingesting articles: an article in, one review candidate per substantive sentence out;
and the accepted claims exported back in the curated file's format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot import article_input, messages
from bot.permissions import Actor
from bot.service.core import ServiceCore
from knowledge import messages as knowledge_messages
from knowledge.articles.export import claims_toml
from knowledge.articles.ingest import Rarity, propose, substantive_quotes
from knowledge.articles.language_check import refuse_unless_english
from knowledge.articles.near_copies import find_near_copy
from knowledge.articles.reading import read_article
from knowledge.errors import BadInput
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
    ) -> IngestResult:
        """Writes (moderators only): store an article as a new source, its raw text byte for
        byte, with only the metadata given (unknown otherwise), and queue one candidate per
        substantive sentence. Nothing answers questions until a moderator accepts one, so
        the content version does not move. Refuses bad input and a duplicate (same text)
        before anything is written."""
        by = self._moderator(actor)
        # An HTML page is stored as its article's text: quotes count that text's characters.
        text, page = article_input.article_text(raw, filename, content_type)
        outlet, headline = article_input.page_metadata(page, outlet, headline)
        meta = article_input.clean_metadata(outlet, headline, date, url)
        source_id = article_input.source_id_for(filename)
        article = read_article(source_id, text)
        refuse_unless_english(article)
        stored_texts = [(sid, s.article.text) for sid, s in self.seeds.items()]
        stored_texts += [(a.source_id, a.text) for a in await self._store.candidates.ingested_articles()]
        # The same text exactly is refused as a duplicate when it is stored (add_article).
        near = find_near_copy(text, [(sid, t) for sid, t in stored_texts if t != text])
        await self.refresh()
        live = self.live
        nearby = {cid for q in substantive_quotes(article) for cid in live.resembling(q.quote, RESEMBLING_PER_SENTENCE)}
        states = await self._store.claims.load_states(sorted(nearby))
        claims = [s.claim for s in states if s.status != "retracted"]
        proposals = propose(article, claims, Rarity(live.document_frequency, live.size))
        if near is not None:
            # A near copy's sentences found in the source it repeats are that source's, not new evidence.
            proposals = [p for p in proposals if not near.repeats(p.quote.quote)]
            if not proposals:
                raise BadInput(knowledge_messages.article_repeats(near.source_id, near.share))
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
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()  # a text file's bytes, or the page's text
        stored, items = await self._store.candidates.add_article(source, text, sha, proposals, by, self.clock())
        counts = {kind: sum(p.kind == kind for p in proposals) for kind in ("supports", "conflicts", "new")}
        repeats = (near.source_id, near.share) if near else None
        return IngestResult(stored, items, counts, repeats)

    async def candidates(self, actor: Actor, limit: int = 200) -> list[QueueItem]:
        """Read-only: open ingest candidates, oldest first, each with its proposal (moderators only)."""
        self.policy.require_moderator(actor)
        # Candidates only, by kind: a flood of other items never pushes them out of the list.
        return await self._with_candidates(await self._store.queue.items("open", limit, kind="candidate"))

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

"""Building a digest Reply for a period. Read-only: it never writes.

A digest shows, for the period since that channel's last one: moderator
corrections, retractions, restorations and new claims; how many questions its
own community asked; where the articles disagree; and a few key claims with
their quotes. A moderators' digest adds the questions' text, the unanswered
ones, answers readers marked wrong and suggestions waiting for review. With nothing new
it says so in one line instead of repeating the previous post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.permissions import Actor
from bot.replies import DigestItem, DigestReply, DigestSection
from bot.service.digest_desk import DigestDesk
from knowledge.models import DigestAudience, Place, Subscription
from knowledge.store.candidates import accepted_as

if TYPE_CHECKING:
    from bot.service import TalksService

KEY_CLAIMS = 3
CONFLICTS_SHOWN = 3
TOP_QUESTIONS = 5


@dataclass(frozen=True)
class DigestScope:
    """Whose digest: a community's public channel digest, or its moderators' digest."""

    platform: str
    community_id: str | None = None
    audience: DigestAudience = "public"

    @classmethod
    def of(cls, sub: Subscription) -> DigestScope:
        return cls(sub.platform, sub.community_id, sub.audience)


async def build_digest(desk: DigestDesk, *, since: datetime | None, now: datetime, scope: DigestScope) -> DigestReply:
    """The digest for [since, now]; `since` defaults to 24 hours before `now`. Read-only.

    Corrections are public facts and appear in every digest. Question counts
    come only from the scope's own community (never DMs, other communities or
    platforms); question text, unanswered questions, readers' "wrong" reports
    and waiting suggestions appear only in a moderators' digest.
    """
    start = since or now - timedelta(days=1)
    await desk.refresh()
    history = await desk.changes_since(start, now)
    stats = await desk.question_stats(start, scope.platform, scope.community_id)
    for_moderators = scope.audience == "moderators"

    sections: list[DigestSection] = []
    labels = {"correct": "Corrected", "retract": "Retracted", "restore": "Restored", "add": "New claim"}
    changes = []
    for e in history:
        detail = f"Reason: {e.reason} — {e.by.name}, {e.at:%Y-%m-%d %H:%M} UTC" if e.reason else f"— {e.by.name}"
        text = f"{labels[e.action]} {e.claim_id}" + (f": {e.text}" if e.text else "")
        accepted = accepted_as(e.reason) if e.action == "add" else None
        if accepted is not None and accepted[0] == "supports":
            # One more quote of an existing claim: its text is the quote, not the claim's.
            text = messages.digest_new_support(e.claim_id, e.text or "")
        elif accepted is not None and accepted[0] == "conflicts":
            text = messages.digest_new_conflict(e.claim_id, accepted[1], e.text or "")
        changes.append(DigestItem(text=text, claim_id=e.claim_id, detail=detail))
    if changes:
        sections.append(DigestSection("Moderator changes", changes))
    if stats.total:
        items = [DigestItem(text=messages.questions_summary(stats.total, stats.unanswered))]
        if for_moderators:
            items = [DigestItem(text=f"“{q}” — asked {n}×") for q, n in stats.top[:TOP_QUESTIONS]] + items
        sections.append(DigestSection("Questions asked here", items))
    if for_moderators:
        if stats.unanswered_top:
            sections.append(
                DigestSection(
                    "Not answered from the sources (for moderators)",
                    [DigestItem(text=f"“{q}” — asked {n}×") for q, n in stats.unanswered_top[:TOP_QUESTIONS]],
                )
            )
        wrong = await desk.wrong_reports(start, scope.platform, scope.community_id)
        if wrong:
            sections.append(
                DigestSection(
                    "Answers readers marked wrong (for moderators)",
                    [DigestItem(text=f"{cid}: marked wrong {n}×", claim_id=cid) for cid, n in wrong[:5]],
                )
            )
        size, oldest = await desk.queue_size()
        if size:
            # The queue holds readers' words from every community and from DMs: a channel's
            # digest says only how many wait; their text is for `/queue`, shown to one moderator.
            items = [DigestItem(text=messages.plural(size, "item") + " in the review queue.")]
            # The oldest by number, kind and age only: their words may come from other
            # communities, so the text stays in the moderators' own queue view.
            items += [
                DigestItem(text=f"#{i.id} {i.kind}, asked {i.asked}×", detail=f"waiting since {i.first_at:%Y-%m-%d}")
                for i in oldest
            ]
            sections.append(DigestSection("Review queue (for moderators)", items))
    has_news = bool(sections)
    if not has_news:
        return DigestReply(
            period_start=start,
            period_end=now,
            sections=[DigestSection("Nothing new", [DigestItem(text=messages.NOTHING_NEW)])],
            has_news=False,
        )
    pairs = [
        DigestItem(text=f"{a_text} / {b_text}", detail=f"{a} ↔ {b}")
        for a, a_text, b, b_text in await desk.disagreements()
    ]
    if pairs:
        # Rotate through the disagreements day by day rather than repeat the same ones.
        offset = now.toordinal() % len(pairs)
        sections.append(DigestSection(messages.SOURCES_DISAGREE, (pairs[offset:] + pairs[:offset])[:CONFLICTS_SHOWN]))
    # Rotate through the most important claims day by day; only the three shown are loaded.
    top_rank = desk.most_important()
    offset = now.toordinal() % len(top_rank) if top_rank else 0
    chosen = await desk.claim_views((top_rank[offset:] + top_rank[:offset])[:KEY_CLAIMS])
    sections.append(
        DigestSection("Key claims", [DigestItem(text=v.text, claim_id=v.claim_id, quotes=v.quotes[:2]) for v in chosen])
    )
    return DigestReply(period_start=start, period_end=now, sections=sections, has_news=True)


async def preview_digest(service: TalksService, actor: Actor, place: Place) -> DigestReply:
    """What the channel at `place` would be posted now, for one person's eyes. Read-only.

    A moderators' subscription shows readers' questions, so its preview does only
    when `actor` may moderate (question text is for moderators, even in their own
    channel); anyone else, and an unsubscribed channel, previews the public digest.
    """
    sub = await service.subscription(place.platform, place.channel_id or "")
    audience: DigestAudience = sub.audience if sub else "public"
    if audience == "moderators" and not service.may_moderate(actor):
        audience = "public"
    scope = DigestScope(place.platform, place.community_id, audience)
    return await build_digest(DigestDesk(service), since=None, now=service.clock(), scope=scope)


def digest_json(reply: DigestReply) -> dict[str, Any]:
    return {
        "title": reply.title,
        "period_start": reply.period_start.isoformat(),
        "period_end": reply.period_end.isoformat(),
        "has_news": reply.has_news,
        "sections": [
            {
                "title": s.title,
                "items": [
                    {
                        "text": i.text,
                        "claim_id": i.claim_id,
                        "detail": i.detail,
                        "quotes": [
                            {"source_id": q.source_id, "quote": q.quote, "source": q.source_label} for q in i.quotes
                        ],
                    }
                    for i in s.items
                ],
            }
            for s in reply.sections
        ],
    }

"""What a claim page tells machines: schema.org JSON-LD (a `Claim` whose `appearance`s are
the articles; a corrected or retracted claim also a `ClaimReview`) and Open Graph / Twitter
card tags, so a link pasted in Discord or Slack unfurls with the claim and its source."""

from __future__ import annotations

from typing import Any

from bot.service import ClaimPage
from bot.shorten import shorten
from knowledge.models import Source

# Rating words for a reviewed claim, on schema.org's 1–5 scale (5 = true as stated).
_RATINGS = {"corrected": (2, "Corrected by moderators"), "retracted": (1, "Retracted by moderators")}


def claim_url(base: str, claim_id: str) -> str:
    from urllib.parse import quote

    return f"{base}/claims/{quote(claim_id, safe='')}"


def claim_jsonld(page: ClaimPage, base: str, sources: dict[str, Source]) -> dict[str, Any]:
    view = page.claim
    url = claim_url(base, view.claim_id)
    appearances = []
    for q in view.quotes:
        src = sources.get(q.source_id) or Source(id=q.source_id)
        work: dict[str, Any] = {"@type": "NewsArticle", "@id": f"{base}/sources/{q.source_id}", "text": q.quote}
        if src.title:
            work["headline"] = src.title
        if src.outlet:
            work["publisher"] = {"@type": "Organization", "name": src.outlet}
        if src.date:
            work["datePublished"] = src.date
        if src.url:
            work["url"] = src.url
        appearances.append(work)
    claim: dict[str, Any] = {
        "@type": "Claim",
        "@id": f"{url}#claim",
        "url": url,
        "text": view.original_text,
        "appearance": appearances,
    }
    if view.said_by:
        claim["author"] = {"@type": "Person", "name": view.said_by}
    graph: list[dict[str, Any]] = [claim]
    if view.status in _RATINGS:
        value, word = _RATINGS[view.status]
        body = view.correction.text if view.correction and view.status == "corrected" else None
        reason = view.correction.reason if view.correction and body else view.retraction_reason
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "@id": f"{url}#review",
            "url": url,
            "claimReviewed": view.original_text,
            "itemReviewed": {"@id": f"{url}#claim"},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": value,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": word,
            },
            "reviewBody": " ".join(p for p in (body, reason) if p),
            "author": {"@type": "Organization", "name": "talksbot moderators"},
        }
        if view.correction and body:
            review["datePublished"] = view.correction.at.date().isoformat()
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}


def claim_meta(page: ClaimPage, base: str, sources: dict[str, Source]) -> list[tuple[str, str]]:
    """Open Graph and Twitter card tags: the claim as the title, its first quote and source as the description."""
    view = page.claim
    title = view.text if view.status != "retracted" else f"Retracted: {view.original_text}"
    description = ""
    if view.quotes:
        q = view.quotes[0]
        description = f"“{shorten(q.quote, 240)}” — {q.source_label}"
    return [
        ("og:type", "article"),
        ("og:site_name", "talksbot"),
        ("og:title", shorten(title, 200)),
        ("og:description", description),
        ("og:url", claim_url(base, view.claim_id)),
        ("twitter:card", "summary"),
        ("twitter:title", shorten(title, 200)),
        ("twitter:description", description),
    ]

"""Public pages (no sign-in): search, a claim, an article with its quoted spans."""

from __future__ import annotations

from aiohttp import web

from adapters.web import app as web_app
from adapters.web.schema import claim_jsonld, claim_meta
from bot.service import SourcePage
from bot.service.pages import Span
from knowledge.errors import BadInput

# Characters of article text shown on each side of a quote on its claim page.
CONTEXT_CHARS = 240


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", search)
    app.router.add_get("/claims/{claim_id}", claim)
    app.router.add_get("/sources", sources)
    app.router.add_get("/sources/{source_id}", source)


async def search(request: web.Request) -> web.Response:
    """The bots' own matcher. A page view is a GET, so it writes nothing: the question is
    not logged or queued (crawlers and link previews would fill the queue otherwise)."""
    ctx = request.app[web_app.WEB]
    question = request.query.get("q", "").strip()
    answer = None
    if question:
        try:
            answer = await ctx.service.ask(question, log_question=False)
        except BadInput:
            answer = None
    return ctx.page(request, "search.html", question=question, answer=answer)


async def claim(request: web.Request) -> web.Response:
    """A claim's page. What a reader who is not signed in sees depends only on the claim, the
    content version and the site's address, so it is rendered once per content version and
    served from memory until the next change (200 concurrent views, README's Benchmark)."""
    ctx = request.app[web_app.WEB]
    claim_id = request.match_info["claim_id"]
    session = ctx.session(request)
    version = await ctx.service.current_version()
    key = (claim_id, version, ctx.base_url(request))
    shared = session is None and not request.query_string
    if shared and (body := ctx.pages.get(key)) is not None:
        return web.Response(body=body, content_type="text/html", charset="utf-8")
    page = await ctx.service.claim_page(claim_id)
    sources = ctx.service.live.sources
    quotes = []
    for q in page.claim.quotes:
        text = await ctx.service.article_text(q.source_id) or ""
        src = sources.get(q.source_id)
        quotes.append(
            {
                "view": q,
                "before": text[max(0, q.start - CONTEXT_CHARS) : q.start],
                "after": text[q.end : q.end + CONTEXT_CHARS],
                "outlet": src.outlet if src else None,
                "title": src.title if src else None,
                "date": src.date if src else None,
                "url": src.url if src else None,
            }
        )
    base = ctx.base_url(request)
    response = ctx.page(
        request,
        "claim.html",
        claim=page.claim,
        history=page.history,
        quotes=quotes,
        jsonld=claim_jsonld(page, base, sources),
        meta=claim_meta(page, base, sources),
        content_version=page.content_version,
        session=session,
    )
    if shared and page.content_version == version and response.body is not None:
        ctx.pages.put(key, bytes(response.body))  # type: ignore[arg-type]
    return response


async def sources(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    return ctx.page(request, "sources.html", sources=await ctx.service.sources())


async def source(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    page = await ctx.service.source_page(request.match_info["source_id"])
    label = page.source.label or page.source.opening or page.source.id
    return ctx.page(request, "source.html", source=page.source, label=label, spans=page.spans, segments=segments(page))


def segments(page: SourcePage) -> list[tuple[str, Span | None]]:
    """The article cut into plain text and marked spans, in order. A span overlapping one
    already marked is not marked again (its claim page still highlights it)."""
    out: list[tuple[str, Span | None]] = []
    pos = 0
    for span in page.spans:
        if span.start < pos or span.end > len(page.text):
            continue
        if span.start > pos:
            out.append((page.text[pos : span.start], None))
        out.append((page.text[span.start : span.end], span))
        pos = span.end
    out.append((page.text[pos:], None))
    return out

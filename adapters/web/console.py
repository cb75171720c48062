"""The moderators' console: the review queue, bulk actions, claim changes, history, status
and ingest. Every handler reads the session again and every action goes through the
service, which checks the operator's policy itself and writes history as chat does.
Forms are POSTs carrying the session's CSRF token; a form without it is refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from urllib.parse import quote, urlencode

from aiohttp import web
from multidict import MultiDictProxy

from adapters.web import app as web_app
from adapters.web.sessions import Session
from bot.article_input import MAX_ARTICLE_BYTES
from bot.replies import QUEUE_KINDS
from bot.service.review import ACCEPT_AS, AcceptAs
from knowledge.articles import fetching
from knowledge.errors import BadInput

KIND_LABELS = {
    "unanswered": "Unanswered",
    "wrong": "Marked wrong",
    "suggestion": "Suggestions",
    "candidate": "Candidates",
}
PER_KIND = 50
# Read one byte past the article limit, so the service's own check refuses an oversized one.
FETCH_LIMIT = MAX_ARTICLE_BYTES
FETCH_SECONDS = 15.0
HISTORY_DAYS = 30
CONTEXT_CHARS = 200
FORM_EXPIRED = "This form has expired or did not come from this site; reload the page and try again."


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console", queue)
    app.router.add_get("/console/claims", find_claims)
    app.router.add_post("/console/items/{item_id}/{action}", item_action)
    app.router.add_post("/console/bulk", bulk)
    app.router.add_post("/console/reject-source", reject_source)
    app.router.add_post("/claims/{claim_id}/{action}", claim_action)
    app.router.add_get("/console/history", history)
    app.router.add_get("/console/status", status)
    app.router.add_get("/console/ingest", ingest_form)
    app.router.add_post("/console/ingest", ingest)


def _viewer(request: web.Request) -> Session:
    session = request.app[web_app.WEB].session(request)
    if session is None:
        raise web.HTTPSeeOther("/login")
    return session


async def _form(request: web.Request) -> tuple[Session, MultiDictProxy[str]]:
    """The signed-in moderator and their form, when it carries their CSRF token; 403 otherwise."""
    session = request.app[web_app.WEB].session(request)
    form = cast(MultiDictProxy[str], await request.post())
    if session is None or not session.is_form_token(_text(form, "csrf")):
        raise web.HTTPForbidden(text=FORM_EXPIRED)
    return session, form


def _text(form: MultiDictProxy[str], name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _done(path: str, notice: str) -> web.HTTPSeeOther:
    sep = "&" if "?" in path else "?"
    return web.HTTPSeeOther(f"{path}{sep}{urlencode({'done': notice})}")


async def queue(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    session = _viewer(request)
    listing = await ctx.service.queue_listing(session.actor, PER_KIND)
    kind = request.query.get("kind", "")
    if kind not in QUEUE_KINDS:
        kind = next((s.kind for s in listing.sections if s.total), QUEUE_KINDS[0])
    current = next(s for s in listing.sections if s.kind == kind)
    contexts: dict[int, tuple[str, str]] = {}
    for item in current.items:
        if item.candidate is not None:
            q = item.candidate.quote
            text = await ctx.service.article_text(q.source_id) or ""
            contexts[item.id] = (text[max(0, q.start - CONTEXT_CHARS) : q.start], text[q.end : q.end + CONTEXT_CHARS])
    return ctx.page(
        request,
        "queue.html",
        session=session,
        listing=listing,
        kind=kind,
        current=current,
        labels=KIND_LABELS,
        contexts=contexts,
    )


async def find_claims(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    _viewer(request)
    q = request.query.get("q", "")[:100]
    found = ctx.service.find_claim_ids(q) if q.strip() else []
    return ctx.page(request, "claims_found.html", q=q, found=found)


async def item_action(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    session, form = await _form(request)
    item_id = _item_id(request.match_info["item_id"])
    action = request.match_info["action"]
    actor = session.actor
    service = ctx.service
    item = await service.queue_item(actor, item_id)
    back = f"/console?kind={item.kind}"
    if action == "accept":
        decision = await service.decide(
            actor,
            item_id,
            accept=True,
            reason=_text(form, "reason"),
            text=_text(form, "text"),
            accept_as=_accept_as(form),
            claim=_text(form, "claim"),
        )
        raise _done(back, f"Accepted #{item_id}" + (f" as {decision.claim_id}." if decision.claim_id else "."))
    if action == "reject":
        await service.decide(actor, item_id, accept=False, reason=_text(form, "reason"))
        raise _done(back, f"Rejected #{item_id}.")
    if action == "teach":
        taught = await service.teach(actor, item_id, _text(form, "claim") or "")
        raise _done(back, f"Taught #{item_id} to {taught.claim_id}.")
    if action == "dismiss":
        await service.dismiss(actor, item_id, _text(form, "reason") or "")
        raise _done(back, f"Dismissed #{item_id}.")
    raise web.HTTPNotFound()


def _accept_as(form: MultiDictProxy[str]) -> AcceptAs | None:
    # An empty choice accepts the candidate as it was proposed.
    how = _text(form, "as")
    if how is None:
        return None
    for known in ACCEPT_AS:
        if how == known:
            return known
    raise BadInput(f"Accept as one of: {', '.join(ACCEPT_AS)}.")


async def reject_source(request: web.Request) -> web.Response:
    """Every open candidate of one ingested article rejected in one step, with one reason."""
    ctx = request.app[web_app.WEB]
    session, form = await _form(request)
    source_id = _text(form, "source") or ""
    rejected = await ctx.service.reject_source(session.actor, source_id, _text(form, "reason") or "")
    noun = "candidate" if rejected == 1 else "candidates"
    raise _done("/console?kind=candidate", f"Rejected {rejected} open {noun} from {source_id}.")


async def bulk(request: web.Request) -> web.Response:
    """One action on every checked item. Dismissals go through the service one by one (each
    with its own history), so a mixed selection is decided item by item; the notice says
    how many were done and names the first refusal."""
    ctx = request.app[web_app.WEB]
    session, form = await _form(request)
    action = _text(form, "action") or ""
    kind = _text(form, "kind") or ""
    reason = _text(form, "reason")
    ids = [_item_id(v) for v in form.getall("item", []) if isinstance(v, str)]
    if not ids:
        raise BadInput("Check at least one item first.")
    if action not in ("dismiss", "accept", "reject"):
        raise web.HTTPNotFound()
    done, refused = 0, []
    for item_id in ids:
        try:
            if action == "dismiss":
                await ctx.service.dismiss(session.actor, item_id, reason or "")
            else:
                await ctx.service.decide(session.actor, item_id, accept=action == "accept", reason=reason)
            done += 1
        except BadInput as exc:
            refused.append(f"#{item_id}: {exc}")
    notice = f"{action.capitalize()}: {done} of {len(ids)} done." + (f" {refused[0]}" if refused else "")
    raise _done(f"/console?kind={kind}" if kind in QUEUE_KINDS else "/console", notice)


async def claim_action(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    session, form = await _form(request)
    claim_id = request.match_info["claim_id"]
    action = request.match_info["action"]
    actor = session.actor
    if action == "correct":
        await ctx.service.correct(
            actor, claim_id, _text(form, "text") or "", _text(form, "reason") or "", _text(form, "url")
        )
    elif action == "retract":
        await ctx.service.retract(actor, claim_id, _text(form, "reason") or "")
    elif action == "restore":
        await ctx.service.restore(actor, claim_id, _text(form, "reason"))
    else:
        raise web.HTTPNotFound()
    raise _done(
        f"/claims/{quote(claim_id, safe='')}", f"{action.capitalize()}ed." if action != "retract" else "Retracted."
    )


async def history(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    session = _viewer(request)
    now = ctx.service.clock()
    q = request.query
    since = _date(q.get("since"), "From") or (now - timedelta(days=HISTORY_DAYS)).date()
    until = _date(q.get("until"), "To")
    entries = await ctx.service.history_search(
        session.actor,
        since=datetime.combine(since, time.min, UTC),
        until=datetime.combine(until, time.max, UTC) if until else None,
        claim_id=q.get("claim", "")[:200],
        moderator=q.get("moderator", "")[:100],
        community=q.get("community", "")[:100],
    )
    f = {k: q.get(k, "") for k in ("claim", "moderator", "community", "until")} | {"since": since.isoformat()}
    return ctx.page(request, "history.html", entries=entries, f=f)


def _date(value: str | None, label: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadInput(f"{label} must be a date such as 2025-02-12.") from None


async def status(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    _viewer(request)
    shown = {k: v for k, v in (await ctx.service.status()).items() if k not in ("outbox_failures",)}
    return ctx.page(request, "status.html", facts=shown)


async def ingest_form(request: web.Request) -> web.Response:
    return request.app[web_app.WEB].page(request, "ingest.html", session=_viewer(request))


async def ingest(request: web.Request) -> web.Response:
    """An article uploaded, pasted or fetched from a URL, handed to the service's own ingest."""
    ctx = request.app[web_app.WEB]
    session, form = await _form(request)
    upload = form.get("file")
    raw: bytes | None = None
    content_type: str | None = None
    filename = _text(form, "name") or ""
    if isinstance(upload, web.FileField) and upload.filename:
        raw = upload.file.read(FETCH_LIMIT + 1)
        filename = filename or upload.filename
    elif _text(form, "paste"):
        raw = (_text(form, "paste") or "").encode("utf-8")
        filename = filename or f"pasted-{hashlib.sha256(raw).hexdigest()[:12]}"
    elif _text(form, "fetch"):
        url = _text(form, "fetch") or ""
        fetched = await fetching.fetch_article(
            url, max_bytes=FETCH_LIMIT, seconds=FETCH_SECONDS, public_only=not ctx.fetch_private
        )
        raw, content_type = fetched.raw, fetched.content_type
        filename = filename or fetching.page_name(fetched.url)
    if raw is None:
        raise BadInput("Upload a file, paste the text or give a URL.")
    result = await ctx.service.ingest(
        session.actor,
        raw,
        filename,
        outlet=_text(form, "outlet"),
        headline=_text(form, "headline"),
        date=_text(form, "date"),
        url=_text(form, "url") or _text(form, "fetch"),
        content_type=content_type,
    )
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
    raise _done("/console?kind=candidate", f"Stored {result.source.id}: {len(result.item_ids)} candidates ({counts}).")


def _item_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise BadInput("That is not a queue item number.")
    return int(text)

"""The web application: one `Web` context (service, templates, signer, sign-in settings)
shared by the public pages, sign-in and the console; one error handler; security headers.

Stack: aiohttp's web server (already talksbot's HTTP client and the Slack adapter's
server, so no second event-loop framework) with Jinja2 templates and itsdangerous
signatures (both Pallets projects, escaped and timestamped by default).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from jinja2 import Environment

from adapters.web import auth, console, pages
from adapters.web.oauth import Endpoints
from adapters.web.sessions import SESSION_AGE, SESSION_COOKIE, Session, Signer
from adapters.web.templates import environment, render
from bot.service import TalksService
from knowledge.errors import BadInput, NotFound, PermissionDenied, TalksbotError

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Web:
    """Everything a request handler needs; built once by `build_app`."""

    service: TalksService
    signer: Signer
    public_url: str | None = None
    discord_client: tuple[str, str] | None = None
    slack_client: tuple[str, str] | None = None
    slack_bot_token: str | None = None
    # Whether moderators' "ingest from URL" may reach loopback and private networks: off by
    # default, so that a moderator cannot make the server read its own network.
    fetch_private: bool = False
    endpoints: Endpoints = field(default_factory=Endpoints)
    session_age: int = SESSION_AGE
    env: Environment = field(default_factory=environment)
    pages: PageCache = field(default_factory=lambda: PageCache())

    def base_url(self, request: web.Request) -> str:
        """Absolute links (JSON-LD, Open Graph, OAuth redirects): TALKSBOT_PUBLIC_URL, or the request's own origin."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return str(request.url.origin())

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))

    def session(self, request: web.Request) -> Session | None:
        """The signed-in moderator, when the cookie is genuine, unexpired, and the operator's
        scope still lets them in (checked on every request, not only at sign-in)."""
        session = self.signer.read_session(request.cookies.get(SESSION_COOKIE), self.session_age)
        if session is None or not self.service.may_moderate(session.actor):
            return None
        return session

    def page(self, request: web.Request, name: str, status: int = 200, **context: object) -> web.Response:
        context.setdefault("session", self.session(request))
        context.setdefault("content_version", self.service.content_version)
        context.setdefault("notice", request.query.get("done"))
        return render(self.env, name, context, status=status)


class PageCache:
    """Rendered public pages by (claim id, content version, site address), least recently
    used first out. A new content version makes every older key unreachable; they age out."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._pages: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()

    def get(self, key: tuple[str, int, str]) -> bytes | None:
        body = self._pages.get(key)
        if body is not None:
            self._pages.move_to_end(key)
        return body

    def put(self, key: tuple[str, int, str], body: bytes) -> None:
        self._pages[key] = body
        self._pages.move_to_end(key)
        while len(self._pages) > self._size:
            self._pages.popitem(last=False)


WEB: web.AppKey[Web] = web.AppKey("web", Web)
# Exceptions whose message is safe to show, and the status each one means.
_STATUS = {NotFound: 404, PermissionDenied: 403, BadInput: 400}


def build_app(ctx: Web) -> web.Application:
    app = web.Application(middlewares=[_errors, _headers], client_max_size=3 * 1024 * 1024)
    app[WEB] = ctx
    pages.add_routes(app)
    auth.add_routes(app)
    console.add_routes(app)
    return app


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One error handler: the core's exceptions become a page with their own sentence; anything
    else is logged with its traceback and the reader gets one calm sentence."""
    ctx = request.app[WEB]
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except TalksbotError as exc:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
        return ctx.page(request, "error.html", status=status, heading="That did not work", message=str(exc))
    except Exception:
        log.exception("web: unexpected error on %s", request.path)
        return ctx.page(request, "error.html", status=500, heading="Something went wrong", message=_UNEXPECTED)


_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'"
)
_UNEXPECTED = "Something went wrong on our side; it has been logged. Please try again."


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    # No script of ours runs in the page (JSON-LD is data), so none may run at all.
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response

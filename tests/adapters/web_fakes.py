"""Loopback fakes of Discord's OAuth2 and Slack's OpenID Connect endpoints, and the web
app served on 127.0.0.1 over a test's service: what a browser test signs in through.

The fakes' authorize pages consent at once (a user clicking "Authorize") and send the
browser back with a code that names whichever person the test chose to be signed in.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from aiohttp import web

from adapters.web.app import Web, build_app
from adapters.web.oauth import Endpoints
from adapters.web.sessions import Signer
from bot.service import TalksService

GUILD = "123456789012345678"
DISCORD_MOD = "223456789012345678"  # Manage Messages in GUILD
DISCORD_STRANGER = "323456789012345678"  # a member of GUILD without rights
SLACK_TEAM = "T0TEAM01"
SLACK_MOD = "U0MOD001"  # named in the operator's users
SLACK_STRANGER = "U0NOBODY"
CLIENT = ("111111111111111111", "client-secret")
SECRET = "test-web-secret"
MANAGE_MESSAGES = str(1 << 13)


@dataclass
class Person:
    user_id: str
    name: str
    guild_permissions: str = "0"


@dataclass
class Fakes:
    """Both platforms' fakes on one loopback server; `signs_in` is who consents next."""

    url: str = ""
    signs_in: str = DISCORD_MOD
    people: dict[str, Person] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(
            discord_authorize=f"{self.url}/discord/oauth2/authorize",
            discord_api=f"{self.url}/discord/api",
            slack_authorize=f"{self.url}/slack/openid/connect/authorize",
            slack_api=f"{self.url}/slack/api",
        )


def _fake_app(fakes: Fakes) -> web.Application:
    async def authorize(request: web.Request) -> web.Response:
        fakes.requests.append(f"authorize {request.query.get('scope')}")
        assert request.query["client_id"] == CLIENT[0]
        code = secrets.token_urlsafe(8)
        fakes.codes[code] = fakes.signs_in
        back = {"code": code, "state": request.query["state"]}
        raise web.HTTPFound(f"{request.query['redirect_uri']}?{urlencode(back)}")

    async def discord_token(request: web.Request) -> web.Response:
        form = await request.post()
        assert request.headers.get("Authorization", "").startswith("Basic ")
        user = fakes.codes.pop(str(form.get("code")), None)
        if user is None:
            return web.json_response({"error": "invalid_grant"}, status=400)
        token = secrets.token_urlsafe(8)
        fakes.tokens[token] = user
        return web.json_response({"access_token": token, "token_type": "Bearer"})

    def _bearer(request: web.Request) -> Person:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in fakes.tokens:
            raise web.HTTPUnauthorized()
        return fakes.people[fakes.tokens[token]]

    async def me(request: web.Request) -> web.Response:
        p = _bearer(request)
        return web.json_response({"id": p.user_id, "username": p.name, "global_name": p.name})

    async def guilds(request: web.Request) -> web.Response:
        p = _bearer(request)
        fakes.requests.append(f"guilds {p.user_id}")
        return web.json_response([{"id": GUILD, "name": "Newsroom", "permissions": p.guild_permissions}])

    async def member(request: web.Request) -> web.Response:
        p = _bearer(request)
        fakes.requests.append(f"member {request.match_info['guild']} {p.user_id}")
        return web.json_response({"user": {"id": p.user_id}, "roles": [], "joined_at": "2024-01-01T00:00:00+00:00"})

    async def slack_token(request: web.Request) -> web.Response:
        form = await request.post()
        assert form.get("client_secret") == CLIENT[1]
        user = fakes.codes.pop(str(form.get("code")), None)
        if user is None:
            return web.json_response({"ok": False, "error": "invalid_code"})
        token = secrets.token_urlsafe(8)
        fakes.tokens[token] = user
        return web.json_response({"ok": True, "access_token": token, "id_token": "unused"})

    async def userinfo(request: web.Request) -> web.Response:
        p = _bearer(request)
        return web.json_response(
            {
                "ok": True,
                "sub": p.user_id,
                "name": p.name,
                "https://slack.com/user_id": p.user_id,
                "https://slack.com/team_id": SLACK_TEAM,
                "https://slack.com/team_name": "Desk",
            }
        )

    app = web.Application()
    app.router.add_get("/discord/oauth2/authorize", authorize)
    app.router.add_post("/discord/api/oauth2/token", discord_token)
    app.router.add_get("/discord/api/users/@me", me)
    app.router.add_get("/discord/api/users/@me/guilds", guilds)
    app.router.add_get("/discord/api/users/@me/guilds/{guild}/member", member)
    app.router.add_get("/slack/openid/connect/authorize", authorize)
    app.router.add_post("/slack/api/openid.connect.token", slack_token)
    app.router.add_get("/slack/api/openid.connect.userInfo", userinfo)
    return app


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@dataclass
class Site:
    """The web app over a test's service, and the platform fakes it signs in through."""

    url: str
    service: TalksService
    fakes: Fakes
    ctx: Web


@pytest.fixture
async def site(service: TalksService) -> AsyncIterator[Site]:
    fakes = Fakes(
        people={
            DISCORD_MOD: Person(DISCORD_MOD, "Dana", MANAGE_MESSAGES),
            DISCORD_STRANGER: Person(DISCORD_STRANGER, "Drew"),
            SLACK_MOD: Person(SLACK_MOD, "Sam"),
            SLACK_STRANGER: Person(SLACK_STRANGER, "Sid"),
        }
    )
    fake_runner, fakes.url = await serve(_fake_app(fakes))
    ctx = Web(
        service=service,
        signer=Signer(SECRET),
        discord_client=CLIENT,
        slack_client=CLIENT,
        endpoints=fakes.endpoints,
        fetch_private=True,  # the fake article servers are on loopback
    )
    runner, url = await serve(build_app(ctx))
    try:
        yield Site(url, service, fakes, ctx)
    finally:
        await runner.cleanup()
        await fake_runner.cleanup()

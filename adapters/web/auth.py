"""Sign-in and sign-out: Discord OAuth2, Slack OpenID Connect, and the operator's one-time
login links. The operator's moderation scope decides who gets in (bot.permissions); a
session cookie is set only for someone it lets in.

OAuth state: a random nonce in a short-lived HttpOnly cookie, and the same nonce signed in
`state`; the callback needs both to match, so nobody can sign a victim into their account.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from aiohttp import web

from adapters.web import app as web_app
from adapters.web.oauth import (
    Identity,
    SignInFailed,
    discord_authorize_url,
    discord_identity,
    slack_authorize_url,
    slack_identity,
)
from adapters.web.sessions import LOGIN_LINK_AGE, SESSION_COOKIE, STATE_AGE, STATE_COOKIE, Session, Signer, new_csrf
from bot.moderation_scope import is_discord_id, is_slack_user_id
from bot.permissions import LOCAL_PLATFORM
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

NOT_ALLOWED = "You are not one of this bot's moderators: the operator names who may sign in."
LINK_USED = "This sign-in link is not valid: it was used already, has expired, or was not made here."


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login", login)
    app.router.add_get("/login/discord", start_discord)
    app.router.add_get("/auth/discord", finish_discord)
    app.router.add_get("/login/slack", start_slack)
    app.router.add_get("/auth/slack", finish_slack)
    app.router.add_get("/login/link/{token}", login_link)
    app.router.add_post("/logout", logout)


async def login(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    return ctx.page(request, "login.html", discord=ctx.discord_client is not None, slack=ctx.slack_client is not None)


async def start_discord(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    if ctx.discord_client is None:
        raise web.HTTPNotFound()
    nonce = secrets.token_urlsafe(16)
    url = discord_authorize_url(
        ctx.endpoints, ctx.discord_client[0], _redirect(request, "discord"), ctx.signer.oauth_state(nonce)
    )
    raise _with_state(web.HTTPFound(url), nonce, ctx.secure_cookies)


async def start_slack(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    if ctx.slack_client is None:
        raise web.HTTPNotFound()
    nonce = secrets.token_urlsafe(16)
    url = slack_authorize_url(
        ctx.endpoints, ctx.slack_client[0], _redirect(request, "slack"), ctx.signer.oauth_state(nonce), nonce
    )
    raise _with_state(web.HTTPFound(url), nonce, ctx.secure_cookies)


async def finish_discord(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    code = _checked_callback(request, ctx.signer)
    if ctx.discord_client is None:
        raise web.HTTPNotFound()
    client_id, secret = ctx.discord_client
    try:
        who = await discord_identity(
            ctx.endpoints, client_id, secret, code, _redirect(request, "discord"), ctx.service.policy
        )
    except SignInFailed as exc:
        raise BadInput(str(exc)) from None
    return _signed_in(request, who)


async def finish_slack(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    code = _checked_callback(request, ctx.signer)
    if ctx.slack_client is None:
        raise web.HTTPNotFound()
    client_id, secret = ctx.slack_client
    try:
        who = await slack_identity(
            ctx.endpoints, client_id, secret, code, _redirect(request, "slack"), ctx.slack_bot_token
        )
    except SignInFailed as exc:
        raise BadInput(str(exc)) from None
    return _signed_in(request, who)


async def login_link(request: web.Request) -> web.Response:
    """A link `talksbot web login-link USER` printed: valid once, for LOGIN_LINK_AGE."""
    ctx = request.app[web_app.WEB]
    found = ctx.signer.read_login_token(request.match_info["token"])
    if found is None:
        return ctx.page(request, "error.html", status=403, heading="Sign-in refused", message=LINK_USED)
    user, nonce = found
    if not await ctx.service.first_time(f"web-login-link:{nonce}", ttl=timedelta(seconds=LOGIN_LINK_AGE * 2)):
        return ctx.page(request, "error.html", status=403, heading="Sign-in refused", message=LINK_USED)
    return _signed_in(request, identity_for(user))


def identity_for(user: str) -> Identity:
    """`discord:<id>` / `slack:<id>`: that platform user (the scope decides); anything else:
    the operator's own local name, with the rights of the shell that printed the link."""
    platform, _, ident = user.partition(":")
    if (platform == "discord" and is_discord_id(ident)) or (platform == "slack" and is_slack_user_id(ident)):
        return Identity(platform, ident, ident)
    return Identity(LOCAL_PLATFORM, user, user)


def check_login_user(user: str) -> str:
    """The USER of `talksbot web login-link`, checked; BadInput for an unusable one."""
    text = user.strip()
    if not text or len(text) > 80 or any(not c.isprintable() for c in text):
        raise BadInput("USER must be a name, discord:<user id> or slack:<user id>, at most 80 characters.")
    if text.partition(":")[0] in ("discord", "slack") and identity_for(text).platform == LOCAL_PLATFORM:
        raise BadInput("USER must be discord:<17–20 digit user id> or slack:<user id U… or W…>.")
    return text


async def logout(request: web.Request) -> web.Response:
    ctx = request.app[web_app.WEB]
    session = ctx.signer.read_session(request.cookies.get(SESSION_COOKIE), ctx.session_age)
    form = await request.post()
    if session is None or not session.is_form_token(str(form.get("csrf") or "")):
        raise web.HTTPForbidden(text="This form has expired; reload the page and try again.")
    response = web.HTTPSeeOther("/")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def _signed_in(request: web.Request, who: Identity) -> web.Response:
    ctx = request.app[web_app.WEB]
    session = Session(
        platform=who.platform,
        user_id=who.user_id,
        name=who.name,
        csrf=new_csrf(),
        community_id=who.community_id,
        community_name=who.community_name,
        community_moderator=who.community_moderator,
    )
    if not ctx.service.may_moderate(session.actor):
        log.info("web sign-in refused: %s user outside the moderation scope", who.platform)
        response = ctx.page(request, "error.html", status=403, heading="Sign-in refused", message=NOT_ALLOWED)
        response.del_cookie(STATE_COOKIE, path="/auth")
        return response
    log.info("web sign-in: %s user %s", who.platform, who.user_id)
    redirect = web.HTTPSeeOther("/console")
    redirect.set_cookie(
        SESSION_COOKIE,
        ctx.signer.session_cookie(session),
        max_age=ctx.session_age,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=ctx.secure_cookies,
    )
    redirect.del_cookie(STATE_COOKIE, path="/auth")
    raise redirect


def _checked_callback(request: web.Request, signer: Signer) -> str:
    nonce = signer.read_state(request.query.get("state"))
    cookie = request.cookies.get(STATE_COOKIE)
    code = request.query.get("code")
    if nonce is None or cookie is None or not secrets.compare_digest(nonce, cookie) or not code:
        raise BadInput("This sign-in was not started here or took too long; start again from the sign-in page.")
    return code


def _with_state(response: web.HTTPFound, nonce: str, secure: bool) -> web.HTTPFound:
    # Lax: the platform's redirect back is a top-level GET, which Lax cookies accompany.
    response.set_cookie(
        STATE_COOKIE, nonce, max_age=STATE_AGE, path="/auth", httponly=True, samesite="Lax", secure=secure
    )
    return response


def _redirect(request: web.Request, platform: str) -> str:
    return f"{request.app[web_app.WEB].base_url(request)}/auth/{platform}"


def login_url(base: str, signer: Signer, user: str) -> str:
    """The one-time link `talksbot web login-link USER` prints."""
    return f"{base.rstrip('/')}/login/link/{signer.login_token(check_login_user(user))}"

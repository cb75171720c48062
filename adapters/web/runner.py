"""Running the web surface: the service from the composition root (bot.wiring), the app,
and aiohttp's server until SIGINT or SIGTERM. No token is needed: the public pages work
on the SQLite default like `talksbot ask`; sign-in needs the platforms' client ids or a
login link. On PostgreSQL several web workers may run (each follows the content version)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from adapters.lifecycle import stop_on_signals
from adapters.web.app import Web, build_app
from adapters.web.auth import login_url
from adapters.web.sessions import Signer, web_secret
from bot.service import TalksService
from bot.settings import Settings, reveal
from bot.wiring import log_moderation_scope, open_service

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080


def web_context(service: TalksService, settings: Settings) -> Web:
    """The app's context from settings: the signing secret, the public URL, sign-in clients."""
    discord = slack = None
    if settings.discord_client_id and settings.discord_client_secret:
        discord = (settings.discord_client_id, reveal(settings.discord_client_secret) or "")
    if settings.slack_client_id and settings.slack_client_secret:
        slack = (settings.slack_client_id, reveal(settings.slack_client_secret) or "")
    return Web(
        service=service,
        signer=Signer(web_secret(settings)),
        public_url=settings.public_url,
        discord_client=discord,
        slack_client=slack,
        slack_bot_token=reveal(settings.slack_bot_token),
        fetch_private=settings.web_fetch_private,
    )


async def run_web(settings: Settings, host: str, port: int) -> int:
    log_moderation_scope(settings)
    async with open_service(settings) as service:
        runner = web.AppRunner(build_app(web_context(service, settings)), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            log.info("web: serving on http://%s:%s", host, port)
            stop = asyncio.Event()
            stop_on_signals(stop)
            await stop.wait()
        finally:
            await runner.cleanup()
    return 0


def print_login_link(settings: Settings, user: str) -> int:
    base = settings.public_url or f"http://{settings.host}:{DEFAULT_PORT}"
    print(login_url(base, Signer(web_secret(settings)), user))
    return 0

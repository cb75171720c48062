"""Serving the AsyncApp over HTTP with aiohttp: one route, `POST /slack/events`.

Bolt's own aiohttp translators turn the request into a BoltRequest and the
BoltResponse back; signature and timestamp checks happen inside the app.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


def make_web_app(app: AsyncApp, path: str = EVENTS_PATH) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post(path, handle)
    return web_app


async def start_http_server(app: AsyncApp, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Starts serving; returns the runner (call `cleanup()` to stop) and the bound port (useful with port 0)."""
    runner = web.AppRunner(make_web_app(app), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = next((addr[1] for addr in runner.addresses if isinstance(addr, tuple)), port)
    return runner, int(bound)

"""The network edge for Slack tests: a fake Web API + response_url server, and a signing sender.

FakeSlackApi answers `POST/GET /api/<method>` the way Slack does (`{"ok": true, …}`)
and accepts `POST /response/<name>` for response_url posts, recording every
call. SlackSender signs requests exactly as Slack does, with the real
`slack_sdk.signature.SignatureVerifier`, and sends them over real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.runner import make_client
from adapters.slack.server import EVENTS_PATH, start_http_server
from bot.permissions import ModerationPolicy
from bot.replies import AnswerReply
from bot.service import TalksService
from bot.settings import Settings
from tests.conftest import FakeClock

BOT_USER_ID = "UBOT000001"
TEAM_ID = "T0000TEST"
TEAM_DOMAIN = "newsroom"
# A workspace that installed the app but that the operator never configured.
OTHER_TEAM_ID = "T0000OTHR"
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"

MODERATOR = "UMOD000001"  # named by the operator (TALKSBOT_MODERATOR_USERS=slack:UMOD000001)
ADMIN = "UADMIN0001"  # a workspace admin, per users.info
ASKER = "UASKER001"
QUESTION = "How long was the Trump-Putin call?"

_TRIGGERS = itertools.count(1)


@dataclass
class ApiCall:
    method: str
    data: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlackApi:
    """Records what the bot sent; `admins` are reported as workspace admins by users.info."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.admins: set[str] = set()
        # user → the workspace users.info names as their own (`team_id`); TEAM_ID unless set.
        # An admin whose own workspace is another organisation's (Slack Connect) is set here.
        self.user_teams: dict[str, str] = {}
        # user → users.info's `enterprise_user` object, for Enterprise Grid members.
        self.enterprise_users: dict[str, dict[str, Any]] = {}
        # method → HTTP statuses to answer before succeeding (e.g. [429] for one rate limit)
        self.failures: dict[str, list[int]] = {}
        # method → a Slack error code answered (HTTP 200, ok false) every time, e.g. "invalid_auth"
        self.errors: dict[str, str] = {}
        # (channel, thread ts) → the replies posted in that thread, with their metadata
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._ts = 1700000000
        # Socket Mode: the bot's open connection and what it sent back (envelope acks)
        self.socket: web.WebSocketResponse | None = None
        self.socket_messages: list[dict[str, Any]] = []

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = next(a[1] for a in self._runner.addresses if isinstance(a, tuple))

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, count: int = 1, within: float = 5.0, where: Callable[[ApiCall], bool] | None = None
    ) -> list[ApiCall]:
        """Calls to `method` (matching `where`) once at least `count` arrived; fails after `within` seconds."""
        deadline = time.monotonic() + within
        while True:
            found = [c for c in self.calls_to(method) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}: {self.calls!r}")
            await asyncio.sleep(0.02)

    async def _read(self, request: web.Request) -> dict[str, Any]:
        data: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                data.update(json.loads(raw))
            else:
                data.update(parse_qsl(raw))
        for key in ("blocks", "view"):
            if isinstance(data.get(key), str):
                data[key] = json.loads(data[key])
        return data

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        data = await self._read(request)
        self.calls.append(ApiCall(method, data, dict(request.headers)))
        pending = self.failures.get(method)
        if pending:
            status = pending.pop(0)
            headers = {"Retry-After": "0"} if status == 429 else {}
            return web.json_response({"ok": False, "error": "ratelimited"}, status=status, headers=headers)
        if method in self.errors:
            return web.json_response({"ok": False, "error": self.errors[method]})
        return web.json_response(self._answer(method, data))

    def _answer(self, method: str, data: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": "B0000TEST", "team_id": TEAM_ID, "user": "talksbot"}
        if method == "chat.postMessage":
            self._ts += 1
            ts = f"{self._ts}.000100"
            if data.get("thread_ts"):
                reply = {"ts": ts, "thread_ts": data["thread_ts"], "text": data.get("text")}
                if data.get("metadata"):
                    reply["metadata"] = data["metadata"]
                self.threads.setdefault((str(data.get("channel")), str(data["thread_ts"])), []).append(reply)
            return {"ok": True, "channel": data.get("channel"), "ts": ts}
        if method == "conversations.replies":
            # Like Slack: message metadata only when asked for with include_all_metadata.
            with_metadata = str(data.get("include_all_metadata")).lower() in ("1", "true")
            replies = self.threads.get((str(data.get("channel")), str(data.get("ts"))), [])
            shown = [r if with_metadata else {k: v for k, v in r.items() if k != "metadata"} for r in replies]
            return {"ok": True, "messages": shown, "has_more": False}
        if method == "users.info":
            user = data.get("user", "")
            info: dict[str, Any] = {
                "id": user,
                "team_id": self.user_teams.get(user, TEAM_ID),
                "is_admin": user in self.admins,
                "is_owner": False,
            }
            if user in self.enterprise_users:
                info["enterprise_user"] = self.enterprise_users[user]
            return {"ok": True, "user": info}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0000TEST", **(data.get("view") or {})}}
        return {"ok": True}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0000TEST"}})
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.socket_messages.append(json.loads(msg.data))
        return ws

    async def send_envelope(self, envelope_type: str, payload: dict[str, Any], envelope_id: str) -> None:
        """What Slack sends over Socket Mode instead of an HTTP request."""
        assert self.socket is not None, "no Socket Mode connection"
        await self.socket.send_json(
            {"envelope_id": envelope_id, "type": envelope_type, "payload": payload, "accepts_response_payload": True}
        )

    async def _response(self, request: web.Request) -> web.Response:
        data = json.loads(await request.text() or "{}")
        self.calls.append(ApiCall(f"response:{request.match_info['name']}", data, dict(request.headers)))
        return web.Response(text="ok")


class SlackSender:
    """Sends correctly signed Slack requests to the app under test."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=ts, body=body) or ""
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        async with aiohttp.ClientSession() as session, session.post(self.url, data=body, headers=all_headers) as r:
            return r.status, await r.text()

    async def command(
        self, text: str, *, user_id: str = "UASKER001", channel_id: str = "C0000TEST", response_url: str, **extra: Any
    ) -> tuple[int, str]:
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": channel_id,
            "user_id": user_id,
            "user_name": extra.pop("user_name", "asker"),
            "command": "/talks",
            "text": text,
            "response_url": response_url,
            # Slack issues a new trigger id with every invocation; retries of one carry the same.
            "trigger_id": extra.pop("trigger_id", f"1337.{next(_TRIGGERS)}.trigger"),
            **extra,
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any], **kwargs: Any) -> tuple[int, str]:
        payload = {"team": {"id": TEAM_ID}, **payload}
        return await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kwargs
        )

    async def event(self, event: dict[str, Any], event_id: str, *, retry_num: int | None = None) -> tuple[int, str]:
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0000TEST",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        return await self.post(json.dumps(body), "application/json", headers=headers)


# ---- the app under test ------------------------------------------------------------------------


@dataclass
class Slack:
    fake: FakeSlackApi
    sender: SlackSender
    service: TalksService
    client: AsyncWebClient
    clock: FakeClock
    top: str  # the claim the store ranks first for QUESTION

    async def command(self, text: str, *, user_id: str = ASKER, name: str = "cmd", **extra: Any) -> ApiCall:
        """Runs `/talks text`; returns what the bot posted to the command's response_url.

        `extra` overrides form fields (team_id, team_domain, channel_id, user_name, …).
        """
        before = len(self.fake.calls_to(f"response:{name}"))
        status, body = await self.sender.command(
            text, user_id=user_id, response_url=self.fake.response_url(name), **extra
        )
        assert status == 200 and body == ""
        return (await self.fake.wait_for(f"response:{name}", before + 1))[-1]


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator configured the test workspace (its admins count) and named MODERATOR.
    Test modules import this to override the default (nobody configured)."""
    return ModerationPolicy.of(communities=[("slack", TEAM_ID)], users=[("slack", MODERATOR)])


@pytest.fixture
async def slack(service: TalksService, clock: FakeClock) -> AsyncIterator[Slack]:
    async with slack_harness(service, clock, FakeSlackApi()) as harness:
        yield harness


@asynccontextmanager
async def slack_harness(service: TalksService, clock: FakeClock, fake: FakeSlackApi) -> AsyncIterator[Slack]:
    """The real app over HTTP on 127.0.0.1, talking to `fake` as its Slack Web API."""
    fake.admins.add(ADMIN)
    await fake.start()
    settings = Settings(
        db=service.location,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.base_url,
    )
    client = make_client(settings)
    app = build_app(settings, service, client)
    runner, port = await start_http_server(app, "127.0.0.1", 0, signing_secret=SIGNING_SECRET)
    first = await service.ask(QUESTION, log_question=False)
    assert isinstance(first, AnswerReply)
    try:
        yield Slack(
            fake, SlackSender(f"http://127.0.0.1:{port}{EVENTS_PATH}"), service, client, clock, first.claims[0].claim_id
        )
    finally:
        await runner.cleanup()
        await fake.stop()

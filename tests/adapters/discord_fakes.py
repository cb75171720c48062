"""A fake Discord REST API on 127.0.0.1 and raw gateway payloads, for driving the real discord.py.

The fake records every request the bot makes and answers the way Discord does
as far as discord.py looks: JSON bodies with a bare `application/json` content
type (discord.py compares the header exactly), `{"interaction": {...}}` for
interaction callbacks, and a `Via` header on 429s (without one discord.py takes
a 429 for a Cloudflare ban and gives up).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest
from aiohttp import web

from adapters.discord.client import TalksClient, make_client
from adapters.discord.deps import AdapterDeps
from bot.permissions import ModerationPolicy
from bot.service import TalksService

APP_ID = 1_100_000_000_000_000_001
BOT_ID = 1_100_000_000_000_000_002
GUILD_ID = 1_200_000_000_000_000_001
GUILD_NAME = "Newsroom"
# A guild that invited the bot but that the operator never configured.
OTHER_GUILD_ID = 1_200_000_000_000_000_002
CHANNEL_ID = 1_300_000_000_000_000_001
MOD_ROLE_ID = 1_400_000_000_000_000_001
TOKEN = "fake-bot-token"
TIMESTAMP = "2025-02-14T09:00:00+00:00"

EPHEMERAL = 64
EVERYONE_PERMS = discord.Permissions(view_channel=True, send_messages=True, use_application_commands=True)
MOD_PERMS = EVERYONE_PERMS | discord.Permissions(manage_messages=True)
MANAGER_PERMS = EVERYONE_PERMS | discord.Permissions(manage_channels=True)
BOT_PERMS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)

BOT_USER = {
    "id": str(BOT_ID),
    "username": "talksbot",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class FakeDiscord:
    """The REST API discord.py talks to, with a record of every request."""

    roles: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    # Path fragment → statuses to answer before serving normally (e.g. [429]).
    failures: dict[str, list[int]] = field(default_factory=dict)
    # Path fragments Discord refuses with 403 Missing Access every time (e.g. a guild's roles
    # when the bot is not in that guild: the app was installed by a user, not the server).
    forbidden: set[str] = field(default_factory=set)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1_500_000_000_000_000_001))
    _runner: web.AppRunner | None = None
    base: str = ""
    gateway_url: str = ""
    # What the bot sent on the gateway (IDENTIFY, heartbeats), and a way to push events to it.
    gateway_received: list[dict[str, Any]] = field(default_factory=list)
    _socket: web.WebSocketResponse | None = None
    _sequence: int = 0

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- looking at what the bot sent ---------------------------------------------

    def find(self, method: str, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and fragment in r.path]

    def callbacks(self, interaction_id: int | None = None) -> list[Recorded]:
        fragment = f"/interactions/{interaction_id}/" if interaction_id else "/interactions/"
        return [r for r in self.find("POST", fragment) if r.path.endswith("/callback")]

    def followups(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/webhooks/") and r.method in ("POST", "PATCH")]

    async def wait_for(self, predicate: Callable[[], Any], within: float = 5.0) -> Any:
        """Poll until `predicate()` is truthy: the bot handles interactions in background tasks."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; requests so far: {[(r.method, r.path) for r in self.requests]}")
            await asyncio.sleep(0.01)

    # ---- the gateway (just enough for a client to connect) --------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        # Text frames: discord.py asks for zlib-stream but reads plain JSON text just as well.
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        async for msg in ws:
            frame = json.loads(msg.data)
            self.gateway_received.append(frame)
            if frame["op"] == 2:
                ready = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(APP_ID), "flags": 0},
                }
                if "shard" in frame["d"]:
                    ready["shard"] = frame["d"]["shard"]
                await self.gateway_dispatch("READY", ready)
            elif frame["op"] == 6:  # RESUME: replay nothing, confirm the session goes on
                await self.gateway_dispatch("RESUMED", {})
            elif frame["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
        return ws

    async def request_reconnect(self) -> None:
        """Gateway op 7: Discord asks the client to reconnect and resume (as during its own deploys)."""
        assert self._socket is not None, "no client connected to the fake gateway"
        await self._socket.send_str(json.dumps({"op": 7, "d": None}))

    async def gateway_dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._socket is not None, "no client connected to the fake gateway"
        self._sequence += 1
        await self._socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))

    async def close_gateway(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    # ---- answering --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await _read_body(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body, dict(request.headers)))
        for fragment, statuses in self.failures.items():
            if fragment in path and statuses:
                status = statuses.pop(0)
                if status == 429:
                    return _json({"message": "You are being rate limited.", "retry_after": 0.01, "global": False}, 429)
                return _json({"message": "Internal Server Error", "code": 0}, status)
        if any(fragment in path for fragment in self.forbidden):
            return _json({"message": "Missing Access", "code": 50001}, 403)
        return self._route(request.method, path.split("/")[1:], body)

    def _route(self, method: str, parts: list[str], body: Any) -> web.Response:
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(BOT_USER)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(_app_info())
            case "GET", ["gateway", "bot"]:
                # Asked only by an auto-sharded client: how many shards, and where to connect them.
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
                return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
            case "POST", ["interactions", interaction_id, _token, "callback"]:
                flags = (body.get("data") or {}).get("flags", 0) or 0
                return _json(
                    {
                        "interaction": {
                            "id": interaction_id,
                            "type": 2,
                            "response_message_id": str(next(self._ids)),
                            "response_message_loading": body.get("type") == 5,
                            "response_message_ephemeral": bool(flags & EPHEMERAL),
                        }
                    }
                )
            case ("POST", ["webhooks", _app, _token]) | ("PATCH", ["webhooks", _app, _token, "messages", _]):
                return _json(self._message(CHANNEL_ID, body))
            case "POST", ["channels", channel_id, "messages"]:
                return _json(self._message(int(channel_id), body))
            case "GET", ["guilds", _guild, "roles"]:
                return _json(self.roles)
            case "PUT", ["applications", _app, *_rest, "commands"]:
                # Discord stores context menus with an empty description; discord.py reads it back.
                ids = {"application_id": str(APP_ID), "version": "1"}
                return _json([{"description": "", **c, **ids, "id": str(next(self._ids))} for c in body])
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _message(self, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return message_payload(next(self._ids), channel_id, body.get("content") or "", BOT_USER, body)


def _json(data: Any, status: int = 200) -> web.Response:
    headers = {"Content-Type": "application/json"}
    if status == 429:
        headers["Via"] = "1.1 google"
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


async def _read_body(request: web.Request) -> Any:
    if request.content_type == "multipart/form-data":
        form = await request.post()
        return json.loads(str(form["payload_json"]))
    raw = await request.read()
    return json.loads(raw) if raw else None


def _app_info() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "talksbot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": {**BOT_USER, "id": "1", "username": "owner", "bot": False},
        "verify_key": "00",
        "flags": 0,
    }


# ---- raw gateway payloads ------------------------------------------------------------------


def user_payload(user_id: int, name: str) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None}


def message_payload(
    message_id: int, channel_id: int, content: str, author: dict[str, Any], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    extra = extra or {}
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": content,
        "author": author,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": extra.get("embeds") or [],
        "components": extra.get("components") or [],
        "pinned": False,
        "flags": extra.get("flags") or 0,
    }


class Payloads:
    """Builds INTERACTION_CREATE payloads the way the gateway sends them."""

    def __init__(self) -> None:
        self._ids = itertools.count(1_600_000_000_000_000_001)

    def interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int = 42,
        user_name: str = "reader",
        permissions: discord.Permissions = EVERYONE_PERMS,
        roles: list[int] | None = None,
        message: dict[str, Any] | None = None,
        guild_id: int = GUILD_ID,
        installed_by_user: bool = False,
    ) -> dict[str, Any]:
        """`installed_by_user`: the app reached this guild through a member's own install
        (authorizing owner "1" is the user), so the bot itself is not in the guild."""
        interaction_id = next(self._ids)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "token": f"token-{interaction_id}",
            "version": 1,
            "attachment_size_limit": 8_388_608,
            "guild_id": str(guild_id),
            "guild": {"id": str(guild_id), "features": [], "locale": "en-US"},
            "channel_id": str(CHANNEL_ID),
            "channel": {
                "id": str(CHANNEL_ID),
                "type": 0,
                "guild_id": str(guild_id),
                "name": "talks",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": {
                "user": user_payload(user_id, user_name),
                "roles": [str(r) for r in roles or []],
                "joined_at": TIMESTAMP,
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str(permissions.value),
            },
            "app_permissions": str(BOT_PERMS.value),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": ({"1": str(user_id)} if installed_by_user else {"0": str(guild_id)}),
            "context": 0,
        }
        if message is not None:
            payload["message"] = message
        return payload

    def command(self, name: str, options: dict[str, Any] | None = None, **who: Any) -> dict[str, Any]:
        """A slash command; `name` may be "group sub". Option values are strings unless given otherwise."""
        opts = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items() if v is not None]
        top, *sub = name.split()
        if sub:
            opts = [{"name": sub[0], "type": 1, "options": opts}]
        data = {"id": str(next(self._ids)), "name": top, "type": 1, "options": opts}
        return self.interaction(2, data, **who)

    def autocomplete(self, name: str, option: str, typed: str, **who: Any) -> dict[str, Any]:
        top, *sub = name.split()
        opts: list[dict[str, Any]] = [{"name": option, "type": 3, "value": typed, "focused": True}]
        if sub:
            opts = [{"name": sub[0], "type": 1, "options": opts}]
        return self.interaction(4, {"id": str(next(self._ids)), "name": top, "type": 1, "options": opts}, **who)

    def message_menu(self, menu_name: str, content: str, **who: Any) -> dict[str, Any]:
        target = next(self._ids)
        msg = message_payload(target, CHANNEL_ID, content, user_payload(77, "someone"))
        data = {
            "id": str(next(self._ids)),
            "name": menu_name,
            "type": 3,
            "target_id": str(target),
            "resolved": {"messages": {str(target): msg}},
        }
        return self.interaction(2, data, **who)

    def button(self, custom_id: str, sent: dict[str, Any], **who: Any) -> dict[str, Any]:
        """A press on a button of a message the bot sent (`sent` is the request body it sent)."""
        msg = message_payload(next(self._ids), CHANNEL_ID, sent.get("content") or "", BOT_USER, sent)
        return self.interaction(3, {"custom_id": custom_id, "component_type": 2}, message=msg, **who)


def role_payload(role_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "position": 1,
        "permissions": "0",
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_payload(guild_id: int, name: str, roles: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "owner_id": "1",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "member_count": 2,
        "channels": [],
        "members": [],
        "threads": [],
    }


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator configured the test guild (TALKSBOT_MODERATOR_COMMUNITIES=discord:<GUILD_ID>):
    its members with Manage Messages, Administrator or the moderator role count as moderators.
    Test modules import this to override the default (nobody configured); trust tests parametrize it."""
    return ModerationPolicy.of(communities=[("discord", str(GUILD_ID))])


@dataclass
class DiscordHarness:
    fake: FakeDiscord
    client: TalksClient
    service: TalksService
    payloads: Payloads

    def dispatch(self, payload: dict[str, Any]) -> int:
        """Feed one INTERACTION_CREATE through discord.py's own state; returns the interaction id."""
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        return int(payload["id"])

    def guild_available(self, guild_id: int, name: str) -> None:
        """What GUILD_CREATE on the gateway does: the guild (name, roles) enters the client's cache."""
        roles = [role_payload(guild_id, "@everyone"), role_payload(MOD_ROLE_ID, "Fact Checkers")]
        self.client._connection._add_guild_from_data(guild_payload(guild_id, name, roles))  # type: ignore[arg-type]

    async def response_to(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Dispatch and wait for the interaction callback's body."""
        interaction_id = self.dispatch(payload)
        calls = await self.fake.wait_for(lambda: self.fake.callbacks(interaction_id))
        return calls[0].body


def point_discord_at(base: str, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    """Send this process's discord.py REST calls (interaction webhooks included) to `base`.

    discord.py has no per-client API address: Client takes a connector, a proxy and
    a trace config, none of which changes the URL (`proxy=` tunnels https with
    CONNECT, so a base-URL proxy cannot be reached that way either), and every
    request is built on the class attribute `discord.http.Route.BASE`, which the
    library's own `_set_api_version` sets the same way. So the product never
    changes it and always talks to Discord; only the test harness does, undone
    after each test by `monkeypatch`, or for a whole child process
    (tests/adapters/discord_process.py).
    """
    if monkeypatch is None:
        discord.http.Route.BASE = base
    else:
        monkeypatch.setattr(discord.http.Route, "BASE", base)


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(roles=[role_payload(GUILD_ID, "@everyone"), role_payload(MOD_ROLE_ID, "Fact Checkers")])
    point_discord_at(await fake.start(), monkeypatch)
    yield fake
    await fake.close_gateway()
    await fake.stop()


@pytest.fixture
def deps_options() -> dict[str, Any]:
    """Override in a test module to change AdapterDeps (e.g. soft_deadline)."""
    return {}


@pytest.fixture
async def discord_bot(
    fake_discord: FakeDiscord, service: TalksService, deps_options: dict[str, Any]
) -> AsyncIterator[DiscordHarness]:
    deps = AdapterDeps(service=service, **{"moderator_role": "fact checkers", **deps_options})
    client = make_client(deps, schedule_digests=False)
    assert isinstance(client, TalksClient)
    async with client:
        await client.login(TOKEN)
        yield DiscordHarness(fake_discord, client, service, Payloads())

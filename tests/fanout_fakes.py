"""Loopback fakes of Discord and Slack that enforce their documented rate limits.

Used by tests/load_fanout.py and tests/bot/test_shared_budget.py. Each fake
counts every request against the limits the platform documents
(adapters/discord/ratelimits.py, adapters/slack/ratelimits.py), answers one
over a limit with 429 and a retry-after (as the platform does, so the client's
own handling is exercised), and records what arrived, so a run can be checked
for posts that were missed, doubled or out of order within a channel.

- Discord: the global limit per bot token (requests in any sliding second;
  429 with `"global": true`), and a per-route bucket per channel (5 per 5 s for
  creating and for editing messages), announced in `X-RateLimit-*` headers the
  way Discord does, so discord.py's own bucket tracking paces itself.
- Slack: chat.postMessage 1 per second per channel, chat.update Tier 3 (50 per
  sliding minute per workspace); 429 with `error: ratelimited` and Retry-After.

`breaches` counts requests that went over a limit (each got its 429); a test
that must never breach asserts it is zero. `peak_per_second` is the most
requests any sliding second saw on the global limit.
"""

from __future__ import annotations

import collections
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DISCORD_TOKEN = "fanout-bot-token"
SLACK_TOKEN = "xoxb-fanout"
BOT_USER = {"id": "1100000000000000002", "username": "talksbot", "discriminator": "0", "avatar": None, "bot": True}


class Window:
    """Arrival times in a sliding window of `per` seconds; at most `count` of them."""

    def __init__(self, count: int, per: float) -> None:
        self.count = count
        self.per = per
        self.times: collections.deque[float] = collections.deque()
        self.peak = 0

    def admit(self, now: float) -> float:
        """0 when a request arriving at `now` is within the limit (and counts it), else the wait."""
        while self.times and self.times[0] <= now - self.per:
            self.times.popleft()
        if len(self.times) >= self.count:
            return self.times[0] + self.per - now
        self.times.append(now)
        self.peak = max(self.peak, len(self.times))
        return 0.0


@dataclass
class Recorder:
    """What arrived, in arrival order, and the limits' bookkeeping."""

    posts: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    edits: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: collections.defaultdict(list))
    notes: dict[str, int] = field(default_factory=lambda: collections.Counter())
    rate_429: int = 0
    breaches: int = 0
    first_at: float | None = None
    last_at: float = 0.0
    requests: int = 0

    def seen(self) -> float:
        now = time.time()
        self.first_at = self.first_at if self.first_at is not None else now
        self.requests += 1
        return now

    def delivered(self, now: float) -> None:
        self.last_at = max(self.last_at, now)


class FakeDiscord:
    """Discord's REST API as far as posting digests and editing messages goes."""

    GLOBAL_PER_SECOND = 50
    ROUTE_LIMIT = 5
    ROUTE_SECONDS = 5.0

    def __init__(self, global_per_second: int = GLOBAL_PER_SECOND) -> None:
        self.record = Recorder()
        self.global_window = Window(global_per_second, 1.0)
        # Discord's buckets are fixed windows that start with their first request.
        self.routes: dict[tuple[str, str], tuple[int, float]] = {}
        self._ids = 1_500_000_000_000_000_000
        self.app = web.Application()
        self.app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        now = self.record.seen()
        parts = request.match_info["tail"].split("/")
        body = await request.json() if request.can_read_body else None
        if parts == ["users", "@me"]:
            return _discord_json(BOT_USER)
        wait = self.global_window.admit(now)
        if wait:
            self.record.rate_429 += 1
            self.record.breaches += 1
            return _discord_json(
                {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": True},
                429,
                {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global", "Retry-After": str(math.ceil(wait))},
            )
        if len(parts) >= 3 and parts[0] == "channels" and parts[2] == "messages":
            channel = parts[1]
            key = (request.method, channel)
            used, reset = self.routes.get(key, (0, now + self.ROUTE_SECONDS))
            if now >= reset:
                used, reset = 0, now + self.ROUTE_SECONDS
            headers = {
                "X-RateLimit-Limit": str(self.ROUTE_LIMIT),
                "X-RateLimit-Reset": f"{reset:.3f}",
                "X-RateLimit-Reset-After": f"{reset - now:.3f}",
                "X-RateLimit-Bucket": f"messages-{request.method.lower()}",
            }
            if used >= self.ROUTE_LIMIT:
                self.record.rate_429 += 1
                headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user"})
                return _discord_json(
                    {"message": "You are being rate limited.", "retry_after": round(reset - now, 3), "global": False},
                    429,
                    headers,
                )
            self.routes[key] = (used + 1, reset)
            headers["X-RateLimit-Remaining"] = str(self.ROUTE_LIMIT - used - 1)
            if request.method == "POST":
                self._ids += 1
                if isinstance(body, dict) and body.get("message_reference"):
                    self.record.notes[str(body.get("nonce"))] += 1
                else:
                    self.record.posts[channel].append(str(self._ids))
                self.record.delivered(now)
                return _discord_json(_message(self._ids, channel, body), 200, headers)
            if request.method == "PATCH" and len(parts) == 4:
                self.record.edits[channel].append((parts[3], json.dumps(body, sort_keys=True)))
                self.record.delivered(now)
                return _discord_json(_message(int(parts[3]), channel, body), 200, headers)
        return _discord_json({"message": "404: Not Found", "code": 0}, 404)


class FakeSlack:
    """Slack's Web API as far as posting digests and editing messages goes."""

    CHANNEL_POSTS_PER_SECOND = 1
    TIER3_PER_MINUTE = 50

    def __init__(self, workspace_of: dict[str, str] | None = None) -> None:
        self.record = Recorder()
        self.workspace_of = workspace_of if workspace_of is not None else {}
        self.windows: dict[str, Window] = {}
        self._ts = 0
        self.app = web.Application()
        self.app.router.add_post("/api/{method}", self._handle)

    def _window(self, key: str, count: int, per: float) -> Window:
        if key not in self.windows:
            self.windows[key] = Window(count, per)
        return self.windows[key]

    async def _handle(self, request: web.Request) -> web.Response:
        now = self.record.seen()
        method = request.match_info["method"]
        if request.content_type == "application/json":
            body: dict[str, Any] = await request.json()
        else:
            body = dict(await request.post())
        channel = str(body.get("channel") or "")
        if method == "chat.postMessage":
            window = self._window(f"post:{channel}", self.CHANNEL_POSTS_PER_SECOND, 1.0)
        elif method == "chat.update":
            workspace = self.workspace_of.get(channel, "?")
            window = self._window(f"update:{workspace}", self.TIER3_PER_MINUTE, 60.0)
        else:
            return web.json_response({"ok": False, "error": "unknown_method"})
        wait = window.admit(now)
        if wait:
            self.record.rate_429 += 1
            self.record.breaches += 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(math.ceil(wait))}
            )
        self.record.delivered(now)
        if method == "chat.postMessage":
            self._ts += 1
            ts = f"{1_740_000_000 + self._ts}.000100"
            if body.get("thread_ts"):
                key = ((body.get("metadata") or {}).get("event_payload") or {}).get("key")
                self.record.notes[str(key)] += 1
            else:
                self.record.posts[channel].append(ts)
            return web.json_response({"ok": True, "channel": channel, "ts": ts})
        ts = str(body.get("ts"))
        payload = {k: v for k, v in body.items() if k not in ("channel", "ts")}
        self.record.edits[channel].append((ts, json.dumps(payload, sort_keys=True)))
        return web.json_response({"ok": True, "channel": channel, "ts": ts})


def _discord_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py compares the content type exactly, and takes a 429 without `Via` for a Cloudflare ban.
    out = {"Content-Type": "application/json", "Via": "1.1 google"}
    out.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=out)


def _message(message_id: int, channel: str, body: Any) -> dict[str, Any]:
    body = body if isinstance(body, dict) else {}
    return {
        "id": str(message_id),
        "channel_id": channel,
        "type": 0,
        "content": body.get("content") or "",
        "author": BOT_USER,
        "timestamp": "2025-02-14T09:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start `app` on a free loopback port; (runner to clean up, base URL)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"

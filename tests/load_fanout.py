"""Load: digest and outbox fan-out to ten thousand channels within the platforms' rate limits.

    python tests/load_fanout.py [--items 10000] [--workers 3] [--only digest|outbox] [--no-kill] [--json]

It starts a throwaway PostgreSQL server (tests/postgres_server.py), loopback
fakes of Discord and Slack that enforce their documented rate limits and
answer 429 with a retry-after when one is exceeded (tests/fanout_fakes.py),
and `--workers` real worker processes (this file run with `--worker`) on the
same database, each with discord.py's HTTP client and slack_sdk's Web API
client pointed at the fakes and the shared rate budget (bot/ratelimit.py).

1. Digest: `--items` subscriptions, Discord and Slack alternating, in seven
   timezones, all due this minute. Every worker runs one scheduler pass per
   platform at the same moment. Each channel must get exactly one post.
2. Outbox: `--items` posted answers over `--items`/20 channels (half Discord,
   half Slack; each Slack channel in its own workspace) all show one claim;
   the workers are idle, waiting for LISTEN/NOTIFY, when that claim is
   corrected. Every message must be edited once, in posted order within its
   channel. Half-way, one worker is killed (SIGKILL; `--no-kill` skips it):
   its claimed rows are taken over when their leases end.

Per run it prints items; seconds (from the go signal, or the correction's
commit, to the last delivery the fakes recorded; process start-up excluded);
the rate-limit minimum (the least time the documented limits allow: Discord's
50 requests/s per token and 5 edits per 5 s per channel, Slack's Tier 3 of 50
per minute per workspace); their ratio; 429s the fakes sent; doubled (a
channel posted twice, a note posted twice, or a message whose content was
changed by two different edits); missed; out of order; resent (an identical
edit sent again after a kill: invisible to readers, counted apart); and each
worker's peak RSS. With `--json` the last line is one object
`{"digest": {...}, "outbox": {...}}`. Exits 1 when anything was doubled,
missed or out of order. `tests/test_load_fanout.py` runs it at `--items 200`
in CI; pytest does not collect this file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(_ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _ROOT / "tests")]


from bot.permissions import Actor  # noqa: E402
from bot.service import TalksService  # noqa: E402
from knowledge.models import Moderator  # noqa: E402
from knowledge.store import Store  # noqa: E402
from tests.fanout_fakes import DISCORD_TOKEN, SLACK_TOKEN, FakeDiscord, FakeSlack, Recorder, serve  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Asia/Kolkata",
]
MESSAGES_PER_CHANNEL = 20
PROFILE = [os.environ["FANOUT_PROFILE"]] if os.environ.get("FANOUT_PROFILE") else []
DISCORD_GLOBAL = FakeDiscord.GLOBAL_PER_SECOND
DISCORD_ROUTE = (FakeDiscord.ROUTE_LIMIT, FakeDiscord.ROUTE_SECONDS)
SLACK_TIER3 = (FakeSlack.TIER3_PER_MINUTE, 60.0)
PARALLEL = 16
OUTBOX_LEASE = timedelta(seconds=20)
OUTBOX_CALL_TIMEOUT = 8.0  # discord.py may wait out a 5 s route bucket inside one call
OPERATOR = Actor(Moderator(platform="cli", user_id="load", name="load"))


# ---- the worker process ------------------------------------------------------------


async def _worker(args: argparse.Namespace) -> None:
    """One worker: ready, wait for "go" on stdin, then a digest pass or the outbox until killed."""
    import resource

    import discord
    from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.discord.editor import DiscordEditor
    from adapters.discord.poster import ChannelPoster
    from adapters.slack.editor import SlackEditor
    from adapters.slack.poster import SlackDigestPoster
    from bot.wiring import digest_scheduler, outbox_worker, rate_budget

    async with Store.open(args.db, create=False) as store:
        service = TalksService(store)
        await service.start(build=False)
        budget = rate_budget(service)
        discord.http.Route.BASE = f"{args.discord}/api/v10"
        client = discord.Client(intents=discord.Intents.none(), max_ratelimit_timeout=30.0)
        await client.http.static_login(DISCORD_TOKEN)
        slack = AsyncWebClient(
            token=SLACK_TOKEN, base_url=f"{args.slack}/api/", retry_handlers=[AsyncConnectionErrorRetryHandler()]
        )
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        name = f"load-{args.index}"
        try:
            if args.worker == "digest":
                passes = [
                    digest_scheduler(
                        service, "discord", ChannelPoster(client, budget=budget), parallel=PARALLEL, worker=name
                    ),
                    digest_scheduler(
                        service, "slack", SlackDigestPoster(slack, budget=budget), parallel=PARALLEL, worker=name
                    ),
                ]
                outcomes = [o for done in await asyncio.gather(*(p.run_due() for p in passes)) for o in done]
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                posted = sum(o.posted for o in outcomes)
                print(json.dumps({"posted": posted, "failed": len(outcomes) - posted, "rss_mb": rss}), flush=True)
            else:
                options: dict[str, Any] = {
                    "parallel": PARALLEL,
                    "lease": OUTBOX_LEASE,
                    "call_timeout": OUTBOX_CALL_TIMEOUT,
                    "backoff": 1.0,
                }
                workers = [
                    outbox_worker(service, "discord", DiscordEditor(client, budget=budget), worker=name, **options),
                    outbox_worker(service, "slack", SlackEditor(slack, budget=budget), worker=name, **options),
                ]
                await asyncio.gather(*(w.run_forever() for w in workers))
        finally:
            await client.http.close()


# ---- the conductor -----------------------------------------------------------------


class Workers:
    """`count` worker processes of one kind; their peak RSS is sampled from /proc while they run."""

    def __init__(self, kind: str, count: int, db: str, discord: str, slack: str, logs: Path) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.peak_kb = [0] * count
        self.logs = logs
        for i in range(count):
            err = (logs / f"{kind}-{i}.log").open("wb")
            argv = [sys.executable, *PROFILE, str(Path(__file__).resolve()), "--worker", kind, "--index", str(i)]
            argv += ["--db", db, "--discord", discord, "--slack", slack]
            self.procs.append(
                subprocess.Popen(argv, cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
            )

    async def ready(self) -> None:
        for i, proc in enumerate(self.procs):
            assert proc.stdout is not None
            line = await asyncio.to_thread(proc.stdout.readline)
            if line.strip() != b"ready":
                raise RuntimeError(f"worker {i} did not start: {self.tail(i)}")

    def go(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            proc.stdin.flush()

    def sample(self) -> None:
        for i, proc in enumerate(self.procs):
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb[i] = max(self.peak_kb[i], int(line.split()[1]))

    def tail(self, i: int) -> str:
        kind = "digest" if "digest" in str(self.procs[i].args) else "outbox"
        log = self.logs / f"{kind}-{i}.log"
        return log.read_text(errors="replace")[-1500:] if log.exists() else ""

    def kill(self, i: int) -> None:
        self.sample()
        self.procs[i].send_signal(signal.SIGKILL)

    def stop(self) -> None:
        self.sample()
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def peak_mb(self) -> list[float]:
        return [round(kb / 1024, 1) for kb in self.peak_kb]


async def _setup_digests(store: Store, items: int, now: datetime) -> dict[str, list[str]]:
    """`items` subscriptions due this minute, alternating Discord and Slack, over seven zones."""
    rows = []
    channels: dict[str, list[str]] = {"discord": [], "slack": []}
    for n in range(items):
        zone = ZONES[n % len(ZONES)]
        post_time = now.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        if n % 2 == 0:
            platform, channel, community = "discord", str(1_300_000_000_000_000_000 + n), str(1_200_000 + n // 7)
        else:
            platform, channel, community = "slack", f"CLOAD{n:06d}", f"TLOAD{n // 7:05d}"
        channels[platform].append(channel)
        rows.append((platform, channel, post_time, zone, "load", now.isoformat(), community, "public"))
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO digest_subscriptions (platform, channel_id, post_time, timezone, created_by, created_at, "
            "community_id, audience) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    return channels


async def _setup_posted(store: Store, items: int, claim_id: str, now: datetime) -> dict[str, list[str]]:
    """`items` posted answers showing `claim_id`, MESSAGES_PER_CHANNEL per channel; channel → message ids
    in posted order."""
    channels = max(1, math.ceil(items / MESSAGES_PER_CHANNEL))
    posted, links, workspace = [], [], {}
    order: dict[str, list[str]] = {}
    render = json.dumps({"question": "What was said about the call?"})
    for n in range(items):
        c = n % channels
        if c % 2 == 0:
            platform, channel, community = "discord", str(1_310_000_000_000_000_000 + c), str(1_210_000 + c)
            message = str(1_400_000_000_000_000_000 + n)
        else:
            platform, channel, community = "slack", f"CEDIT{c:05d}", f"TEDIT{c:05d}"
            message = f"{1_740_000_000 + n}.000100"
        workspace[channel] = community
        order.setdefault(channel, []).append(message)
        posted.append((n + 1, platform, community, channel, message, json.dumps([claim_id]), render, now.isoformat()))
        links.append((n + 1, claim_id))
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO posted_messages (id, platform, community_id, channel_id, message_id, kind, claim_ids, "
            "render, content_version, edit_via, after_expiry, posted_at) "
            "VALUES (?, ?, ?, ?, ?, 'answer', ?, ?, 1, 'bot', 'note', ?)",
            posted,
        )
        await conn.executemany("INSERT INTO posted_claims (posted_id, claim_id) VALUES (?, ?)", links)
    _WORKSPACES.update(workspace)
    return order


_WORKSPACES: dict[str, str] = {}


def _digest_minimum(discord_posts: int) -> float:
    # Every Slack channel gets one post: its per-channel limit allows that at once.
    return discord_posts / DISCORD_GLOBAL


def _outbox_minimum(order: dict[str, list[str]]) -> float:
    discord = [len(m) for c, m in order.items() if c.isdigit()]
    slack = [len(m) for c, m in order.items() if not c.isdigit()]
    count, per = DISCORD_ROUTE
    tier, minute = SLACK_TIER3
    bounds = [sum(discord) / DISCORD_GLOBAL]
    bounds += [((n - 1) // count) * per for n in discord]  # the last edit's window opens then
    bounds += [((n - 1) // tier) * minute for n in slack]
    return max(bounds)


def _summary(
    items: int, seconds: float, minimum: float, records: Sequence[Recorder], peak: list[float], **extra: Any
) -> dict[str, Any]:
    return {
        "items": items,
        "seconds": round(seconds, 2),
        "minimum_seconds": round(minimum, 2),
        "ratio": round(seconds / minimum, 3) if minimum else None,
        "rate_429": sum(r.rate_429 for r in records),
        "peak_rss_mb": peak,
        **extra,
    }


async def _run_digest(db: str, items: int, workers: int, logs: Path) -> dict[str, Any]:
    discord, slack = FakeDiscord(), FakeSlack()
    runners = [await serve(discord.app), await serve(slack.app)]
    try:
        async with Store.open(db) as store:
            channels = await _setup_digests(store, items, datetime.now(UTC))
        pool = Workers("digest", workers, db, runners[0][1], runners[1][1], logs)
        try:
            await pool.ready()
            t0 = time.time()
            pool.go()
            waiting = [asyncio.create_task(asyncio.to_thread(p.communicate)) for p in pool.procs]
            while not all(w.done() for w in waiting):
                pool.sample()
                await asyncio.sleep(0.5)
            for i, w in enumerate(waiting):
                if pool.procs[i].returncode != 0:
                    raise RuntimeError(f"digest worker {i} failed: {pool.tail(i)}")
                out = json.loads(w.result()[0].decode().strip().splitlines()[-1])
                pool.peak_kb[i] = max(pool.peak_kb[i], int(out["rss_mb"] * 1024))
        finally:
            pool.stop()
    finally:
        for runner, _ in runners:
            await runner.cleanup()
    posts = {**discord.record.posts, **slack.record.posts}
    expected = channels["discord"] + channels["slack"]
    last = max(discord.record.last_at, slack.record.last_at)
    return _summary(
        items,
        last - t0,
        _digest_minimum(len(channels["discord"])),
        [discord.record, slack.record],
        pool.peak_mb(),
        doubled=sum(max(0, len(posts.get(c, [])) - 1) for c in expected),
        missed=sum(1 for c in expected if not posts.get(c)),
        out_of_order=0,
        resent=0,
        killed_worker=None,
    )


async def _run_outbox(db: str, items: int, workers: int, logs: Path, kill: bool) -> dict[str, Any]:
    discord, slack = FakeDiscord(), FakeSlack(_WORKSPACES)
    runners = [await serve(discord.app), await serve(slack.app)]
    killed: int | None = None
    try:
        async with Store.open(db) as store:
            service = TalksService(store)
            await service.start(build=False, listen=False)
            claim_id = service.live.most_important()[0]
            order = await _setup_posted(store, items, claim_id, datetime.now(UTC))
            pool = Workers("outbox", workers, db, runners[0][1], runners[1][1], logs)
            try:
                await pool.ready()
                pool.go()
                await asyncio.sleep(1.0)  # every worker is idle, listening
                t0 = time.time()
                await service.correct(OPERATOR, claim_id, "A corrected statement for the load run.", "load run")
                deadline = t0 + 3 * _outbox_minimum(order) + 120
                while time.time() < deadline:
                    pool.sample()
                    edited = _edited(discord.record) | _edited(slack.record)
                    if kill and killed is None and workers > 1 and len(edited) >= items // 2:
                        killed = workers - 1
                        pool.kill(killed)
                    if len(edited) >= items and not await _unfinished(store):
                        break
                    for i, proc in enumerate(pool.procs):
                        if proc.poll() is not None and i != killed:
                            raise RuntimeError(f"outbox worker {i} exited: {pool.tail(i)}")
                    await asyncio.sleep(0.25)
            finally:
                pool.stop()
                await service.stop()
    finally:
        for runner, _ in runners:
            await runner.cleanup()
    edits = {**discord.record.edits, **slack.record.edits}
    doubled = resent = out_of_order = missed = 0
    for channel, messages in order.items():
        arrived = edits.get(channel, [])
        firsts: list[str] = []
        payloads: dict[str, set[str]] = {}
        for message, payload in arrived:
            if message not in payloads:
                firsts.append(message)
            payloads.setdefault(message, set()).add(payload)
        rank = {m: i for i, m in enumerate(messages)}
        out_of_order += sum(1 for a, b in itertools.pairwise(firsts) if rank[a] > rank[b])
        missed += sum(1 for m in messages if m not in payloads)
        doubled += sum(len(p) - 1 for p in payloads.values())
        resent += sum(1 for _ in arrived) - len(payloads) - sum(len(p) - 1 for p in payloads.values())
    notes = [*discord.record.notes.values(), *slack.record.notes.values()]
    doubled += sum(n - 1 for n in notes if n > 1)
    last = max(discord.record.last_at, slack.record.last_at)
    return _summary(
        items,
        last - t0,
        _outbox_minimum(order),
        [discord.record, slack.record],
        pool.peak_mb(),
        doubled=doubled,
        missed=missed,
        out_of_order=out_of_order,
        resent=resent,
        killed_worker=killed,
    )


def _edited(record: Recorder) -> set[str]:
    return {m for arrived in record.edits.values() for m, _ in arrived}


async def _unfinished(store: Store) -> int:
    async with store.db.reading(snapshot=False) as conn:
        row = await conn.fetchone("SELECT count(*) FROM outbox WHERE status IN ('pending', 'claimed')")
    return int(row[0]) if row else 0


async def run(items: int, workers: int = 3, only: str | None = None, kill: bool = True) -> dict[str, Any]:
    """Both runs on a fresh server; {"digest": {...}, "outbox": {...}} (a run left out by `only` is absent)."""
    server = PostgresServer.start()
    out: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="talksbot-fanout-") as tmp:
            logs = Path(tmp)
            os.environ["XDG_CACHE_HOME"] = str(logs / "cache")  # index snapshots stay in the throwaway dir
            for kind in ("digest", "outbox"):
                if only not in (None, kind):
                    continue
                server.sql(f'CREATE DATABASE "{kind}"')
                db = server.url(kind)
                async with Store.open(db) as store:  # built once here, not raced by the workers
                    service = TalksService(store)
                    await service.start(listen=False)
                    await service.snapshot_saved()
                    await service.stop()
                if kind == "digest":
                    out[kind] = await _run_digest(db, items, workers, logs)
                else:
                    out[kind] = await _run_outbox(db, items, workers, logs, kill)
    finally:
        server.stop()
    return out


def broken(result: dict[str, Any]) -> list[str]:
    """Every guarantee a run broke, as sentences (empty when none)."""
    return [
        f"{kind}: {result[kind][key]} {key}"
        for kind in result
        for key in ("doubled", "missed", "out_of_order")
        if result[kind][key]
    ]


def _table(result: dict[str, Any]) -> str:
    head = (
        f"{'run':<7} {'items':>6} {'seconds':>8} {'minimum':>8} {'ratio':>6} {'429s':>5} {'doubled':>7} "
        f"{'missed':>6} {'order':>5} {'resent':>6}  peak RSS MB per worker"
    )
    lines = [head]
    for kind, r in result.items():
        lines.append(
            f"{kind:<7} {r['items']:>6} {r['seconds']:>8.2f} {r['minimum_seconds']:>8.2f} {r['ratio'] or 0:>6.3f} "
            f"{r['rate_429']:>5} {r['doubled']:>7} {r['missed']:>6} {r['out_of_order']:>5} {r['resent']:>6}  "
            f"{r['peak_rss_mb']}" + (f" (worker {r['killed_worker']} killed half-way)" if r["killed_worker"] else "")
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--only", choices=["digest", "outbox"])
    parser.add_argument("--no-kill", action="store_true", help="do not kill a worker half-way through the outbox run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", choices=["digest", "outbox"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    for name in ("--db", "--discord", "--slack"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        asyncio.run(_worker(args))
        return 0
    result = asyncio.run(run(args.items, args.workers, args.only, not args.no_kill))
    print(_table(result))
    if args.json:
        print(json.dumps(result))
    return 1 if broken(result) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Load: several Slack HTTP workers on one PostgreSQL database.

    python tests/load_slack.py [--requests 600] [--concurrency 60] [--retries 100] [--workers 3]
                               [--slow-callbacks] [--json]

It starts a throwaway PostgreSQL server (tests/postgres_server.py), a fake
Slack Web API on 127.0.0.1 (tests/adapters/slack_fakes.py) and N real
`talksbot run slack --http` worker processes on the same database, then:

1. sends `--requests` correctly signed `/talks` questions at `--concurrency`,
   spread round-robin over the workers, and re-sends `--retries` of them (same
   trigger id, same response_url) to a *different* worker, as a retry behind a
   load balancer would arrive. Every request must be acknowledged (HTTP 200)
   within 3 s and every question answered exactly once: a response_url that
   gets no answer is "lost", one that gets two is "doubled";
2. retracts the top claim through one worker and measures how long until the
   other workers' answers stop showing it (propagation: LISTEN/NOTIFY, or the
   version check before each answer);
3. runs 3 digest schedulers (separate processes' worth of store connections)
   on due subscriptions at once and counts posts per channel (must be 1).

With `--slow-callbacks` the workers run with asyncio's debug mode on and every
callback that holds a worker's event loop over 50 ms logged (tests/slow_callbacks.py);
the run then reports how many there were and the worst one. Debug mode itself
slows every callback a little, so those acknowledgement times run high.

Prints a table; exits 1 when a guarantee is broken. `tests/test_load.py`
runs it at a small size in CI; pytest does not collect this file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(_ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _ROOT / "tests")]

from bot.permissions import Actor  # noqa: E402
from bot.replies import DigestReply  # noqa: E402
from bot.scheduler import DigestScheduler  # noqa: E402
from bot.service import DigestDesk, TalksService  # noqa: E402
from knowledge.models import Moderator, Place  # noqa: E402
from knowledge.paths import curated_claims_file  # noqa: E402
from knowledge.store import Store  # noqa: E402
from tests.adapters.slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackSender  # noqa: E402
from tests.bench import build_store  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402
from tests.slow_callbacks import CPU_REPORTED, REPORTED, slow_callbacks  # noqa: E402

ACK_LIMIT_S = 3.0
MODERATOR = "UMODLOAD01"
QUESTIONS = [
    "How long was the Trump Putin call?",
    "Who is on the US negotiating team?",
    "Where will Trump and Putin meet?",
    "What did the Kremlin say about the call?",
    "How did Zelenskyy react to the call?",
    "What did European ministers say in Paris?",
]
PROBE = "How long was the Trump Putin call?"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = _tail(log)
            raise RuntimeError(f"worker exited with {proc.returncode}: {err}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"worker on port {port} did not start")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


def _start_worker(db: str, api: str, port: int, log: Path, *, slow_callbacks: bool) -> subprocess.Popen[bytes]:
    """A `talksbot run slack --http` process; its stderr goes to `log` (a file: a pipe
    nobody reads would fill up and stall the worker)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TALKSBOT_", "SLACK_", "DISCORD_"))},
        "TALKSBOT_DB": db,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "TALKSBOT_SLACK_API_URL": api,
        "TALKSBOT_MODERATOR_USERS": f"slack:{MODERATOR}",
        "TALKSBOT_LOG_LEVEL": "WARNING",
    }
    argv = ["adapters.main", "run", "slack", "--http", "--host", "127.0.0.1", "--port", str(port)]
    launcher = ["-m", "tests.slow_callbacks"] if slow_callbacks else ["-m"]
    with log.open("wb") as err:
        return subprocess.Popen(
            [sys.executable, *launcher, *argv], env=env, cwd=_ROOT, stdout=subprocess.DEVNULL, stderr=err
        )


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _load(
    senders: list[SlackSender], fake: FakeSlackApi, n: int, concurrency: int, retries: int
) -> dict[str, Any]:
    slots = asyncio.Semaphore(concurrency)
    acks: list[float] = []
    bad: list[str] = []

    async def send(i: int, worker: int, retry: bool = False) -> None:
        async with slots:
            question = QUESTIONS[i % len(QUESTIONS)]
            t0 = time.perf_counter()
            status, _ = await senders[worker].command(
                question, response_url=fake.response_url(f"q{i}"), trigger_id=f"load.{i}.trigger"
            )
            elapsed = time.perf_counter() - t0
            acks.append(elapsed)
            if status != 200 or elapsed > ACK_LIMIT_S:
                bad.append(f"q{i}{' retry' if retry else ''}: HTTP {status} after {elapsed:.2f} s")

    await asyncio.gather(*(send(i, i % len(senders)) for i in range(n)))
    # A retry of an acknowledged request goes to the next worker along, as a load balancer might send it.
    await asyncio.gather(*(send(i, (i + 1) % len(senders), retry=True) for i in range(min(retries, n))))
    for i in range(n):
        with contextlib.suppress(AssertionError):  # not answered in time: counted as lost below
            await fake.wait_for(f"response:q{i}", within=30)
    return {
        "requests": n + min(retries, n),
        "ack_p50_ms": round(statistics.median(acks) * 1000, 1),
        "ack_p99_ms": round(_percentile(acks, 99) * 1000, 1),
        "ack_max_ms": round(max(acks) * 1000, 1),
        "late_or_failed": bad,
    }


def _answer_counts(fake: FakeSlackApi, n: int) -> dict[str, int]:
    """Counted last, after the other phases: a retry answered twice has had every chance to show.

    A `replace_original` post is not an answer: it is the outbox bringing an answer up to
    date after the propagation phase's retraction (see README, "When a fact is corrected").
    """
    counts = [
        sum(1 for c in fake.calls_to(f"response:q{i}") if c.data.get("replace_original") is not True) for i in range(n)
    ]
    return {"lost": sum(1 for c in counts if c == 0), "doubled": sum(1 for c in counts if c > 1)}


async def _propagation(senders: list[SlackSender], fake: FakeSlackApi, db: str) -> dict[str, Any]:
    """Retract the probe's top claim through worker 0; time until workers 1.. stop showing it."""
    async with Store.open(db) as store:
        service = TalksService(store)
        await service.start(build=False)
        reply = await service.ask(PROBE, log_question=False)
        top = reply.claims[0]  # type: ignore[union-attr]
    await senders[0].command(
        f"retract {top.claim_id} load test", user_id=MODERATOR, response_url=fake.response_url("retract")
    )
    await fake.wait_for("response:retract")
    t0 = time.perf_counter()
    seen_after: list[float] = []
    probe = itertools.count()
    for worker in senders[1:]:
        while True:
            name = f"probe{next(probe)}"
            await worker.command(PROBE, response_url=fake.response_url(name))
            # The first post is the answer; a later one is the outbox updating it after the retraction.
            answer = (await fake.wait_for(f"response:{name}"))[0]
            if not str(answer.data.get("text", "")).startswith("1. " + top.text[:40]):
                seen_after.append(time.perf_counter() - t0)
                break
            if time.perf_counter() - t0 > 10:
                raise RuntimeError("a worker still answers with a retracted claim after 10 s")
    return {"retracted": top.claim_id, "propagation_ms": round(max(seen_after) * 1000, 1)}


class _CountingPoster:
    def __init__(self, posts: dict[str, int]) -> None:
        self.posts = posts

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        await asyncio.sleep(0.01)  # a platform round trip, so the schedulers truly overlap
        self.posts[channel_id] = self.posts.get(channel_id, 0) + 1


async def _schedulers(db: str, channels: int) -> dict[str, Any]:
    """Three schedulers, each on its own store connections, claim the same due digests at once."""
    operator = Actor(Moderator(platform="cli", user_id="load", name="load"))
    posts: dict[str, int] = {}
    # Noon today: "an hour ago" is then today at any wall-clock hour (between 00:00 and 00:59
    # UTC the digests were due yesterday at 23:00, a time still to come today, and none ran).
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    async with Store.open(db) as a, Store.open(db) as b, Store.open(db) as c:
        services = [TalksService(s) for s in (a, b, c)]
        for service in services:
            await service.start(build=False)
        for i in range(channels):
            place = Place(platform="loadtest", community_id="T0LOAD", channel_id=f"C{i:04d}")
            await services[0].subscribe(operator, place, f"{(now.hour - 1) % 24:02d}:00", "UTC")
        schedulers = [
            DigestScheduler(DigestDesk(s), "loadtest", _CountingPoster(posts), worker=f"load-{n}", clock=lambda: now)
            for n, s in enumerate(services)
        ]
        await asyncio.gather(*(s.run_due() for s in schedulers))
    return {
        "digest_channels": channels,
        "digest_posts": sum(posts.values()),
        "digests_doubled": sum(1 for v in posts.values() if v > 1),
        "digests_missed": channels - len(posts),
    }


async def run(
    requests: int,
    concurrency: int,
    retries: int,
    workers: int,
    channels: int,
    *,
    slow_callbacks_on: bool = False,
    keep_logs: Path | None = None,
    scale: int = 1,
) -> dict[str, Any]:
    server = PostgresServer.start()
    fake = FakeSlackApi()
    procs: list[subprocess.Popen[bytes]] = []
    logs_dir = tempfile.TemporaryDirectory(prefix="talksbot-load-")
    logs = [(keep_logs or Path(logs_dir.name)) / f"worker-{n}.log" for n in range(workers)]
    try:
        server.sql('CREATE DATABASE "talksbot_load"')
        db = server.url("talksbot_load")
        await fake.start()
        if scale > 1:  # the real claims and (scale-1)x synthetic ones, as tests/bench.py builds them
            await build_store(scale, curated_claims_file(), db)
        async with Store.open(db) as store:  # build once, so the workers start on a ready store
            await TalksService(store).start()
        ports = [_free_port() for _ in range(workers)]
        procs = [
            _start_worker(db, fake.base_url, port, log, slow_callbacks=slow_callbacks_on)
            for port, log in zip(ports, logs, strict=True)
        ]
        for port, proc, log in zip(ports, procs, logs, strict=True):
            await _wait_listening(port, proc, log)
        senders = [SlackSender(f"http://127.0.0.1:{port}/slack/events") for port in ports]
        # Workers log in local time (logging's asctime); what they report after this is serving.
        serving_from = datetime.now()
        result: dict[str, Any] = {"workers": workers, "concurrency": concurrency, "scale": scale}
        result |= await _load(senders, fake, requests, concurrency, retries)
        result |= await _propagation(senders, fake, db)
        result |= await _schedulers(db, channels)
        result |= _answer_counts(fake, requests)
        if slow_callbacks_on:
            result |= _slowest(logs, serving_from)
        return result
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        await fake.stop()
        server.stop()
        logs_dir.cleanup()


def _slowest(logs: list[Path], serving_from: datetime) -> dict[str, Any]:
    """What asyncio reported across the workers: callbacks over 50 ms while serving the
    load (and, apart, during start-up, before the first request), and the worst."""
    out: dict[str, Any] = {}
    for kind, pattern in (("", REPORTED), ("cpu_", CPU_REPORTED)):
        found = sorted((hit for log in logs for hit in slow_callbacks(log, pattern)), key=lambda h: h[0], reverse=True)
        serving = [hit for hit in found if hit[2] is None or hit[2] >= serving_from]
        starting = [hit for hit in found if hit not in serving]
        worst_s, worst, _at = serving[0] if serving else (0.0, "none over 50 ms", None)
        out |= {
            f"{kind}slow_callbacks": len(serving),
            f"{kind}worst_callback_ms": round(worst_s * 1000, 1),
            f"{kind}worst_callback": worst[:300],
            f"{kind}slow_at_start_up": len(starting),
            f"{kind}worst_start_up_ms": round(starting[0][0] * 1000, 1) if starting else 0.0,
            f"{kind}worst_start_up": starting[0][1][:300] if starting else "",
        }
    return out


def broken(result: dict[str, Any]) -> list[str]:
    """The guarantees this run broke (empty when all held)."""
    problems = list(result["late_or_failed"])
    for key in ("lost", "doubled", "digests_doubled", "digests_missed"):
        if result[key]:
            problems.append(f"{key}: {result[key]}")
    if result["propagation_ms"] > 1000:
        problems.append(f"propagation took {result['propagation_ms']} ms (limit 1000)")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=60)
    parser.add_argument("--retries", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--channels", type=int, default=30, help="due digest subscriptions for the schedulers")
    parser.add_argument(
        "--slow-callbacks", action="store_true", help="asyncio debug mode in the workers; report callbacks over 50 ms"
    )
    parser.add_argument("--logs", type=Path, help="keep the workers' stderr in this directory")
    parser.add_argument(
        "--scale", type=int, default=1, help="store size: multiples of the real claims (tests/bench.py)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.logs is not None:
        args.logs.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(
        run(
            args.requests,
            args.concurrency,
            args.retries,
            args.workers,
            args.channels,
            slow_callbacks_on=args.slow_callbacks,
            keep_logs=args.logs,
            scale=args.scale,
        )
    )
    for key, value in result.items():
        if key != "late_or_failed":
            print(f"{key:>18}: {value}")
    problems = broken(result)
    print("guarantees: " + ("all held" if not problems else "; ".join(problems)))
    if args.json:
        print(json.dumps(result))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: what one outbox pass costs with a large backlog, on SQLite and PostgreSQL.

    python tests/bench_outbox.py [--rows 100000] [--passes 20] [--backend sqlite|postgresql|both]

A pass is `OutboxStore.claim(platform, worker, now, lease_expired_before, limit=4)`,
what the outbox worker runs each time it looks for work. The store holds `--rows`
pending updates (one posted message each, written directly), in three shapes:

- one channel, head due: each pass takes that channel's oldest row, which is then
  marked done (not timed), so the next pass finds the next one;
- one channel, head in flight: the oldest row is claimed by another worker, so a
  pass takes nothing (and must find that out);
- spread over 1,000 channels (`--rows` / 1,000 each), heads due;
- the same with every channel's head in flight: a pass takes nothing (the worst case:
  every channel is looked at).

Each figure is the median (and max) wall time of `--passes` passes in ms. Run it
from another checkout (PYTHONPATH pointing at it) to compare code versions: it
uses nothing newer than the outbox store itself. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, Python puts tests/ first on sys.path, where tests/knowledge would shadow
# the real package. The project root goes last, so a PYTHONPATH naming another checkout wins.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [*(p for p in sys.path if Path(p or ".").resolve() != _ROOT / "tests"), str(_ROOT)]

from knowledge.store import Store  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
BATCH = 20_000


async def _fill(store: Store, rows: int, channels: int) -> None:
    """`rows` pending outbox rows over `channels` channels, each for its own posted message."""
    stamp = NOW.isoformat()
    for at in range(0, rows, BATCH):
        ids = range(at + 1, min(rows, at + BATCH) + 1)
        async with store.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO posted_messages (id, platform, channel_id, message_id, kind, claim_ids, "
                "content_version, edit_via, posted_at) VALUES (?, 'discord', ?, ?, 'answer', '[]', 1, 'bot', ?)",
                [(n, f"C{n % channels}", f"m{n}", stamp) for n in ids],
            )
            await conn.executemany(
                "INSERT INTO outbox (posted_id, platform, channel_key, change_id, claim_id, content_version, "
                "created_at) VALUES (?, 'discord', ?, 1, 'c', 2, ?)",
                [(n, f"discord:C{n % channels}", stamp) for n in ids],
            )
    if store.db.dialect == "postgresql":
        async with store.db.transaction() as conn:
            await conn.execute("ANALYZE outbox")
            await conn.execute("ANALYZE posted_messages")


async def _timed_pass(store: Store, worker: str) -> tuple[float, list[int]]:
    t0 = time.perf_counter()
    taken = await store.outbox.claim("discord", worker, NOW, NOW - LEASE, limit=4)
    return (time.perf_counter() - t0) * 1000, [item.id for item in taken]


async def _done(store: Store, ids: list[int]) -> None:
    async with store.db.transaction() as conn:
        for outbox_id in ids:
            await conn.execute("UPDATE outbox SET status = 'updated' WHERE id = ?", (outbox_id,))


async def measure(location: str, rows: int, passes: int) -> dict[str, list[float]]:
    """Per shape, the wall time of each pass in ms."""
    out: dict[str, list[float]] = {}
    async with Store.open(location) as store:
        await _fill(store, rows, 1)
        due: list[float] = []
        for _ in range(passes):
            ms, ids = await _timed_pass(store, "w1")
            assert len(ids) == 1, ids
            due.append(ms)
            await _done(store, ids)
        out["one channel, head due"] = due
        ms, held = await _timed_pass(store, "holder")
        assert len(held) == 1
        blocked: list[float] = []
        for _ in range(passes):
            ms, ids = await _timed_pass(store, "w2")
            assert ids == [], ids
            blocked.append(ms)
        out["one channel, head in flight"] = blocked
        async with store.db.transaction() as conn:
            await conn.execute("DELETE FROM outbox")
            await conn.execute("DELETE FROM posted_messages")
        await _fill(store, rows, 1000)
        spread: list[float] = []
        for _ in range(passes):
            ms, ids = await _timed_pass(store, "w3")
            assert len(ids) == 4, ids
            spread.append(ms)
            await _done(store, ids)
        out["1,000 channels, heads due"] = spread
        # Every channel's head in flight (1,000 workers' worth): nothing may be taken.
        held = await store.outbox.claim("discord", "holders", NOW, NOW - LEASE, limit=1000)
        assert len(held) == 1000, len(held)
        walked: list[float] = []
        for _ in range(passes):
            ms, ids = await _timed_pass(store, "w4")
            assert ids == [], ids
            walked.append(ms)
        out["1,000 channels, heads in flight"] = walked
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000, help="pending outbox rows")
    parser.add_argument("--passes", type=int, default=20, help="passes timed per shape")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{args.rows:,} pending outbox rows; ms per claim pass (limit 4), median / max of {args.passes}")
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="talksbot-outbox-") as tmp:
            server = PostgresServer.start() if backend == "postgresql" else None
            try:
                if server is not None:
                    name = f"b_{uuid.uuid4().hex[:12]}"
                    server.sql(f'CREATE DATABASE "{name}"')
                    location = server.url(name)
                else:
                    location = str(Path(tmp) / "outbox.db")
                results = asyncio.run(measure(location, args.rows, args.passes))
            finally:
                if server is not None:
                    server.stop()
        for shape, times in results.items():
            print(f"{backend:<10} {shape:<32} {statistics.median(times):8.2f} / {max(times):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

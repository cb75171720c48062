"""Benchmark: 200 concurrent views of claim pages served by `talksbot run web`.

    python tests/bench_web.py [--views 4000] [--concurrency 200] [--workers 1] [--json]

Starts `talksbot run web` (the installed console script, as an operator would) on a
fresh SQLite database in a temporary directory, waits until it answers, views every
claim page once to warm up, then sends `--views` GETs of claim pages (cycling through
every claim) from one client process, `--concurrency` of them in flight at any time,
each timed from sending the request to reading the whole page. Prints p50, p90, p99
and max latency, pages per second, the server's CPU time per view (user + system, from
/proc: what a view costs whatever else the machine runs) and the load average. With
`--workers N` it starts N servers on N ports sharing the database and the client
spreads the views over them.

Not collected by pytest (not a timed test). Target: p99 <= 100 ms at 200 concurrent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

EXE = Path(sys.executable).with_name("talksbot")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_up(url: str, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"the web server at {url} did not start")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> int:
    """One GET on a kept-alive connection; the status. A bare HTTP/1.1 client on asyncio
    streams: aiohttp's client costs several times the server's CPU per request, and on a
    2-core machine the client's CPU would be measured as the server's latency."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    await reader.readexactly(length)
    return status


async def view_pages(bases: list[str], ids: list[str], views: int, concurrency: int) -> tuple[list[float], float]:
    """`views` page views over `concurrency` kept-alive connections, each with one request in flight."""
    latencies: list[float] = []
    counter = iter(range(views))

    async def connection(n: int, warm: bool) -> None:
        base = bases[n % len(bases)]
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for k in range(n, len(ids), concurrency) if warm else counter:
                path = f"/claims/{ids[k % len(ids)]}"
                start = time.perf_counter()
                status = await _get(reader, writer, f"{host}:{port}", path)
                assert status == 200, (path, status)
                if not warm:
                    latencies.append(time.perf_counter() - start)
        finally:
            writer.close()

    await asyncio.gather(*(connection(n, True) for n in range(concurrency)))  # warm-up: every page once
    began = time.perf_counter()
    await asyncio.gather(*(connection(n, False) for n in range(concurrency)))
    return latencies, time.perf_counter() - began


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--views", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TALKSBOT_DB": str(Path(tmp) / "talksbot.db"), "XDG_DATA_HOME": tmp, "XDG_CACHE_HOME": tmp}
        env = {k: v for k, v in env.items() if not k.startswith(("DISCORD_", "SLACK_"))}
        claims = json.loads(subprocess.run([EXE, "claims", "--json"], env=env, check=True, capture_output=True).stdout)
        ids = [c["claim_id"] for c in claims]
        ports = [free_port() for _ in range(args.workers)]
        servers = [
            subprocess.Popen(
                [EXE, "run", "web", "--host", "127.0.0.1", "--port", str(port)],
                env={**env, "TALKSBOT_LOG_LEVEL": "WARNING"},
            )
            for port in ports
        ]
        try:
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            for base in bases:
                asyncio.run(wait_up(base + "/"))
            cpu_before = sum(cpu_seconds(server.pid) for server in servers)
            latencies, wall = asyncio.run(view_pages(bases, ids, args.views, args.concurrency))
            # Includes the warm-up pass (one view per claim), counted in the views below.
            cpu = sum(cpu_seconds(server.pid) for server in servers) - cpu_before
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
    result = {
        "views": len(latencies),
        "concurrency": args.concurrency,
        "workers": args.workers,
        "claims": len(ids),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p90_ms": round(percentile(latencies, 90) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "pages_per_s": round(len(latencies) / wall),
        # What a view costs the server whatever else the machine runs: its user + system CPU time.
        "server_cpu_ms_per_view": round(cpu * 1000 / (len(latencies) + len(ids)), 3),
        "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items()))
    return 0 if result["p99_ms"] <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())

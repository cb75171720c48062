"""Benchmark: answer latency, memory and start-up from the real store up to 1000x its claims.

    python tests/bench.py [--scales 1,100,1000] [--runs 5] [--backend sqlite|postgresql] [--json]

For each scale N the store holds the real curated claims plus (N-1)x as many
synthetic ones (see tests/bench_data.py), written through the production code
(`Store.sync_curated`) to a real SQLite file or, with `--backend postgresql`,
to a database on a throwaway PostgreSQL server, with the same inputs digest a
`talksbot` process checks, so a new process uses the store as it is.

Each scale runs in fresh worker processes, so scales do not share memory:
1. build worker: generate the claims and write the store (`write_s`);
2. serve workers (`--runs` of them, one after another): `TalksService.start()`
   (`index_s`: the first run builds the index from the claims and saves its
   snapshot, `build_s` = write_s + that; later runs load the snapshot), then
   answer the question mix through `service.ask(q, log_question=False)`, the
   path users get, after one warm-up pass. Each question is timed 3 times and
   its median kept; p50 / p99 / max are over the questions. `rss_mb` is the
   process's peak RSS (ru_maxrss) after answering; `first_rss_mb` that of the
   run that built the index. The naive baseline, `rapidfuzz.process.extract(q,
   texts, scorer=fuzz.WRatio, limit=3)` over every claim's text, runs last in
   the same process (on every 4th question above 20,000 claims); `speedup`
   compares the p50s on the same questions;
3. cold start: `talksbot ask "…"` in a new process on the built store, wall
   time from spawn to exit, median of 3 after one untimed run (which compiles
   the bytecode, as `pip install` does, and warms the page cache), `--runs` times.

With `--runs` above 1, each figure is the median over runs, and min/median/max
of p50, p99, RSS and cold start are printed as well.

Not collected by pytest. Needs the curated claims file (or `--claims PATH`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Run as a script, Python puts tests/ first on sys.path, where tests/knowledge and
# tests/bot (the test packages) would shadow the real ones: use the project root.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(_ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _ROOT / "tests")]

from rapidfuzz import fuzz, process  # noqa: E402

from bot.service import TalksService  # noqa: E402
from knowledge.articles.curated import load_curated, verify_claims  # noqa: E402
from knowledge.articles.sources import load_seeds  # noqa: E402
from knowledge.models import ClaimState, Moderator, Place  # noqa: E402
from knowledge.paths import curated_claims_file, seeds_dir  # noqa: E402
from knowledge.store import Store  # noqa: E402
from knowledge.store.build import inputs_digest  # noqa: E402
from tests.bench_data import question_mix, synthetic_claims  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402

ROUNDS = 3
BENCH = Place(platform="bench")
CURATED_VERSION = 1
COLD_RUNS = 3
# Candidates tantivy returns per question, as tests/bench_engines.py's default --k.
TANTIVY_K = 50
BASELINE_SUBSET_ABOVE = 20_000
COLD_QUESTION = "Who is on Trump's negotiating team for Ukraine?"
NOW = datetime(2025, 2, 20, 12, 0, tzinfo=UTC)
TARGETS = {  # scale → (metric, limit, "<=" or ">=")
    "1": [("p99_ms", 2.0, "<="), ("cold_start_s", 1.0, "<=")],
    "1000": [
        ("p99_ms", 10.0, "<="),
        ("cold_start_s", 1.0, "<="),
        ("rss_mb", 600.0, "<="),
        ("first_rss_mb", 600.0, "<="),
        ("build_s", 60.0, "<="),
        ("speedup", 20.0, ">="),
    ],
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _ms(ns: float) -> float:
    return round(ns / 1e6, 3)


def _percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


# ---- worker 1: build the store ------------------------------------------------------


async def build_store(scale: int, claims_path: Path, db: str) -> dict[str, Any]:
    """Writes `db`: the real claims plus (scale-1)x synthetic ones."""
    seeds = load_seeds(seeds_dir())
    real = load_curated(claims_path)
    verify_claims(real, seeds)
    t0 = time.perf_counter()
    claims = real + synthetic_claims(real, len(real) * (scale - 1))
    gen_s = time.perf_counter() - t0
    digest = inputs_digest(seeds_dir(), curated_claims_file())
    sources = [(s.source, hashlib.sha256(s.article.text.encode()).hexdigest()) for s in seeds.values()]
    t0 = time.perf_counter()
    async with Store.open(db) as store:
        await store.claims.sync_curated(sources, claims, digest=digest, curated_version=CURATED_VERSION, now=NOW)
    write_s = time.perf_counter() - t0
    return {
        "claims": len(claims),
        "real_claims": len(real),
        "gen_s": gen_s,
        "write_s": write_s,
        "build_rss_mb": _rss_mb(),
    }


# ---- worker 2: load, answer, baseline -----------------------------------------------


async def _time_asks(service: TalksService, questions: list[str]) -> list[float]:
    """Median of ROUNDS timings (ns) per question, after one warm-up pass."""
    for q in questions:
        await service.ask(q, BENCH, log_question=False)
    runs: list[list[int]] = [[] for _ in questions]
    for _ in range(ROUNDS):
        for i, q in enumerate(questions):
            t0 = time.perf_counter_ns()
            await service.ask(q, BENCH, log_question=False)
            runs[i].append(time.perf_counter_ns() - t0)
    return [statistics.median(r) for r in runs]


async def serve_store(db: str) -> dict[str, Any]:
    """Read-only on `db` (ask is called with log_question=False)."""
    mix = question_mix()
    questions = [q for _, q in mix]
    async with Store.open(db) as store:
        service = TalksService(store)
        t0 = time.perf_counter()
        await service.start()
        index_s = time.perf_counter() - t0
        ours = await _time_asks(service, questions)
        answered: dict[str, list[bool]] = {}
        for kind, q in mix:
            reply = await service.ask(q, BENCH, log_question=False)
            answered.setdefault(kind, []).append(bool(getattr(reply, "claims", None)))
        rss_mb = _rss_mb()
        claims = await service.all_claims()
        pickup = await _pickup(service, db, claims[0].claim_id)
        states = await store.claims.load_states()
    tantivy_p99 = _tantivy_p99(states, questions)
    del states
    texts = [c.text for c in claims]
    step = 4 if len(texts) > BASELINE_SUBSET_ABOVE else 1
    subset = list(range(0, len(questions), step))
    process.extract(questions[0], texts, scorer=fuzz.WRatio, limit=3)  # warm-up
    base: list[int] = []
    for i in subset:
        t0 = time.perf_counter_ns()
        process.extract(questions[i], texts, scorer=fuzz.WRatio, limit=3)
        base.append(time.perf_counter_ns() - t0)
    ours_subset_p50 = statistics.median(ours[i] for i in subset)
    baseline_p50 = statistics.median(base)
    return {
        "index_s": index_s,
        "p50_ms": _ms(_percentile(ours, 50)),
        "p99_ms": _ms(_percentile(ours, 99)),
        "max_ms": _ms(max(ours)),
        "questions": len(questions),
        "answered": {k: round(sum(v) / len(v), 3) for k, v in answered.items()},
        "answered_each": answered,
        "rss_mb": round(rss_mb, 1),
        "baseline_p50_ms": _ms(baseline_p50),
        "baseline_questions": len(subset),
        "speedup": round(baseline_p50 / ours_subset_p50, 1),
        "tantivy_p99_ms": tantivy_p99,
        "p99_vs_tantivy": round(_percentile(ours, 99) / 1e6 / tantivy_p99, 2) if tantivy_p99 else None,
        **pickup,
    }


def _tantivy_p99(states: list[ClaimState], questions: list[str]) -> float | None:
    """p99 ms of tantivy's candidate retrieval over the same claims and questions, in this process
    (tests/bench_engines.py's `tantivy` engine, `terms` query, top TANTIVY_K); None without tantivy."""
    if importlib.util.find_spec("tantivy") is None:
        return None
    from tests import bench_engines as engines

    docs = [engines._doc_tokens(s) for s in states]
    with tempfile.TemporaryDirectory(prefix="talksbot-bench-tantivy-") as tmp:
        engines.tantivy_build(Path(tmp), docs)
        index, searcher, _ = engines.tantivy_open(Path(tmp))
        timings = engines._time(
            lambda q: engines.tantivy_search(index, searcher, engines._plain_terms(q), TANTIVY_K), questions
        )
    return _ms(_percentile(timings, 99))


async def _pickup(service: TalksService, db: str, claim_id: str) -> dict[str, float]:
    """Writes `db`: how long this process takes to reflect a change another connection made.

    Another Store (its own connections, as another process would have) corrects
    one claim, then retracts it; each time the timer runs from the commit to
    the end of the next `ask` that shows the change (the version check, the
    reload of what changed and the answer itself). `idle_check_ms` is the cost
    of the version check alone when nothing changed.
    """
    by = Moderator(platform="bench", user_id="bench", name="bench")
    out: dict[str, float] = {}
    t0 = time.perf_counter_ns()
    for _ in range(100):
        await service.refresh()
    out["idle_check_ms"] = _ms((time.perf_counter_ns() - t0) / 100)
    async with Store.open(db) as other:
        for action, text in (("correct", "A corrected statement."), ("retract", None)):
            await other.moderation.append_action(claim_id, action, by, NOW, text=text, reason="bench")  # type: ignore[arg-type]
            t0 = time.perf_counter_ns()
            await service.ask(COLD_QUESTION, BENCH, log_question=False)
            state = (await service.claim(claim_id)).claim.status
            out[f"pickup_{action}_ms"] = _ms(time.perf_counter_ns() - t0)
            expected = "corrected" if action == "correct" else "retracted"
            if state != expected or (action == "retract" and claim_id not in service.live._retracted):
                sys.exit(f"bench: the {action} was not picked up")
    return out


# ---- the driver ---------------------------------------------------------------------


def _worker(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True, check=False
    )
    if proc.returncode:
        sys.exit(f"bench worker {args[:2]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _claim_count(db: str) -> int:
    if "://" in db:
        return asyncio.run(_claim_count_pg(db))
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM claims").fetchone()[0])
    finally:
        con.close()


async def _claim_count_pg(db: str) -> int:
    async with Store.open(db) as store:
        return len(await store.claims.claim_ids())


def _cold_start(db: str) -> float:
    """Median wall time of `talksbot ask` in a new process on the built `db`."""
    exe = shutil.which("talksbot", path=str(Path(sys.executable).parent)) or shutil.which("talksbot")
    if exe is None:
        sys.exit("bench: the talksbot console script is not installed")
    # As an installed worker runs: pip compiles bytecode at install, so the first
    # (untimed) run writes it, as it warms the page cache; a sandbox that forbids
    # writing bytecode would otherwise time compiling ~90 modules on every start.
    cache = Path(tempfile.gettempdir()) / "talksbot-bench-pycache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(TALKSBOT_DB=str(db), PYTHONPYCACHEPREFIX=str(cache))
    before = _claim_count(db)
    subprocess.run([exe, "ask", COLD_QUESTION], env=env, capture_output=True, text=True, check=False)
    times = []
    for _ in range(COLD_RUNS):
        t0 = time.perf_counter()
        proc = subprocess.run([exe, "ask", COLD_QUESTION], env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        if proc.returncode:
            sys.exit(f"bench: talksbot ask exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    if _claim_count(db) != before:
        sys.exit("bench: talksbot rebuilt the store (the curated file changed during the run?)")
    return statistics.median(times)


def run_scale(
    scale: int, claims_path: Path, workdir: Path, *, server: PostgresServer | None = None, runs: int = 1
) -> dict[str, Any]:
    """Build once, then serve and cold-start `runs` times in fresh processes."""
    if server is None:
        db = str(workdir / f"bench-{scale}x.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    else:
        name = f"bench_{scale}x"
        server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.sql(f'CREATE DATABASE "{name}"')
        db = server.url(name)
    built = _worker(["--build-scale", str(scale), "--claims", str(claims_path), "--db", db])
    served_runs = [_worker(["--serve", "--db", db]) for _ in range(runs)]
    colds = [_cold_start(db) for _ in range(runs)]
    served = served_runs[len(served_runs) // 2] if runs == 1 else _median_row(served_runs)
    # The first serve run builds the index (and saves the snapshot the later runs load):
    # its start is the build cost; the others' is what a restarted worker pays.
    first = served_runs[0]
    row = {
        "claims": built["claims"],
        "build_s": round(built["write_s"] + first["index_s"], 2),
        "write_s": round(built["write_s"], 2),
        "index_s": round(first["index_s"], 2),
        "first_rss_mb": round(first["rss_mb"], 1),
        "cold_start_s": round(statistics.median(colds), 3),
        **{k: v for k, v in served.items() if k != "index_s"},
        "gen_s": round(built["gen_s"], 2),
        "build_rss_mb": round(built["build_rss_mb"], 1),
    }
    if runs > 1:
        row["runs"] = runs
        row["spread"] = {
            key: [round(min(vals), 3), round(statistics.median(vals), 3), round(max(vals), 3)]
            for key, vals in {
                "p50_ms": [r["p50_ms"] for r in served_runs],
                "p99_ms": [r["p99_ms"] for r in served_runs],
                **({"p99_vs_tantivy": [r["p99_vs_tantivy"] for r in served_runs]} if first["p99_vs_tantivy"] else {}),
                "rss_mb": [r["rss_mb"] for r in served_runs],
                "cold_start_s": colds,
            }.items()
        }
    return row


def _median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Numeric fields as their median over runs; others from the first run."""
    out = dict(rows[0])
    for key, value in rows[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            middle = statistics.median(r[key] for r in rows)
            out[key] = int(middle) if isinstance(value, int) else round(middle, 3)
    return out


def _kept(scales: dict[str, dict[str, Any]]) -> list[str]:
    """Of the questions answered at the smallest scale, how many still are at each larger one.

    The share answered can rise with size for a reason that is not the matcher's:
    among 120,000 recombined claims some hold every word of a question. What must
    not happen is a question answered at 1x going unanswered at 1000x.
    """
    first, *rest = scales.items()
    lines = []
    for scale, row in rest:
        parts = []
        for kind, flags in first[1]["answered_each"].items():
            then = [i for i, ok in enumerate(flags) if ok]
            still = sum(1 for i in then if row["answered_each"][kind][i])
            parts.append(f"{kind} {still}/{len(then)}")
        lines.append(f"answered at {first[0]}x and still at {scale}x: " + ", ".join(parts))
    return lines


def _checks(scales: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for scale, targets in TARGETS.items():
        if scale not in scales:
            continue
        for metric, limit, op in targets:
            value = scales[scale][metric]
            ok = value <= limit if op == "<=" else value >= limit
            lines.append(f"  {scale:>4}x {metric:<13} {value:>9} {op} {limit:<6} {'met' if ok else 'MISSED'}")
    return lines


def render(scales: dict[str, dict[str, Any]]) -> str:
    cols = [
        ("scale", lambda s, r: f"{s}x"),
        ("claims", lambda s, r: f"{r['claims']:,}"),
        ("build s", lambda s, r: f"{r['build_s']:.2f}"),
        ("(write+index)", lambda s, r: f"{r['write_s']:.2f}+{r['index_s']:.2f}"),
        ("cold s", lambda s, r: f"{r['cold_start_s']:.2f}"),
        ("p50 ms", lambda s, r: f"{r['p50_ms']:.2f}"),
        ("p99 ms", lambda s, r: f"{r['p99_ms']:.2f}"),
        ("max ms", lambda s, r: f"{r['max_ms']:.2f}"),
        ("RSS MB", lambda s, r: f"{r['rss_mb']:.0f}"),
        ("building RSS MB", lambda s, r: f"{r['first_rss_mb']:.0f}"),
        ("naive p50 ms", lambda s, r: f"{r['baseline_p50_ms']:.1f}"),
        ("speedup", lambda s, r: f"{r['speedup']:.0f}x"),
        ("tantivy p99 ms", lambda s, r: f"{r['tantivy_p99_ms']:.2f}" if r.get("tantivy_p99_ms") else "-"),
        ("p99/tantivy", lambda s, r: f"{r['p99_vs_tantivy']:.2f}x" if r.get("p99_vs_tantivy") else "-"),
        ("pick-up ms", lambda s, r: f"{r['pickup_correct_ms']:.1f}/{r['pickup_retract_ms']:.1f}"),
        ("idle check ms", lambda s, r: f"{r['idle_check_ms']:.3f}"),
    ]
    table = [[name for name, _ in cols]] + [[fn(s, r) for _, fn in cols] for s, r in scales.items()]
    widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    first = next(iter(scales.values()))
    lines += [
        "",
        f"{first['questions']} questions (answerable, typo'd, said with aliases, keyword-only, out-of-scope), "
        f"each timed {ROUNDS}x through service.ask after a warm-up; median per question, then p50/p99/max over them.",
        "build = write the store (sync_curated) + the first start, which builds the index and saves its snapshot "
        "(its peak RSS is 'building RSS'; later starts load the snapshot). "
        "naive = rapidfuzz process.extract WRatio over every claim text; speedup = naive p50 / ours p50.",
        "tantivy = its candidate retrieval (tests/bench_engines.py, `terms`, top 50) on the same claims and "
        "questions in the same process; p99/tantivy = the whole answer path's p99 / tantivy's (needs "
        "`pip install tantivy`, a dev dependency; '-' without it).",
        "pick-up = from another connection's commit (correct / retract) to the end of the next ask that shows it; "
        "idle check = the version comparison alone when nothing changed.",
        "answered share by kind: "
        + "; ".join(f"{s}x " + ", ".join(f"{k} {v:.0%}" for k, v in r["answered"].items()) for s, r in scales.items()),
        *_kept(scales),
        *(
            f"{s}x over {r['runs']} runs, min/median/max: "
            + "; ".join(f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in r["spread"].items())
            for s, r in scales.items()
            if "spread" in r
        ),
        "targets:",
        *_checks(scales),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scales", default="1,100,1000", help="comma-separated multiples of the real claim count")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--claims", type=Path, default=curated_claims_file(), help="the curated claims file")
    parser.add_argument("--keep", type=Path, help="keep the benchmark databases in this directory")
    parser.add_argument("--build-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite", help="the database backend")
    parser.add_argument("--runs", type=int, default=1, help="serve and cold-start this many times (min/median/max)")
    args = parser.parse_args(argv)
    if args.build_scale is not None:
        print(json.dumps(asyncio.run(build_store(args.build_scale, args.claims, args.db))))
        return 0
    if args.serve:
        print(json.dumps(asyncio.run(serve_store(args.db))))
        return 0
    try:
        scales = [int(s) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        parser.error("--scales takes integers, e.g. 1,100,1000")
    if not scales or min(scales) < 1:
        parser.error("--scales takes integers >= 1")
    if not args.claims.exists():
        parser.error(f"no curated claims file at {args.claims}")
    results: dict[str, dict[str, Any]] = {}
    server = PostgresServer.start() if args.backend == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory(prefix="talksbot-bench-") as tmp:
            workdir = args.keep or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            # A PostgreSQL store's index snapshot goes to the user's cache, one per URL (and
            # the throwaway server's port differs each time): keep them with the run instead.
            os.environ["XDG_CACHE_HOME"] = str(workdir / "cache")
            for scale in scales:
                print(f"scale {scale}x …", file=sys.stderr, flush=True)
                results[str(scale)] = run_scale(scale, args.claims.resolve(), workdir, server=server, runs=args.runs)
    finally:
        if server is not None:
            server.stop()
    print(f"backend: {args.backend}; runs per scale: {args.runs}")
    print(render(results))
    if args.json:
        print(json.dumps({"scales": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

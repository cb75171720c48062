"""`python -m knowledge.ingest_eval`, the command the README gives, prints the whole table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_prints_a_row_per_seed_and_the_total_with_no_bad_proposal() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "knowledge.ingest_eval"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    rows = [line.split("|")[1:-1] for line in done.stdout.splitlines() if line.startswith("| 0") or "all five" in line]
    seeds = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    assert [r[0].strip() for r in rows] == [*seeds, "all five"]
    assert all(r[-1].strip() == "0" for r in rows), done.stdout

"""Building the store from `seeds/` and the curated file, verified quote by quote."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from knowledge.curated import load_curated, verify_claims
from knowledge.sources import load_seeds
from knowledge.store import Store


def inputs_digest(seeds_dir: Path, curated: Path) -> str:
    """A hash of everything a build reads; a change triggers a reload. Read-only."""
    h = hashlib.sha256()
    for path in [*sorted(seeds_dir.glob("*.txt")), seeds_dir / "sources.toml", curated]:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


async def ensure_built(store: Store, seeds_dir: Path, curated: Path, now: datetime) -> bool:
    """Writes: (re)load sources and curated claims when the inputs changed.

    Every quote is verified before anything is written; a failure raises
    BuildError and leaves the database as it was. Corrections are never
    touched. Returns True when a (re)load happened.
    """
    digest = inputs_digest(seeds_dir, curated)
    if await store.get_meta("curated_digest") == digest:
        return False
    seeds = load_seeds(seeds_dir)
    claims = load_curated(curated)
    verify_claims(claims, seeds)
    await store.sync_curated(
        [(s.source, hashlib.sha256(s.article.text.encode()).hexdigest()) for s in seeds.values()],
        claims,
        digest,
        now,
    )
    return True

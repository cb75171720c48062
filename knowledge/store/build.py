"""Building the store from `seeds/` and the curated file, verified quote by quote."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

from knowledge.articles.curated import curated_version, load_curated, verify_claims, verify_entities
from knowledge.articles.sources import load_seeds
from knowledge.entities import load_entities
from knowledge.languages.glossary import claims_vocabulary, load_glossary, verify_glossary
from knowledge.paths import curated_claims_file, entities_file, glossary_file
from knowledge.store import Store

log = logging.getLogger(__name__)


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
    touched. A curated file older than the one the database was built from
    (by its `version`), or a different file claiming the same version, is not
    loaded: one log line says so, and the newer content stays. Returns True
    when a (re)load happened.
    """
    digest = inputs_digest(seeds_dir, curated)
    built_digest = await store.claims.get_meta("curated_digest")
    if built_digest == digest:
        return False
    version = curated_version(curated)
    built_version = int(await store.claims.get_meta("curated_version") or 0)
    if built_digest is not None and version < built_version:
        log.warning(
            "not reloading curated claims: this process has curated version %d, the database was built from "
            "version %d (a newer talksbot); upgrade this process",
            version,
            built_version,
        )
        return False
    if built_digest is not None and version == built_version and built_version > 0:
        log.warning(
            "not reloading curated claims: the curated file differs from the one the database was built from "
            "but both say version %d; bump `version` in %s to reload",
            version,
            curated.name,
        )
        return False
    seeds = load_seeds(seeds_dir)
    claims = load_curated(curated)
    verify_claims(claims, seeds)
    # The roles the entities file gives people are checked against the articles like quotes.
    entities = load_entities(entities_file())
    verify_entities(entities, seeds)
    # Every English word the multilingual glossary leads to must be one the claims use. The
    # glossary is reviewed with the shipped claims: another claims file (a test's, a trimmed
    # one) may lack a word, which then only reads as unknown and refuses, so it is not held to it.
    if curated == curated_claims_file():
        verify_glossary(load_glossary(glossary_file()), claims_vocabulary(claims, entities))
    result = await store.claims.sync_curated(
        [(s.source, hashlib.sha256(s.article.text.encode()).hexdigest()) for s in seeds.values()],
        claims,
        digest=digest,
        curated_version=version,
        now=now,
    )
    log.info(
        "curated claims v%d loaded: %d written, %d flagged, %d removed (content version %d)",
        version,
        result.written,
        result.flagged,
        result.removed,
        result.version,
    )
    return True

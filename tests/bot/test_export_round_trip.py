"""The README's fold, end to end through the real CLI in subprocesses, on both backends:
ingest an article, accept a new claim, a supporting quote and a conflict, run
`talksbot export-claims --articles seeds/`, fold its output into `knowledge/claims.toml`
and restart on the same database. Nothing changes: the same claims, each quote once,
the same history and sources, the same content version. Later reviewed edits to
folded claims reload cleanly.

The CLI reads `seeds/` and `knowledge/claims.toml` from its own tree, so each test runs
it from a copy of the source tree (the copy's packages come first on `sys.path`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from knowledge.articles.curated import curated_version, load_curated
from knowledge.articles.export import claims_toml
from tests.bot.test_ingest import ARTICLE, OFF_TOPIC, TWO_HOURS
from tests.conftest import fresh_location

REPO = Path(__file__).resolve().parents[2]
PESKOV = "Kremlin spokesman Dmitry Peskov confirmed that the phone call lasted nearly an hour and a half."
SUPPORTED = "call-length-nearly-hour-and-half"
DISPUTED = "call-length-90-minutes"


class Tree:
    """A copy of the source tree and a database: the CLI run from it as a maintainer would."""

    def __init__(self, root: Path, db: str) -> None:
        self.root, self.db = root, db
        for part in ("adapters", "bot", "knowledge", "seeds"):
            shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))

    def run(self, *argv: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, TALKSBOT_DB=self.db, TALKSBOT_OPERATOR="Ana", PYTHONPATH=str(self.root))
        done = subprocess.run(
            [sys.executable, "-m", "adapters.main", *argv],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if ok:
            assert done.returncode == 0, (argv, done.stderr)
        return done

    def json(self, *argv: str) -> Any:
        return json.loads(self.run(*argv, "--json").stdout)

    @property
    def curated(self) -> Path:
        return self.root / "knowledge" / "claims.toml"

    def state(self, claim_ids: list[str]) -> dict[str, Any]:
        """Everything a reader or a moderator sees of the store."""
        status = self.json("status")
        return {
            "claims": self.json("claims"),
            "sources": self.json("sources"),
            "history": {cid: self.json("history", cid) for cid in claim_ids},
            "version": status["content_version"],
            "count": status["claims"],
        }

    def fold(self, exported: str, edit: dict[str, str] | None = None) -> None:
        """What the README asks of a maintainer: entries with a known id replace it, the
        others are added, `version` goes up by one; `edit` rewords claims while at it."""
        path = self.root / "exported.toml"
        path.write_text(exported, encoding="utf-8")
        merged = {c.id: c for c in load_curated(self.curated)} | {c.id: c for c in load_curated(path)}
        for cid, text in (edit or {}).items():
            merged[cid] = merged[cid].model_copy(update={"text": text})
        version = curated_version(self.curated) + 1
        self.curated.write_text(f"version = {version}\n\n" + claims_toml(list(merged.values())), encoding="utf-8")


@pytest.fixture
def tree(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Tree:
    return Tree(tmp_path / "tree", fresh_location(request, backend, tmp_path))


def accept_all(tree: Tree, article: Path) -> dict[str, str]:
    """Ingest the article and accept a new claim, a supporting quote and a conflict; the claim ids."""
    tree.run("claims")  # the first read command builds the database
    tree.run(
        "ingest",
        str(article),
        "--outlet",
        "Test Wire",
        "--headline",
        "Envoys prepare for talks in Riyadh",
        "--url",
        "https://example.org/riyadh",
    )
    items = {i["candidate"]["quote"]["quote"]: i["id"] for i in tree.json("candidates")}
    decisions = {OFF_TOPIC: ["--new"], PESKOV: ["--supports", SUPPORTED], TWO_HOURS: ["--conflicts-with", DISPUTED]}
    for quote, how in decisions.items():
        tree.run("accept", str(items[quote]), *how)
    claims = tree.json("claims")
    return {q: next(c["claim_id"] for c in claims if any(x["quote"] == q for x in c["quotes"])) for q in decisions}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_folding_the_export_in_and_restarting_changes_nothing(tree: Tree, tmp_path: Path) -> None:
    article = tmp_path / "005_riyadh-followup.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    made = accept_all(tree, article)
    assert made[PESKOV] == SUPPORTED
    new_id, conflict_id = made[OFF_TOPIC], made[TWO_HOURS]
    watched = [new_id, conflict_id, SUPPORTED, DISPUTED]
    before = tree.state(watched)

    exported = tree.run("export-claims", "--articles", str(tree.root / "seeds")).stdout
    # What changed and nothing else: the two new claims, the supported claim, the one linked to.
    assert sorted(c["id"] for c in tomllib.loads(exported)["claims"]) == sorted(watched)
    # The article and everything stored about it now live in seeds/, unknown left unknown.
    assert (tree.root / "seeds" / "005_riyadh-followup.txt").read_bytes() == ARTICLE.encode("utf-8")
    with (tree.root / "seeds" / "sources.toml").open("rb") as fh:
        [entry] = [s for s in tomllib.load(fh)["sources"] if s["id"] == "005_riyadh-followup"]
    assert entry == {
        "id": "005_riyadh-followup",
        "origin": "ingested",
        "outlet": "Test Wire",
        "title": "Envoys prepare for talks in Riyadh",
        "url": "https://example.org/riyadh",
    }
    assert "Unknown (not stated when it was ingested): date." in (tree.root / "seeds" / "sources.toml").read_text()
    tree.fold(exported)

    after = tree.state(watched)
    assert after == before
    by_id = {c["claim_id"]: c for c in after["claims"]}
    assert [q["quote"] for q in by_id[SUPPORTED]["quotes"]].count(PESKOV) == 1
    assert [q["quote"] for q in by_id[new_id]["quotes"]] == [OFF_TOPIC]
    # Exporting again gives the same entries: folding twice is folding once.
    assert tree.run("export-claims").stdout == exported


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_reviewed_edit_to_folded_claims_reloads_with_each_quote_once(tree: Tree, tmp_path: Path) -> None:
    article = tmp_path / "005_riyadh-followup.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    made = accept_all(tree, article)
    new_id = made[OFF_TOPIC]
    exported = tree.run("export-claims", "--articles", str(tree.root / "seeds")).stdout
    tree.fold(exported)
    version = tree.json("status")["content_version"]

    tree.fold(exported, edit={new_id: "Norway reported a record herring catch.", SUPPORTED: "The call lasted 1.5 h."})
    claims = {c["claim_id"]: c for c in tree.json("claims")}
    assert claims[new_id]["text"] == "Norway reported a record herring catch."
    assert [q["quote"] for q in claims[new_id]["quotes"]] == [OFF_TOPIC]
    assert [q["quote"] for q in claims[SUPPORTED]["quotes"]].count(PESKOV) == 1
    assert tree.json("status")["content_version"] == version + 1
    # Still the moderators' claim, with its history.
    assert [h["action"] for h in tree.json("history", new_id)] == ["add"]

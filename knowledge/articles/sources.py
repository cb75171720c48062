"""Loading the seed articles and their metadata. Read-only."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.articles.reading import Article, read_article
from knowledge.models import Source


@dataclass(frozen=True)
class Seed:
    source: Source
    article: Article


def load_seeds(directory: Path) -> dict[str, Seed]:
    """Every `*.txt` article in `directory` with its metadata, keyed by source id."""
    meta_path = directory / "sources.toml"
    meta: dict[str, dict[str, Any]] = {}
    if meta_path.exists():
        with meta_path.open("rb") as fh:
            meta = {m["id"]: m for m in tomllib.load(fh).get("sources", [])}
    seeds: dict[str, Seed] = {}
    for path in sorted(directory.glob("*.txt")):
        text = path.read_bytes().decode("utf-8")
        fields = meta.get(path.stem, {"id": path.stem})
        article = read_article(path.stem, text)
        seeds[path.stem] = Seed(Source(**fields, opening=article.opening_words()), article)
    return seeds

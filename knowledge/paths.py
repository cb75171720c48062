"""Where the shipped data lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def seeds_dir() -> Path:
    """The directory holding the five articles and `sources.toml`.

    A wheel carries them as `knowledge/_seeds`; a checkout or editable install
    reads the repository's `seeds/` directly.
    """
    packaged = _HERE / "_seeds"
    return packaged if packaged.is_dir() else _HERE.parent / "seeds"


def curated_claims_file() -> Path:
    return _HERE / "claims.toml"


def entities_file() -> Path:
    return _HERE / "entities.toml"


def glossary_file() -> Path:
    return _HERE / "glossary.toml"


def tones_file() -> Path:
    return _HERE / "tones.toml"

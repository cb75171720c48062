"""The curated multilingual glossary (knowledge/glossary.toml): loading it and checking it.

Per language: question words (put first in the English reading), terms (names and the
domain's words) and function words to drop. Keys are matched by dictionary form, so a
key is stored both as written and as the lemmatizer reads it (`Glossary.forms`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.answering.text import STOPWORDS, stem
from knowledge.entities import Entities
from knowledge.errors import BadInput
from knowledge.models import Claim
from knowledge.paths import glossary_file

_PLAIN_WORD = re.compile(r"[^\W\d_]+")
_FRENCH_ELISION = re.compile(r"\b([cdjlmnst]|qu|jusqu|lorsqu|puisqu)'")
# How many words the longest key may have; phrases are tried longest first.
MAX_PHRASE = 6
# English words a question or a phrase may use that no claim needs to contain.
_QUESTION_WORDS = frozenset("what who when where why how which many much long time is it true that did last".split())
# Values a check compares with what the claims say, not words a claim must contain.
_VALUE_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march".split())


@dataclass(frozen=True)
class LanguageGlossary:
    code: str
    questions: dict[tuple[str, ...], str]
    terms: dict[tuple[str, ...], str]
    drop: frozenset[str]


@dataclass(frozen=True)
class Glossary:
    version: int
    languages: dict[str, LanguageGlossary]

    def english_targets(self) -> Iterable[tuple[str, str, str]]:
        """(language, key, English value) of every term."""
        for code, lang in self.languages.items():
            for key, value in lang.terms.items():
                yield code, " ".join(key), value


def _keys(table: dict[str, object], code: str, what: str) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise BadInput(f"glossary {code}.{what}: {key!r} must map to a string")
        low = key.lower().replace("’", "'")
        # Keys are split as questions are read (gloss._tokens): French elisions are two words.
        parts = tuple((_FRENCH_ELISION.sub(r"\1 ", low) if code == "fr" else low).split())
        if not parts or len(parts) > MAX_PHRASE:
            raise BadInput(f"glossary {code}.{what}: {key!r} must have 1 to {MAX_PHRASE} words")
        out[parts] = value
    return out


def load_glossary(path: Path) -> Glossary:
    """Read the glossary file. Raises BadInput for a malformed entry."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    languages = {}
    for code, table in raw.items():
        if code == "version":
            continue
        languages[code] = LanguageGlossary(
            code=code,
            questions=_keys(table.get("questions", {}), code, "questions"),
            terms=_keys(table.get("terms", {}), code, "terms"),
            drop=frozenset(w.lower() for w in table.get("drop", [])),
        )
    return Glossary(int(raw.get("version", 0)), languages)


@cache
def shipped_glossary() -> Glossary:
    """The glossary shipped with talksbot, loaded once per process."""
    return load_glossary(glossary_file())


def verify_glossary(glossary: Glossary, vocabulary: set[str]) -> None:
    """Every English word the glossary leads to is one the matcher can find.

    `vocabulary` holds the stems of the claims' words (texts, keywords, quotes) and of
    the entities' names. Question and function words are exempt. Raises BadInput naming
    the first entry whose English the claims never use.
    """
    for code, key, value in glossary.english_targets():
        for w in plain_words(value):
            if w in STOPWORDS or w in _QUESTION_WORDS or w in _VALUE_WORDS:
                continue
            if stem(w) not in vocabulary and w not in vocabulary:
                raise BadInput(f"glossary {code}: {key!r} -> {value!r}: {w!r} is in no claim")


def plain_words(text: str) -> list[str]:
    """Lowercase words as written: no alias folding, which would turn "CIA director" into one token."""
    return _PLAIN_WORD.findall(text.lower())


def claims_vocabulary(claims: Iterable[Claim], entities: Entities) -> set[str]:
    """Every word, and its stem, of the claims' texts, keywords and quotes and the entities' names."""
    texts: list[str] = []
    for claim in claims:
        texts += [claim.text, *claim.keywords, *(q.quote for q in claim.quotes)]
    for entity in entities.entities:
        texts += [*entity.names, *entity.descriptions]
    vocabulary: set[str] = set()
    for text in texts:
        for w in plain_words(text):
            vocabulary |= {w, stem(w)}
    return vocabulary

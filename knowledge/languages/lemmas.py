"""Dictionary forms of a word, from lemmatizers' shipped dictionaries.

pymorphy3 with its Ukrainian and Russian dictionaries reads the rich inflection of those
two (seven cases, aspect pairs), loaded on the first question in the language (a tenth
of a second). Polish, German and French come from simplemma's dictionaries through
`lemma_forms.tsv` (make_lemma_table.py): the forms of the words the glossary uses, since
any other word stays as written in the reading. English questions pay for neither. A
word gets every form its analyses offer (pymorphy3 reads "Песков" as a form of "песок"
first and of the surname after): the glossary picks the one it knows.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_MORPHOLOGY = ("uk", "ru")
TABLE = Path(__file__).resolve().parent / "lemma_forms.tsv"


@cache
def _analyzer(lang: str) -> Any:
    import pymorphy3  # imported here: loading its dictionaries is for non-English questions only

    return pymorphy3.MorphAnalyzer(lang=lang)


@cache
def _forms() -> dict[str, dict[str, str]]:
    """language -> form -> lemma, from the shipped table."""
    table: dict[str, dict[str, str]] = defaultdict(dict)
    with TABLE.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            code, form, lemma = line.rstrip("\n").split("\t")
            table[code][form] = lemma
    return dict(table)


@lru_cache(maxsize=100_000)
def lemmas(word: str, lang: str) -> tuple[str, ...]:
    """The lowercased word and its dictionary forms in `lang`, the word first, no repeats."""
    low = word.lower().replace("’", "'")
    forms = [low]
    if lang in _MORPHOLOGY:
        forms += [p.normal_form for p in _analyzer(lang).parse(low)]
    elif (lemma := _forms().get(lang, {}).get(low)) is not None:
        forms.append(lemma)
    return tuple(dict.fromkeys(forms))

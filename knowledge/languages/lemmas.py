"""Dictionary forms of a word, from lemmatizers that ship their dictionaries.

pymorphy3 with its Ukrainian and Russian dictionaries reads the rich inflection of those
two (seven cases, aspect pairs); simplemma's tables cover Polish, German and French.
Each is loaded on the first question in its language, so English questions never pay
for them. A word gets every form its analyses offer (pymorphy3 reads "Песков" as a form
of "песок" first and of the surname after): the glossary picks the one it knows.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

_MORPHOLOGY = ("uk", "ru")
# simplemma: the language's own table, then English for names and loan words it lacks.
_SIMPLEMMA = ("pl", "de", "fr")


@cache
def _analyzer(lang: str) -> Any:
    import pymorphy3  # imported here: loading its dictionaries is for non-English questions only

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=100_000)
def lemmas(word: str, lang: str) -> tuple[str, ...]:
    """The lowercased word and its dictionary forms in `lang`, the word first, no repeats."""
    low = word.lower().replace("’", "'")
    forms = [low]
    if lang in _MORPHOLOGY:
        forms += [p.normal_form for p in _analyzer(lang).parse(low)]
    elif lang in _SIMPLEMMA:
        import simplemma  # imported here for the same reason

        forms.append(simplemma.lemmatize(word, lang=lang).lower())
        forms.append(simplemma.lemmatize(low, lang=lang).lower())
    return tuple(dict.fromkeys(forms))

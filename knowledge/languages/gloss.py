"""A question in Ukrainian, Russian, Polish, German or French, read into English words.

The English matcher does the answering; this only says in its words what was asked.
Each word is lemmatized (`lemmas`) and looked up in the glossary, longest phrase first,
so inflection ("Трампом", "Putina", "europäischen") and word order do not matter: the
question word goes first, the rest keeps its order, and the matcher reads a bag of
words with a question word in front ("Коли відбулася розмова?" -> "when take place
call?"). A word the glossary does not know stays, so it weighs against answering as an
unknown English word does: Latin letters as written, Cyrillic transliterated. Numbers
stay as written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from knowledge.languages.glossary import LanguageGlossary, shipped_glossary
from knowledge.languages.lemmas import lemmas

# Words, with inner apostrophes and hyphens ("ув'язнення", "cessez-le-feu"), and numbers.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’-][^\W\d_]+)*")
# French elision and inverted subjects: "qu'a-t-il" reads as "qu a".
_FRENCH_ELISION = re.compile(r"\b([cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_FRENCH_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on|je|tu|nous|vous)\b", re.IGNORECASE)
# Case endings tried on a name the glossary does not know as written ("Trumpa", "Putins").
_NAME_ENDINGS: dict[str, tuple[str, ...]] = {
    "pl": ("ego", "owi", "em", "ie", "a", "u", "y"),
    "de": ("s",),
}
_CYRILLIC_LATIN = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэъё",
        "a b v h g d e ye zh z y i yi y k l m n o p r s t u f kh ts ch sh shch _ yu ya y e _ yo".split(),
        strict=True,
    )
)


# Third-person pronouns read as English "it"/"they", so that a second question ("… and
# how long did it last?") leans on the question before it as in English
# (knowledge.answering.reader). Never "he"/"she": these languages give things a gender
# ("вона" is the call, "розмова", as often as a woman).
_PRONOUNS: dict[str, dict[str, str]] = {
    "uk": {"він": "it", "вона": "it", "воно": "it", "вони": "they"},
    "ru": {"он": "it", "она": "it", "оно": "it", "они": "they"},
    "pl": {"on": "it", "ona": "it", "ono": "it", "oni": "they", "one": "they"},
    "de": {"er": "it", "sie": "they", "es": "it"},
    "fr": {"il": "it", "elle": "it", "ils": "they", "elles": "they"},
}


@dataclass(frozen=True)
class _Entry:
    key: tuple[str, ...]
    english: str
    question: bool


class _Reader:
    """One language's glossary, indexed by every form of each key's first word."""

    def __init__(self, glossary: LanguageGlossary) -> None:
        self.code = glossary.code
        self.drop = glossary.drop
        self.by_first: dict[str, list[_Entry]] = defaultdict(list)
        entries = [_Entry(k, v, True) for k, v in glossary.questions.items()]
        entries += [_Entry(k, v, False) for k, v in glossary.terms.items()]
        for entry in entries:
            for form in self.key_forms(entry.key[0]):
                self.by_first[form].append(entry)
        for found in self.by_first.values():
            # Longest first; at equal length a question word before a term.
            found.sort(key=lambda e: (-len(e.key), not e.question))

    def key_forms(self, word: str) -> set[str]:
        """A key word as written and as the lemmatizer reads it (its first analysis)."""
        forms = lemmas(word, self.code)
        return {forms[0], forms[1]} if len(forms) > 1 else {forms[0]}

    def span(self, entry: _Entry, forms: list[tuple[str, ...]], i: int, pronouns: list[bool]) -> tuple[int, list[int]]:
        """How many tokens from `i` the entry's key covers (0: it does not match there), and
        the pronouns it stepped over: a pronoun may stand inside a key ("скільки вона
        тривала" is "скільки тривати")."""
        at, skipped = i, []
        for j, k in enumerate(entry.key):
            wanted = self.key_forms(k)
            if at < len(forms) and wanted & set(forms[at]):
                at += 1
            elif j and at + 1 < len(forms) and pronouns[at] and wanted & set(forms[at + 1]):
                skipped.append(at)
                at += 2
            else:
                return 0, []
        return at - i, skipped

    def entry_at(
        self, forms: list[tuple[str, ...]], i: int, asked: bool, pronouns: list[bool] | None = None
    ) -> tuple[_Entry, int, list[int]] | None:
        """The longest entry that matches at token `i`, how many tokens it covers and the
        pronouns it stepped over, whichever of its forms found it; a question word only
        while the question has none."""
        inside = pronouns or [False] * len(forms)
        best: tuple[_Entry, int, list[int]] | None = None
        for form in forms[i]:
            for entry in self.by_first.get(form, ()):
                if best is not None and len(entry.key) <= len(best[0].key):
                    break  # each list is sorted longest first
                if entry.question and asked:
                    continue
                covered, skipped = self.span(entry, forms, i, inside)
                if covered:
                    best = (entry, covered, skipped)
                    break
        return best


@cache
def _reader(code: str) -> _Reader | None:
    glossary = shipped_glossary().languages.get(code)
    return _Reader(glossary) if glossary else None


def _tokens(text: str, code: str) -> list[str]:
    if code == "fr":
        text = _FRENCH_INVERSION.sub("", _FRENCH_ELISION.sub(r"\1 ", text))
    return _TOKEN.findall(text)


def _transliterate(word: str) -> str:
    out = "".join(_CYRILLIC_LATIN.get(ch.lower(), ch) for ch in word).replace("_", "")
    return out.capitalize() if word[:1].isupper() else out


def _as_name(word: str, reader: _Reader) -> str | None:
    """A capitalised word read as a name the glossary knows, once a case ending is off."""
    if not word[:1].isupper():
        return None
    low = word.lower()
    for ending in _NAME_ENDINGS.get(reader.code, ()):
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            for entry in reader.by_first.get(low[: -len(ending)], ()):
                if len(entry.key) == 1 and not entry.question:
                    return entry.english
    return None


def to_english(text: str, code: str) -> str:
    """`text`, a question in language `code`, in the English words the matcher reads.

    Pure apart from loading the language's lemmatizer and glossary on first use. A
    language without a glossary gets the text back unchanged.
    """
    reader = _reader(code)
    if reader is None:
        return text
    tokens = _tokens(text, code)
    forms = [lemmas(t, code) for t in tokens]
    pronouns = [_pronoun(t, f, code) for t, f in zip(tokens, forms, strict=True)]
    question = ""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        found = reader.entry_at(forms, i, bool(question), [p is not None for p in pronouns])
        if found is not None:
            entry, covered, skipped = found
            if entry.question:
                question = entry.english
            elif entry.english:
                out.append(entry.english)
            # A pronoun the key stepped over still counts: "how long did last it".
            out.extend(p for p in (pronouns[at] for at in skipped) if p is not None)
            i += covered
            continue
        token = tokens[i]
        i += 1
        pronoun = pronouns[i - 1]
        if token[0].isdigit():
            out.append(token)
        elif pronoun is not None:
            out.append(pronoun)
        elif set(forms[i - 1]) & reader.drop:
            continue
        elif (name := _as_name(token, reader)) is not None:
            out.append(name)
        elif token.isascii():
            out.append(token)
        else:
            # The dictionary form, so that every case of an unknown word reads the same.
            lemma = forms[i - 1][1] if len(forms[i - 1]) > 1 else token
            out.append(_transliterate(lemma.capitalize() if token[:1].isupper() else lemma))
    return " ".join([question, *out] if question else out).strip() + "?"


def _pronoun(token: str, forms: tuple[str, ...], code: str) -> str | None:
    """The English pronoun a third-person pronoun stands for, in any of its cases ("нього")."""
    table = _PRONOUNS.get(code, {})
    # French lemmas read "il" and "elle" as "lui": only the word as written counts there.
    for form in (token.lower(),) if code == "fr" else (token.lower(), *forms):
        if form in table:
            return table[form]
    return None


def question_openings(tokens: list[str], code: str) -> list[bool]:
    """For each of `tokens` (words of a message in language `code`), whether one of the
    glossary's question words or openings starts there ("коли", "wie lange", "est-ce que")."""
    reader = _reader(code)
    if reader is None:
        return [False] * len(tokens)
    forms = [lemmas(t, code) for t in tokens]
    out = []
    for i in range(len(tokens)):
        found = reader.entry_at(forms, i, asked=False)
        out.append(found is not None and found[0].question)
    return out

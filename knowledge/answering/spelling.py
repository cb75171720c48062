"""Mending slips in a question before it is read, against the claim index's own words.

A question's text is mended word by word (`mend_text`), so that what is read after sees
the words right; a search term is mended to the index word it misspells (`mend_word`).
Targets are the claims' words and the words the entities file and aliases fold; a real
English word is never mended ("minster" stays), nor is a word of under five letters.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from knowledge.answering.index import ClaimIndex
from knowledge.answering.synonyms import real_words
from knowledge.answering.text import known_words, stem

# A word as a question is mended: letters, with an apostrophe inside ("Latvia's").
_TOKEN = re.compile(r"[A-Za-z]+")
# Words mended once are remembered; past this many distinct words, no more are mended (a
# flood of made-up words must not grow memory without bound).
_MEND_CACHE = 50_000
_KNOWN_WORDS = known_words()


class Speller:
    """Mends slips against a ClaimIndex's words; follows the index as it grows."""

    def __init__(self, index: ClaimIndex) -> None:
        self.index = index
        self._vocab: list[str] = []
        self._vocab_size = -1
        self._targets: frozenset[str] = frozenset()
        self._spell_vocab: list[str] = []
        self._mended: dict[str, str | None] = {}

    def mend_text(self, text: str) -> str:
        """`text` with each slip mended to the word it misspells, before the question is read.

        Mended as words, not as terms, so that what is read after sees them right: a name
        the entities file folds ("Truht Social", "the Midle East"), the noun "how much"
        counts ("miltary aid"), a common word ("shuold", "hapen"). The targets are the
        claims' own words, the words of the names and descriptions the entities file and
        aliases fold, and the common words the matcher drops; never a real word ("minster").
        """
        if self._vocab_size != len(self.index.surface):
            self._refresh_vocab()
        return _TOKEN.sub(self._mend_token, text)

    def _mend_token(self, m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        fixed = self._mended.get(low, "")
        if fixed == "":
            fixed = self._mended[low] = self._spelling(low) if len(self._mended) < _MEND_CACHE else None
        if fixed is None:
            return word
        return fixed[:1].upper() + fixed[1:] if word[:1].isupper() else fixed

    def _spelling(self, low: str) -> str | None:
        if len(low) < 5 or low in _KNOWN_WORDS or low in real_words() or self.index.has_term(stem(low)):
            return None
        # A doubled letter is the commonest slip ("tallk", "meeet"); undoing one is safe at any length.
        for i in range(len(low) - 1):
            if low[i] == low[i + 1] and (single := low[:i] + low[i + 1 :]) in self._targets:
                return single
        cutoff = 85 if len(low) == 5 else 83 if len(low) < 8 else 80
        for candidate, score, _ in process.extract(low, self._spell_vocab, scorer=fuzz.ratio, score_cutoff=75, limit=3):
            swapped = OSA.distance(low, candidate) == 1 and Levenshtein.distance(low, candidate) == 2
            if score >= cutoff or swapped:
                return candidate
        return None

    def _refresh_vocab(self) -> None:
        # Only words of five letters or more are targets: "reset" is not a typo of "rest".
        self._vocab = [w for w in self.index.surface if len(w) >= 5]
        self._vocab_size = len(self.index.surface)
        self._targets = frozenset(self.index.surface) | _KNOWN_WORDS
        self._spell_vocab = sorted({*self._vocab, *(w for w in _KNOWN_WORDS if len(w) >= 5)})
        self._mended = {}

    def mend_word(self, word: str) -> str | None:
        """The stem of the index word closest to `word`, if it is one slip away.

        Short words are never mended: "tanks" is not a typo of "talks".
        """
        if len(word) < 5 or not word.isalpha() or word in real_words():
            return None
        if self._vocab_size != len(self.index.surface):
            self._refresh_vocab()
        cutoff = 85 if len(word) == 5 else 83 if len(word) < 8 else 80
        for candidate, score, _ in process.extract(word, self._vocab, scorer=fuzz.ratio, score_cutoff=75, limit=3):
            # Swapped letters ("Fogle") are a slip at any length; a changed letter in a
            # short word is more often a different word, so it needs the stricter cutoff.
            swapped = OSA.distance(word, candidate) == 1 and Levenshtein.distance(word, candidate) == 2
            if score >= cutoff or swapped:
                return self.index.surface[candidate]
        return None

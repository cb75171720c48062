"""Turning questions and claims into comparable terms. Pure functions.

Both sides go through the same steps, so a spelling or alias folded for one is
folded for the other: NFKC and quote folding, case-sensitive aliases ("US"),
phrases ("Saudi Arabia" → one token), word spellings, then Snowball stems.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from knowledge.answering.aliases import CASED, PHRASES, SPELLINGS

_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"\d+(?:\.\d+)?%?|[^\W\d_]+(?:'[^\W\d_]+)?")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "£": " £ "})

_Trie = dict[str, "_Trie"]


def _trie_pattern(phrases: list[str]) -> str:
    """One regex alternation shaped as a trie, longest match first.

    A flat alternation of a few hundred phrases is tried phrase by phrase at
    every position of every claim; sharing prefixes makes the index build and
    each question pay for one path instead.
    """
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        # The end of a shorter phrase is tried last, so the longest match wins.
        body = "|".join(branches) + ("|" if "" in node else "")
        return body if len(branches) == 1 and "" not in node else f"(?:{body})"

    return emit(trie)


_PHRASE_RE = re.compile(r"\b" + _trie_pattern(list(PHRASES)) + r"\b")

STOPWORDS = frozenset(
    """
    might must may can shall still yet ever even now already actually exactly currently anyone someone
    everyone people person also goes went
    give gives gave given giving take takes took taking put puts putting gets getting
    thinks thought believe believes reckon reckons wonder wondering wondered supposed meant
    a about above after again against all also am an and any anything are aren't as at be because been before
    being below between bot both but by can could did didn't do does doesn't doing don't down during
    each few for from further get go going gone got had happen happened has have having he her here hers
    herself hey hi him himself his how i if in into is isn't it it's its itself just kind know let's lot made
    make many me more most much my myself no nor not of off on once only or other our ours ourselves out over
    own please really s said same say says she should so some something sort such t talksbot tell than that
    that's the their theirs them themselves then there these they thing things think this those through to
    told too under until up us very was wasn't we were what what's when where which while who who's whom whose
    whether why will with won't would you your yours yourself yourselves
    """.split()
)


def fold(text: str) -> str:
    """Normalise unicode, quotes and dashes; apply the case-sensitive aliases."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    for pattern, repl in CASED:
        text = pattern.sub(repl, text)
    return text


def words(text: str) -> list[str]:
    """Lower-cased surface words after folding and phrase aliases (no stemming)."""
    # Aliases may leave double spaces; phrases are matched with single ones.
    low = " ".join(fold(text).lower().split())
    low = _PHRASE_RE.sub(lambda m: PHRASES[m.group(0)], low)
    out = []
    for w in _WORD.findall(low):
        w = w.removesuffix("'s")
        out.append(SPELLINGS.get(w, w))
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return SPELLINGS.get(word, _STEMMER.stemWord(SPELLINGS.get(word, word)))


def terms(text: str) -> list[str]:
    """Content terms: stems of the words that are not stopwords."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def capitalised_words(text: str) -> set[str]:
    """Lower-cased words written with a capital letter other than at the start
    of the text: in a question these are usually names."""
    found: set[str] = set()
    tokens = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", text))
    for i, tok in enumerate(tokens):
        # Acronyms count too: "UN" or "WHO" in a question name an organisation.
        if i > 0 and tok[0].isupper() and (len(tok) > 1 or tok.isupper()):
            found.add(tok.lower())
    return found

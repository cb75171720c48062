"""Turning questions and claims into comparable terms. Pure functions.

Both sides go through the same steps, so a spelling or alias folded for one is
folded for the other: NFKC and quote folding, case-sensitive aliases ("US"),
phrases ("Saudi Arabia" → one token), word spellings, then Snowball stems.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from knowledge.answering.aliases import CASED
from knowledge.answering.aliases import PHRASES as _GENERAL_PHRASES
from knowledge.answering.aliases import SPELLINGS as _GENERAL_SPELLINGS
from knowledge.entities import fold_tables, holder_tables, shipped

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


def fold(text: str) -> str:
    """Normalise unicode, quotes and dashes; apply the case-sensitive aliases."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    for pattern, repl in CASED:
        text = pattern.sub(repl, text)
    return text


def _key(form: str) -> str:
    """A name as `words` sees it: folded, lower case, single spaces."""
    return " ".join(fold(form).lower().split())


# The entities file's names and descriptions fold to their entity's token; the
# general tables (aliases.py) win where both have an entry.
_ENTITY_PHRASES, _ENTITY_WORDS = fold_tables(shipped())
_ENTITY_WORDS = {k: v for k, v in _ENTITY_WORDS.items() if k.lower() != v}
PHRASES: dict[str, str] = {**{_key(k): v for k, v in _ENTITY_PHRASES.items()}, **_GENERAL_PHRASES}
# A word typed in lower case escapes the cased aliases ("uk" is not "UK"): both keys.
SPELLINGS: dict[str, str] = {
    **{k.lower(): v for k, v in _ENTITY_WORDS.items()},
    **{_key(k): v for k, v in _ENTITY_WORDS.items()},
    **_GENERAL_SPELLINGS,
}

# "Russian-held territory" is occupied land, not something held like a meeting.
_HELD = re.compile(r"\b([a-z]+)-(?:held|controlled|occupied)\b")

_PHRASE_RE = re.compile(r"\b" + _trie_pattern(list(PHRASES)) + r"\b")

# "The German foreign minister", "Riga's top diplomat", "head of NATO": an office
# with the country or body it is held for names its holder, as the roles in the
# entities file say; one the articles give nobody is left as written.
_HOLDERS = holder_tables(shipped())
_PLACE_FORMS = {_key(k): v for k, v in _HOLDERS.places.items()}
_TITLES = {_key(k): v for k, v in _HOLDERS.titles.items()}
_PLACE = _trie_pattern(list(_PLACE_FORMS))
_TITLE = _trie_pattern(list(_TITLES))
_HOLDER_RE = re.compile(
    rf"\b(?:(?P<place>{_PLACE})(?:'s)? (?:(?:new|current|former|top|own) )?(?P<title>{_TITLE})"
    rf"|(?P<title2>{_TITLE}) (?:of|for) (?:the )?(?P<place2>{_PLACE}))\b"
)


@dataclass(frozen=True)
class OfficeMention:
    """An office named with its country or body in a text ("the Kremlin's foreign minister")."""

    # The office ids the title may name ("leader": a president or a secretary general).
    offices: tuple[str, ...]
    place: str
    # Who holds it in the articles (empty: someone they never name).
    holders: frozenset[str]
    # Only a word such as "leader" or "chief": it names nobody unless a holder is known.
    generic: bool
    # Some person of that country holds an office the articles do not state.
    unstated: bool


def _names_someone(m: re.Match[str]) -> bool:
    """A generic title ("chief", "leader") names a holder only when it ends the phrase:
    "the NATO chief said" is Rutte, "NATO's chief negotiator" is someone else."""
    title = m.group("title") or m.group("title2")
    if title not in _HOLDERS.generic:
        return True
    following = m.string[m.end() :].split(maxsplit=1)
    return not following or following[0].strip(".,;:!?'\"") in STOPWORDS or not following[0][:1].isalpha()


def _mention(m: re.Match[str]) -> OfficeMention:
    title = m.group("title") or m.group("title2")
    place = _PLACE_FORMS[m.group("place") or m.group("place2")]
    offices = _TITLES[title]
    return OfficeMention(
        offices=offices,
        place=place,
        holders=frozenset().union(*(_HOLDERS.holders.get((o, place), frozenset()) for o in offices)),
        generic=title in _HOLDERS.generic,
        unstated=bool(_HOLDERS.unstated.get(place)),
    )


def office_mentions(text: str) -> list[OfficeMention]:
    """Each office named with its country or body in `text`, with who holds it. Pure."""
    low = " ".join(fold(text).lower().split())
    return [_mention(m) for m in _HOLDER_RE.finditer(low) if _names_someone(m)]


def _name_holder(m: re.Match[str]) -> str:
    # The place stays, as its token: "the French foreign minister" is Barrot, and French.
    if not _names_someone(m):
        return m.group(0)
    mention = _mention(m)
    if len(mention.holders) == 1:
        (token,) = mention.holders
        return f"{mention.place} {token}"
    # Nobody holds it in the articles: the office stays, its country as the country
    # ("Madrid's foreign minister" is Spain's).
    title = m.group("title") or m.group("title2")
    return f"{mention.place} {title}"


STOPWORDS = frozenset(
    """
    might must may can shall still yet ever even now already actually exactly currently anyone someone
    everyone people person also goes went roughly approximately
    give gives gave given giving take takes took taking put puts putting gets getting hold holds held holding
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


def known_words() -> frozenset[str]:
    """Words a question's slips may be mended to besides the claims' own: those of the
    names and descriptions that fold to an entity or alias, and the stop words."""
    forms = [*PHRASES, *SPELLINGS]
    return frozenset(w for form in forms for w in re.findall(r"[a-z]+", form.lower())) | STOPWORDS


def words(text: str) -> list[str]:
    """Lower-cased surface words after folding and phrase aliases (no stemming)."""
    # Aliases may leave double spaces; phrases are matched with single ones.
    low = " ".join(fold(text).lower().split())
    low = _HELD.sub(r"\1 occupied", low)
    low, named = _HOLDER_RE.subn(_name_holder, low)
    if named:
        # A description inside a description: "the Kremlin leader's spokesman" is Putin's.
        low = _HOLDER_RE.sub(_name_holder, low)
    low = _PHRASE_RE.sub(lambda m: PHRASES[m.group(0)], low)
    out = []
    for w in _WORD.findall(low):
        w = w.removesuffix("'s")
        out.append(SPELLINGS.get(w, w))
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word in SPELLINGS:
        return SPELLINGS[word]
    # British -ise spellings stem as the -ize ones ("characterise", "characterized").
    return _STEMMER.stemWord(_ISE.sub(r"\1iz\2", word))


_ISE = re.compile(r"^([a-z]{4,})is(e|es|ed|ing|ation|ations)$")


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

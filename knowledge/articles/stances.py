"""How a statement characterises the parties it names: their tone, the lists of names it
gives for one role, who it quotes and with which words. Pure; the data is read once.

Ingest compares these readings to propose conflicts that are not a differing figure
(`knowledge.articles.disagreement`):

- **parties**: every name folds to the side it speaks for, from the entities file
  (a person's office country, a capital, a body whose spokesman holds a country's
  office) and the matcher's "speaks for" groups: the Kremlin, Moscow, Putin and
  Peskov are Russia; Kyiv and Zelenskyy Ukraine; Washington and Trump the US.
- **tone**: words from `knowledge/tones.toml` put a party's account or reaction on
  a reserved (-1) or expressive (+1, warm or outspoken) side. A word inside quotation
  marks is the quoted speaker's; any other belongs to the nearest party named before
  it ("the Kremlin's readout was restrained"), or after it when none is.
- **lists**: a run of two or more people of one party ("Rubio, Ratcliffe and Waltz",
  titles allowed between the names) or of countries ("Britain, France and Germany"),
  with the role words the statement gives them (a team, talks; a statement, a reaction).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache

from knowledge.answering.aliases import SPEAKS_FOR
from knowledge.answering.text import STOPWORDS, fold, stem, terms, words
from knowledge.articles.drafts import REPORTING_VERBS
from knowledge.entities import shipped
from knowledge.paths import tones_file

# A tone's side: reserved, or expressive (warm, or only outspoken: "reiterated", "appealed").
RESERVED, EXPRESSIVE = -1, 1
_WARM, _OUTSPOKEN = 1, 2
# Words that cancel a tone word right after them ("not productive" is no warmth).
_NEGATORS = frozenset({"not", "no", "never", "hardly", "nor", "n't"})
# A phrase's words may have this many other words between them.
_PHRASE_GAP = 2
# Role words a list of names is given for, by the kind of list. A list of countries
# only counts for a reaction: "Russia and Ukraine" in talks are two sides, not a roster.
ROLES: dict[str, dict[str, frozenset[str]]] = {
    "people": {
        "negotiators": frozenset(terms("team delegation negotiators negotiation negotiate talks discussions lead led")),
        "reaction": frozenset(terms("reacted reaction statement response responded signed declaration")),
    },
    "countries": {
        "reaction": frozenset(terms("reacted reaction statement response responded signed declaration")),
    },
}
# Words for a group a list of people makes up in full.
_GROUPS = frozenset(terms("team delegation negotiators"))
# Quoted text: after folding, curly quotes are straight; a quote runs to the next mark.
_QUOTE_MARK = '"'


@dataclass(frozen=True)
class Tones:
    """The tone words as written (lower case), each with its side, and the phrases."""

    words: dict[str, int]
    # Words that count only inside quotation marks (plain praise: "good", "great").
    quoted_words: dict[str, int]
    phrases: tuple[tuple[tuple[str, ...], int], ...]
    events: frozenset[str]
    describing: frozenset[str]


@dataclass(frozen=True)
class NameList:
    """Names a statement lists together for one role."""

    kind: str  # "people" or "countries"
    names: frozenset[str]
    roles: frozenset[str]
    # The statement names a group the list is the whole of ("a team of …", "the delegation").
    whole: bool = False


@dataclass(frozen=True)
class Stances:
    """What one statement says of the parties it names."""

    # (party, side) for each party the statement gives a tone; a party given both sides is left out.
    tones: frozenset[tuple[str, int]]
    # The parties among them given warmth, not only outspokenness; every party it names;
    # the events it speaks of ("call", "talks").
    warm: frozenset[str]
    named: frozenset[str]
    events: frozenset[str]
    lists: tuple[NameList, ...]
    # The terms of each passage in quotation marks.
    quotes: tuple[frozenset[str], ...]


@cache
def load_tones() -> Tones:
    """The shipped tone words (`knowledge/tones.toml`). Read-only, cached."""
    with tones_file().open("rb") as fh:
        data = tomllib.load(fh)
    table: dict[str, dict[str, int]] = {"": {}, "quoted": {}}
    phrases: list[tuple[tuple[str, ...], int]] = []
    lists = (
        ("reserved", RESERVED, ""),
        ("reserved_phrases", RESERVED, ""),
        ("warm", _WARM, ""),
        ("warm_quoted", _WARM, "quoted"),
        ("outspoken", _OUTSPOKEN, ""),
    )
    for key, side, where in lists:
        for entry in data.get(key, []):
            written = tuple(words(entry))
            if len(written) == 1:
                table[where][written[0]] = side
            elif where == "":
                phrases.append((written, side))
    events = frozenset(w for entry in data.get("events", []) for w in words(entry))
    describing = frozenset(w for entry in data.get("describing", []) for w in words(entry))
    return Tones(table[""], table["quoted"], tuple(phrases), events, describing)


# Where a clause ends: punctuation and the conjunctions that open a contrast. One pass, no nesting.
_CLAUSE = re.compile(r"[,;:()\[\]]|\b(?:but|while|whereas|though|although)\b")
_PRONOUN = frozenset({"he", "she", "it", "they", "his", "her", "its", "their"})
_PLACE_WORDS = frozenset({"in", "at", "near", "to"})


@dataclass(frozen=True)
class _Token:
    word: str  # as written, lower case
    term: str | None  # its stem, None for a stop word
    quoted: bool
    clause: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    clause = 0
    for i, part in enumerate(fold(text).split(_QUOTE_MARK)):
        for piece in _CLAUSE.split(part):
            found = words(piece)
            out.extend(_Token(w, None if w in STOPWORDS else stem(w), i % 2 == 1, clause) for w in found)
            clause += 1 if found else 0
    return out


@cache
def parties() -> dict[str, str]:
    """Term → the party (a country's term) it speaks for: the country's own names, its
    capital, its people by their office or countries, a body one of its officials
    speaks for, and the matcher's "speaks for" groups ("kremlin" → Russia)."""
    entities = shipped()
    out: dict[str, str] = {}

    def put(name: str, country_id: str | None) -> None:
        country = entities.by_id.get(country_id or "")
        if country is None or country.kind != "country":
            return
        party = _term(country.token)
        for t in terms(name):
            out.setdefault(t, party)

    for country in entities.of_kind("country"):
        for name in (*country.names, country.token, *([country.capital] if country.capital else [])):
            put(name, country.id)
    for person in entities.of_kind("person"):
        homes = {r.country for r in person.roles if r.country} | set(person.countries)
        if len(homes) == 1:
            (home,) = homes
            put(person.token, home)
            for role in person.roles:
                # "The Kremlin" speaks for Russia because its spokesman holds a Russian office.
                if role.body and role.country == home and role.body in entities.by_id:
                    put(entities.by_id[role.body].token, home)
    for side, bodies in SPEAKS_FOR.items():
        for body in bodies:
            out.setdefault(_term(body), _term(side))
    return out


def _term(word: str) -> str:
    found = terms(word)
    return found[0] if found else word


@cache
def _people_parts() -> tuple[frozenset[str], frozenset[str]]:
    """(people tokens, words that may stand between two listed names: first names and titles)."""
    entities = shipped()
    people = frozenset(_term(p.token) for p in entities.of_kind("person"))
    parts = {t for p in entities.of_kind("person") for n in p.names for t in terms(n)} - people
    parts |= {t for o in entities.offices for n in o.names for t in terms(n)}
    parts |= set(terms("director ambassador envoy adviser advisor national security special cia"))
    return people, frozenset(parts)


@cache
def _countries() -> frozenset[str]:
    return frozenset(_term(c.token) for c in shipped().of_kind("country"))


@lru_cache(maxsize=4096)
def read_stances(text: str, speaker: str | None = None) -> Stances:
    """The tones, lists and quoted passages of `text`. `speaker` names whose words its
    quotation marks hold, and whom an opening "he"/"it" means (a claim's `said_by`, the
    person a sentence's reporting clause or the article before it names)."""
    tokens = _tokens(text)
    quotes: list[frozenset[str]] = []
    for i, part in enumerate(fold(text).split(_QUOTE_MARK)):
        found = frozenset(terms(part)) if i % 2 == 1 else frozenset()
        if found:
            quotes.append(found)
    tones, warm = _tones(tokens, speaker)
    side_of = parties()
    return Stances(
        tones=tones,
        warm=warm,
        named=frozenset(side_of[t.term] for t in tokens if t.term in side_of),
        events=frozenset(t.word for t in tokens) & load_tones().events,
        lists=_lists(tokens),
        quotes=tuple(quotes),
    )


def _tones(tokens: list[_Token], speaker: str | None) -> tuple[frozenset[tuple[str, int]], frozenset[str]]:
    tones = load_tones()
    said_by = speaks_for(speaker)
    hits: list[tuple[int, int]] = []  # (position, side)
    for i, t in enumerate(tokens):
        side = tones.words.get(t.word)
        if side is None and t.quoted:
            side = tones.quoted_words.get(t.word)
        if side is not None and not _negated(tokens, i):
            hits.append((i, side))
    written = [t.word for t in tokens]
    for phrase, side in tones.phrases:
        at = _find_phrase(written, phrase)
        if at is not None:
            hits.append((at, side))
    found: dict[str, set[int]] = {}
    warm: set[str] = set()
    for at, side in hits:
        party = said_by if tokens[at].quoted else _party_of(tokens, at, said_by)
        if party is not None:
            found.setdefault(party, set()).add(RESERVED if side == RESERVED else EXPRESSIVE)
            if side == _WARM:
                warm.add(party)
    # A party said to be both reserved and warm is described with nuance, not one way.
    given = frozenset((party, next(iter(sides))) for party, sides in found.items() if len(sides) == 1)
    return given, frozenset(warm & {party for party, _ in given})


def _negated(tokens: list[_Token], at: int) -> bool:
    return any(t.word in _NEGATORS for t in tokens[max(0, at - 2) : at])


def _find_phrase(written: list[str], phrase: tuple[str, ...]) -> int | None:
    """Where `phrase` starts in `written`, its words in order with at most _PHRASE_GAP others between."""
    for start, w in enumerate(written):
        if w != phrase[0]:
            continue
        at = start
        for word in phrase[1:]:
            window = written[at + 1 : at + 2 + _PHRASE_GAP]
            if word not in window:
                break
            at += 1 + window.index(word)
        else:
            return start
    return None


def _party_of(tokens: list[_Token], at: int, said_by: str | None) -> str | None:
    """Whose account a tone word characterises: the party named nearest before it in its
    own clause ("the Kremlin's readout was restrained"); in a clause naming none, the
    sentence's subject when the sentence opens with a party or a pronoun for the speaker
    ("Russia, for its part, has embraced …"); else nobody."""
    side_of = parties()
    clause = tokens[at].clause
    # "Trump described his call with Putin as productive": the judge, before the verb.
    judged = _judging_verb(tokens, at)
    if judged is not None:
        at = judged
    for i in range(at - 1, -1, -1):
        t = tokens[i]
        if t.clause != clause:
            break
        if t.term in side_of and not _is_venue(tokens, i):
            return side_of[t.term]
    opening = next((t for t in tokens if t.term is not None or t.word in _PRONOUN), None)
    if opening is None:
        return None
    if opening.word in _PRONOUN:
        return said_by
    return side_of.get(opening.term or "")


def _judging_verb(tokens: list[_Token], at: int) -> int | None:
    """The position of a verb passing judgement "as" the tone word at `at`, in its clause."""
    describing, clause = load_tones().describing, tokens[at].clause
    seen_as = False
    for i in range(at - 1, -1, -1):
        t = tokens[i]
        if t.clause != clause:
            return None
        seen_as = seen_as or t.word == "as"
        if seen_as and t.word in describing:
            return i
    return None


def _is_venue(tokens: list[_Token], i: int) -> bool:
    """Whether the name at `i` is where an event takes place ("the summit in Riyadh"), not
    whose account it is ("officials in Kyiv")."""
    return i >= 2 and tokens[i - 1].word in _PLACE_WORDS and tokens[i - 2].word in load_tones().events


def _lists(tokens: list[_Token]) -> tuple[NameList, ...]:
    """Runs of two or more people of one party, or of countries, with the role words given;
    "and", first names and titles (for countries "and", "the") may stand between the names."""
    people, parts = _people_parts()
    countries, side_of = _countries(), parties()
    present = {t.term for t in tokens if t.term}
    out: list[NameList] = []
    kinds = (("people", people, parts | {"and"}), ("countries", countries, frozenset({"and", "the"})))
    for kind, members, joiners in kinds:
        roles = frozenset(name for name, group in ROLES[kind].items() if present & group)
        if not roles:
            continue
        run: list[str] = []
        last_clause = -1
        for at, t in enumerate([*tokens, None]):
            term = None if t is None else (t.term or t.word)
            # A name in a clause of its own right before a reporting verb is who speaks, not
            # one more of the list ("…, Ratcliffe and Witkoff, Trump said"); a list may be
            # the verb's subject ("Germany and France said").
            speaks = (
                t is not None
                and at + 1 < len(tokens)
                and tokens[at + 1].word in REPORTING_VERBS
                and bool(run)
                and t.clause != last_clause
            )
            if t is not None and term is not None and term in members and not speaks:
                run.append(term)
                last_clause = t.clause
            elif term is None or term not in joiners:
                names = frozenset(run)
                sides = {side_of.get(n) for n in names}
                one_side = kind == "countries" or (len(sides) == 1 and None not in sides)
                if len(names) >= 2 and one_side:
                    out.append(NameList(kind, names, roles, kind == "people" and bool(present & _GROUPS)))
                run = []
    return tuple(out)


def speaks_for(name: str | None) -> str | None:
    """The party a speaker's name stands for, if any."""
    side_of = parties()
    return next((side_of[t] for t in terms(name or "") if t in side_of), None)


# A speaker's words as the claim's said_by gives them, for matching a speaker a sentence
# names by role ("a senior European diplomat"): its content terms, the last one its head.
_ROLE_WORD = re.compile(r"[A-Za-z]")


def speaker_terms(name: str | None) -> list[str]:
    """The content terms of a speaker's name or description, in order (the head last)."""
    return terms(name) if name and _ROLE_WORD.search(name) else []

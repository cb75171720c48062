"""Finding the claims that answer a question, or deciding not to answer.

Ranking is BM25 over the claim index, with spelling aliases folded and related
words counted at a lower weight. Typos are mended against the index's own
vocabulary with rapidfuzz. The answer/abstain decision is *coverage*: the share
of the question's information (its idf mass) that the best claim accounts for.
Words the store has never seen count against answering, so "How do I reset my
password?" is not answered from whatever claim is nearest; an unknown capitalised
word, acronym or number ("What did Helmut Kohl think?") weighs more than the
best-known word, which keeps names the articles never mention out.

Before any of that, chat register is folded to plain words (`chat_words`).
Claims are ranked by score times coverage, and those that state what the
question asks for ("when" → a date, "how many soldiers" → a count of soldiers,
see `question_kind`) come before those that only share its words; when none
that covers the question states it, the matcher abstains. A name the question
uses and a claim leaves out costs that claim coverage twice over. "Is it true
that …" checks are matched without their figures and carry a verdict
(`fact_check`).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from knowledge.answering.aliases import RELATED, SPEAKS_FOR
from knowledge.answering.chat_words import fold_chat
from knowledge.answering.fact_check import Verdict, addresses, checked_statement, judge, strip_amounts
from knowledge.answering.index import ClaimIndex
from knowledge.answering.question_kind import asked_kind, states_answer
from knowledge.answering.specific_words import OFFICES, is_specific
from knowledge.answering.text import STOPWORDS, capitalised_words, stem, words

# Mentions and links pasted from chat (<@U123>, <@&42>, <#C9>, <!here>, @everyone) say
# nothing about the question; their digits must not read as an unknown number.
_CHAT_MARKUP = re.compile(r"<[@#!][^>]*>|@(?:everyone|here|channel)\b")
RELATED_WEIGHT = 0.6
# The best claim must account for this share of the question's information.
MIN_COVERAGE = 0.6
# A verdict says the sources agree or not: the claim must cover nearly all of
# the statement, so "the call was short and about bitcoin" is not half-checked.
MIN_CHECK_COVERAGE = 0.7
# A yes or no needs the claim's own sentence, not just its quotes, to say this much of it.
VERDICT_TEXT_SHARE = 0.8
# Claims that do not state what is asked sort after those that do.
OFF_KIND_FACTOR = 0.3
# Further answers must score at least this share of the best one...
MIN_RELATIVE_SCORE = 0.45
# ...and cover at least this share of the question themselves: a short claim that
# repeats one question word can score near the best answer while being about
# something else ("walrus harbour" is not answered by a claim about harbour seals).
MIN_FURTHER_COVERAGE = MIN_COVERAGE * 0.75
UNKNOWN_NAME_WEIGHT = 2.0
UNKNOWN_WORD_WEIGHT = 0.6
# A claim that leaves out a name the question uses loses that name's mass twice:
# "Germany's defence spending" is not answered by a claim about NATO spending
# that never names Germany. Covering a name earns only its own mass.
ENTITY_WEIGHT = 2.0


@dataclass
class QueryTerm:
    word: str
    alternatives: list[tuple[str, float]]
    mass: float
    known: bool
    # A person, place or body: an answer that leaves it out is about someone else.
    entity: bool = False

    @property
    def missing_penalty(self) -> float:
        """What leaving this term out costs a claim's coverage, beyond its mass."""
        return self.mass * (ENTITY_WEIGHT - 1.0) if self.entity else 0.0


@dataclass
class Match:
    claim_id: str
    score: float
    coverage: float


@dataclass
class MatchResult:
    matches: list[Match] = field(default_factory=list)
    near: list[Match] = field(default_factory=list)
    terms: list[QueryTerm] = field(default_factory=list)
    # For "is it true that …" questions answered: whether the first match
    # confirms or refutes the statement, with a sentence for the reply.
    verdict: Verdict | None = None


def _related_table() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for group in RELATED:
        # Multi-word entries are folded to one token by PHRASES, or else skipped:
        # splitting "peace process" would relate every "process" to negotiations.
        stems = {stem(w) for w in group if " " not in w}
        for s in stems:
            table.setdefault(s, set()).update(stems - {s})
    for word, bodies in SPEAKS_FOR.items():
        table.setdefault(stem(word), set()).update(stem(b) for b in bodies)
    return table


class Matcher:
    """Answers questions from a ClaimIndex. Read-only over the index."""

    def __init__(self, index: ClaimIndex) -> None:
        self.index = index
        self._related = _related_table()
        self._vocab: list[str] = []
        self._vocab_size = -1

    def find_matches(self, question: str, limit: int = 3, skip: Container[str] = ()) -> MatchResult:
        """Up to `limit` claims that answer `question`, best first, with their scores.

        `matches` is empty when the matcher abstains; `near` then holds the
        closest partial matches, for suggestions.
        """
        question = fold_chat(_CHAT_MARKUP.sub(" ", question))
        checked = checked_statement(question)
        if checked is not None:
            # The reader's figures are what is being checked: find the claim about
            # the same thing without them, then compare.
            question = strip_amounts(checked)
        terms = self._query_terms(question)
        result = MatchResult(terms=terms)
        total_mass = sum(t.mass for t in terms)
        penalties = sum(t.missing_penalty for t in terms)
        if not terms or total_mass <= 0:
            return result
        # A related word counts with the question word's own idf, discounted: a rare
        # synonym must not outweigh the word the reader actually used.
        query = [[(alt, term.mass * weight) for alt, weight in term.alternatives] for term in terms]
        ranked = self.index.top([alts for alts in query if alts], limit * 4 + 8)
        ids, stated = self.index.claim_ids, self.index.stated
        asked = asked_kind(question)
        # Only a speaker the claims name is checked; an unknown one is the coverage rule's.
        asked = replace(asked, speaker=frozenset(s for s in asked.speaker if s in self.index.entity_terms))
        # Coverage is read from each shortlisted claim's own terms.
        numbers = self.index.term_numbers
        wanted = [(t, {numbers[a] for a, _ in t.alternatives if a in numbers}) for t in terms]
        candidates: list[tuple[float, float, bool, int]] = []
        for d, s in ranked:
            if ids[d] in skip:
                continue
            own = set(self.index.doc_term_numbers(d))
            hit = [t for t, alts in wanted if alts & own]
            spared = sum(t.missing_penalty for t in hit)
            coverage = sum(t.mass for t in hit) / (total_mass + penalties - spared)
            # Claims that state what is asked (a date for "when", a count of the thing
            # counted for "how many", the figure a check names) rank above claims that
            # only share words; so does a claim that covers all of the question.
            fits = states_answer(asked, stated(d), self._related)
            # A claim that leaves out someone or somewhere the question names is
            # about something else ("Russia's defence spending" vs NATO's).
            fits = fits and spared >= penalties - 1e-9
            if checked is not None:
                fits = fits and addresses(checked, stated(d).amounts)
            rank = s * coverage * (1.0 if fits else OFF_KIND_FACTOR)
            candidates.append((rank, coverage, fits, d))
        candidates.sort(key=lambda c: c[0], reverse=True)
        found = [Match(ids[d], round(rank, 4), coverage) for rank, coverage, _, d in candidates]
        if not candidates:
            return result
        top_rank, top_coverage, top_fits, top_doc = candidates[0]
        if not top_fits or top_coverage < (MIN_COVERAGE if checked is None else MIN_CHECK_COVERAGE):
            result.near = found[:limit]
            return result
        if checked is not None:
            said = stated(top_doc)
            in_text = sum(t.mass for t in terms if any(a in said.text_terms for a, _ in t.alternatives))
            result.verdict = judge(checked, said.amounts, said.negative, in_text >= VERDICT_TEXT_SHARE * total_mass)
        result.matches = [
            m for m in found if m.score >= top_rank * MIN_RELATIVE_SCORE and m.coverage >= MIN_FURTHER_COVERAGE
        ][:limit]
        return result

    def _query_terms(self, question: str) -> list[QueryTerm]:
        names = capitalised_words(question)
        rare = self.index.rare_idf()
        seen: set[str] = set()
        out: list[QueryTerm] = []
        for w in words(question):
            if w in STOPWORDS:
                continue
            s = stem(w)
            if not self.index.has_term(s):
                s = self._mend_typo(w) or s
            if s in seen:
                continue
            seen.add(s)
            has = self.index.has_term
            alts = [(s, 1.0)] if has(s) else []
            alts += [(r, RELATED_WEIGHT) for r in sorted(self._related.get(s, ())) if has(r)]
            if alts:
                own = self.index.idf(s)
                mass = own if own > 0 else max(self.index.idf(a) for a, _ in alts)
                entity = s in self.index.entity_terms or s in OFFICES
                out.append(QueryTerm(w, alts, mass, known=True, entity=entity))
            else:
                # An unknown name means the question is about someone the articles never
                # mention; an unknown ordinary word may just be phrasing.
                # A number the articles never state (a year, a count) is as specific as a name.
                specific = w in names or w[:1].isdigit() or is_specific(w)
                weight = UNKNOWN_NAME_WEIGHT if specific else UNKNOWN_WORD_WEIGHT
                out.append(QueryTerm(w, [], rare * weight, known=False))
        return out

    def _mend_typo(self, word: str) -> str | None:
        """The stem of the index word closest to `word`, if it is one slip away.

        Short words are never mended: "tanks" is not a typo of "talks".
        """
        if len(word) < 5 or not word.isalpha():
            return None
        if self._vocab_size != len(self.index.surface):
            # Only words of five letters or more are targets: "reset" is not a typo of "rest".
            self._vocab = [w for w in self.index.surface if len(w) >= 5]
            self._vocab_size = len(self.index.surface)
        cutoff = 85 if len(word) == 5 else 83 if len(word) < 8 else 80
        for candidate, score, _ in process.extract(word, self._vocab, scorer=fuzz.ratio, score_cutoff=75, limit=3):
            # Swapped letters ("Fogle") are a slip at any length; a changed letter in a
            # short word is more often a different word, so it needs the stricter cutoff.
            swapped = OSA.distance(word, candidate) == 1 and Levenshtein.distance(word, candidate) == 2
            if score >= cutoff or swapped:
                return self.index.surface[candidate]
        return None

    def search(self, text: str, limit: int) -> list[str]:
        """Claim ids whose words best match `text`, best first, with no decision to
        answer or abstain: for pickers, where a person chooses among them. Read-only."""
        terms = self._query_terms(fold_chat(text))
        query = [[(alt, term.mass * weight) for alt, weight in term.alternatives] for term in terms]
        return [self.index.claim_ids[d] for d, _ in self.index.top([q for q in query if q], limit)]

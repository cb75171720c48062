"""Finding the claims that answer a question, or deciding not to answer.

Reading first (`reader`): the question's frame (open, or a check of a
statement), what it asks (a date, a duration, a person…), its focus (the
clause that asks) and its context (scene-setting clauses, attributions).
Chat register is folded before that (`chat_words`).

Ranking is BM25 over the claim index: the focus words at full weight, names
and descriptions folded to their entity (`entities`), related words
(`aliases.RELATED`) and WordNet synonyms (`synonyms`) at a lower weight, the
context words lower still. Typos are mended against the index's own
vocabulary with rapidfuzz (`spelling`). Claims that state what is asked rank before those
that only share words (`question_kind`).

The decision (`decision`) reads the best claim: it must name every entity of
the focus and state what is asked, and a small fitted combination of its
coverage of the focus, its margin over the next claim and the share of the
focus the articles never speak of must reach one half. Unknown words weigh
against answering: an unknown capitalised word, acronym or number ("What did
Helmut Kohl think?") more than the best-known word, an office-holder the
articles never name ("the Kremlin's foreign minister") as much.

Checks are matched without the values they check, then compared exactly
(`fact_check`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass, field, replace

from knowledge.answering.chat_words import CHAT_MARKUP, fold_chat
from knowledge.answering.decision import Signals, should_answer
from knowledge.answering.fact_check import Checked, Verdict, addresses, judge, read_check, strip_values
from knowledge.answering.index import ClaimIndex
from knowledge.answering.question_kind import Kind, asked_kind, states_answer
from knowledge.answering.reader import Attribute, Reading, read_question
from knowledge.answering.related import related_table
from knowledge.answering.specific_words import OFFICES, is_specific
from knowledge.answering.spelling import Speller
from knowledge.answering.subjects import ENTITY_STEMS, same_subject
from knowledge.answering.synonyms import synonyms, topic_words
from knowledge.answering.text import STOPWORDS, capitalised_words, office_mentions, stem, words

_CHAT_MARKUP = CHAT_MARKUP
RELATED_WEIGHT = 0.6
# WordNet synonyms are general English, not curated for the topic: they weigh less.
SYNONYM_WEIGHT = 0.5
# Scene-setting words help find the claim, at this share of their weight.
CONTEXT_WEIGHT = 0.3
# A claim that does not state the place a "where" asks for, or name the thing whose
# kind "what kind of" asks, ranks this much lower (it may still be the answer).
UNTYPED_FACTOR = 0.6
# A check's value stated only in a claim's quote, not its own sentence, ranks it this much lower.
QUOTED_VALUE_FACTOR = 0.8
# An entity named in more than this share of the claims (Trump, Russia) is the topic
# itself: a claim must still name it, but naming it says little about agreement.
BACKGROUND_SHARE = 0.25
# A place or date check needs a statement about something: this many words besides the
# values ("the summit will be in Riyadh" says too little to pick the claim it contradicts).
MIN_VERDICT_TERMS = 2
# A yes or no needs the claim's own sentence, not just its quotes, to say this much of it.
VERDICT_TEXT_SHARE = 0.8
# Claims that do not state what is asked sort after those that do.
OFF_KIND_FACTOR = 0.3
# Further answers must score at least this share of the best one...
MIN_RELATIVE_SCORE = 0.45
# ...and cover at least this share of the question themselves: a short claim that
# repeats one question word can score near the best answer while being about
# something else ("walrus harbour" is not answered by a claim about harbour seals).
MIN_FURTHER_COVERAGE = 0.45
UNKNOWN_NAME_WEIGHT = 2.0
UNKNOWN_WORD_WEIGHT = 0.6
UNKNOWN_TOPIC_WEIGHT = 1.0
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
    stem: str = ""
    # An entity most claims name (the topic's own): not evidence of agreement.
    background: bool = False

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
    # For checks answered: whether the first match confirms or refutes the
    # statement, with a sentence for the reply.
    verdict: Verdict | None = None
    reading: Reading | None = None
    # What the decision read of the best claim (None when nothing matched at all).
    signals: Signals | None = None


class Matcher:
    """Answers questions from a ClaimIndex. Read-only over the index."""

    def __init__(self, index: ClaimIndex) -> None:
        self.index = index
        self._related = related_table()
        self.speller = Speller(index)

    def find_matches(self, question: str, limit: int = 3, skip: Container[str] = (), previous: str = "") -> MatchResult:
        """Up to `limit` claims that answer `question`, best first, with their scores.

        `question` is one question (see `questions.split_questions` for
        messages holding several; `previous` is the one before it in the same
        message, which a "they" or an "it" may lean on). `matches` is empty when
        the matcher abstains; `near` then holds the closest partial matches, for suggestions.
        """
        question, previous = (self.speller.mend_text(_CHAT_MARKUP.sub(" ", t)) for t in (question, previous))
        return self.match(read_question(question, previous), limit, skip)

    def match(self, reading: Reading, limit: int = 3, skip: Container[str] = ()) -> MatchResult:
        """`find_matches` for a question already read."""
        checked = read_check(reading.focus) if reading.is_check else None
        # A check's values are what is being checked: find the claim about the same thing without them.
        focus = strip_values(reading.focus) if checked is not None else reading.focus
        # "The US defence secretary" is Hegseth: the country there only says who he is.
        implied = {m.place for m in office_mentions(focus) if m.holders}
        # "Putin's press secretary" is Peskov: Putin there only says whose secretary he is.
        implied |= {stem(w) for w in reading.qualifiers}
        asked = asked_kind(focus, _KINDS.get(reading.attribute, Kind.OTHER))
        # Only a speaker the claims name is checked; an unknown one is the coverage rule's.
        asked = replace(asked, speaker=frozenset(s for s in asked.speaker if s in self.index.entity_terms))
        terms = self._query_terms(focus, implied)
        terms += self._unknown_titles(focus)
        if reading.occasion:
            # "… speaking when he visited Tokyo": an occasion the articles never name is
            # one no claim is about, though the rest of the occasion is only context.
            terms += [t for t in self._query_terms(reading.occasion, implied) if t.entity and not t.known]
        saying: list[QueryTerm] = []
        if asked.speaker and asked.saying and len(terms) > 1:
            # "What did Baerbock stress?" asks for her words: the speaker gate holds her to
            # them, and "stress" is how she said them. It ranks ("write" finds her post),
            # but a claim need not use the word to answer.
            saying = [t for t in terms if t.word == asked.saying]
            terms = [t for t in terms if t.word != asked.saying]
        rare = self.index.rare_idf()
        # An office-holder the articles never name is someone no claim is about.
        terms += [
            QueryTerm(h, [], rare * UNKNOWN_NAME_WEIGHT, known=False, entity=True) for h in reading.unknown_holders
        ]
        result = MatchResult(terms=terms, reading=reading)
        total_mass = sum(t.mass for t in terms)
        penalties = sum(t.missing_penalty for t in terms)
        if not terms or total_mass <= 0:
            return result
        own = {t.stem for t in terms}
        context = [t for t in self._query_terms(reading.context, implied) if t.known and t.stem not in own]
        # A related word counts with the question word's own idf, discounted: a rare
        # synonym must not outweigh the word the reader actually used.
        query = [[(alt, term.mass * weight) for alt, weight in term.alternatives] for term in terms]
        query += [[(alt, term.mass * weight) for alt, weight in term.alternatives] for term in saying]
        query += [[(alt, term.mass * weight * CONTEXT_WEIGHT) for alt, weight in term.alternatives] for term in context]
        ranked = self.index.top([alts for alts in query if alts], limit * 4 + 8)
        ids, stated = self.index.claim_ids, self.index.stated
        # Coverage is read from each shortlisted claim's own terms.
        numbers = self.index.term_numbers
        wanted = [(t, {numbers[a]: w for a, w in t.alternatives if a in numbers}) for t in terms]
        head = stem(words(reading.head)[0]) if reading.head and words(reading.head) else ""
        head_number = numbers.get(head, -1)
        candidates: list[tuple[float, float, bool, bool, int]] = []
        for d, s in ranked:
            if ids[d] in skip:
                continue
            own_terms = set(self.index.doc_term_numbers(d))
            # A term found through a related word or a synonym counts at that word's weight:
            # "winning" found as "gained" is weaker evidence than "winning" itself.
            credit = [(t, max((w for n, w in alts.items() if n in own_terms), default=0.0)) for t, alts in wanted]
            hit = [t for t, c in credit if c > 0]
            spared = sum(t.missing_penalty for t in hit)
            coverage = sum(t.mass * c for t, c in credit) / (total_mass + penalties - spared)
            # Claims that state what is asked (a date for "when", a count of the thing
            # counted for "how many", the kind of value a check names) rank above
            # claims that only share words.
            fits = states_answer(asked, stated(d), self._related)
            if checked is not None:
                fits = fits and addresses(checked, stated(d))
            # A claim that leaves out someone or somewhere the question names is
            # about something else ("Russia's defence spending" vs NATO's).
            named = spared >= penalties - 1e-9
            rank = s * coverage * (1.0 if fits and named else OFF_KIND_FACTOR)
            if reading.attribute is Attribute.PLACE and not stated(d).places:
                # "Where …?" is answered by a claim that puts something somewhere.
                rank *= UNTYPED_FACTOR
            if head and head_number not in own_terms:
                # "What kind of deal …?" is answered by a claim that names a deal itself.
                rank *= UNTYPED_FACTOR
            if checked is not None and fits and not addresses(checked, stated(d), own=True):
                # The claim that states the checked value itself comes before one whose quote does.
                rank *= QUOTED_VALUE_FACTOR
            candidates.append((rank, coverage, fits, named, d))
        candidates.sort(key=lambda c: c[0], reverse=True)
        found = [Match(ids[d], round(rank, 4), coverage) for rank, coverage, _, _, d in candidates]
        if not candidates:
            return result
        top_rank, top_coverage, top_fits, top_named, top_doc = candidates[0]
        runner_up = candidates[1][0] if len(candidates) > 1 else 0.0
        unknown = sum(t.mass for t in terms if not t.known) / total_mass
        top_terms = set(self.index.doc_term_numbers(top_doc))
        result.signals = Signals(
            coverage=top_coverage,
            margin=(top_rank - runner_up) / top_rank if top_rank > 0 else 0.0,
            unknown=unknown,
            fits=top_fits,
            entities=top_named,
            # About the same one and the same thing: the claim names a person, place or
            # body of the question and also uses one of its other words as written.
            broad=sum(1 for _, alts in wanted if top_terms & alts.keys()) >= 2,
            named=any(_is_named(t) and top_terms & alts.keys() for t, alts in wanted)
            and any(
                t.known and not t.entity and top_terms & {n for n, w in alts.items() if w == 1.0} for t, alts in wanted
            ),
            check=checked is not None,
            typed=top_fits
            and reading.attribute in _TYPED
            and (reading.attribute is not Attribute.PLACE or bool(stated(top_doc).places)),
        )
        if not should_answer(result.signals):
            result.near = found[:limit]
            return result
        # A place or a date is checked against a claim only when the statement says enough
        # to pick the claim: many claims put something somewhere; an amount must match
        # the measure, and an office the person.
        thin = checked is not None and sum(t.known for t in terms) < MIN_VERDICT_TERMS
        if checked is not None and not (thin and (checked.places or checked.dates)):
            result.verdict = self._verdict(checked, focus, terms, total_mass, top_doc)
        result.matches = [
            m for m in found if m.score >= top_rank * MIN_RELATIVE_SCORE and m.coverage >= MIN_FURTHER_COVERAGE
        ][:limit]
        if not result.matches or result.matches[0].claim_id != ids[top_doc]:
            result.matches = [found[0], *result.matches][:limit]
        return result

    def _verdict(self, checked: Checked, focus: str, terms: list[QueryTerm], mass: float, doc: int) -> Verdict | None:
        said = self.index.stated(doc)
        in_text = sum(t.mass for t in terms if any(a in said.text_terms for a, _ in t.alternatives))
        texts, said_by = json.loads(self.index.stated_inputs[doc])
        same = same_subject(self._subject(focus), self._subject(said_by or "") or self._subject(texts[0]))
        return judge(checked, said, in_text >= VERDICT_TEXT_SHARE * mass, same)

    def _subject(self, text: str) -> str | None:
        """The first person, country or body `text` names (the entities file's token, so
        "Pete Hegseth" is `hegseth`, not `pete`; else the first name a claim lists)."""
        stems = [stem(w) for w in words(text)]
        found = next((s for s in stems if s in ENTITY_STEMS), None)
        return found or next((s for s in stems if s in self.index.entity_terms), None)

    def _query_terms(self, question: str, implied: Container[str] = ()) -> list[QueryTerm]:
        """The question's terms with their weights; `implied` stems are never required entities."""
        names = capitalised_words(question)
        rare = self.index.rare_idf()
        seen: set[str] = set()
        out: list[QueryTerm] = []
        for w in words(question):
            if w in STOPWORDS:
                continue
            s = stem(w)
            if not self.index.has_term(s):
                s = self.speller.mend_word(w) or s
            if s in seen:
                continue
            seen.add(s)
            has = self.index.has_term
            specific = w in names or w[:1].isdigit() or is_specific(w)
            alts = [(s, 1.0)] if has(s) else []
            related = self._related.get(s, set())
            alts += [(r, RELATED_WEIGHT) for r in sorted(related) if has(r)]
            if not has(s) and specific:
                # A name or country the articles never use is not found through a
                # synonym ("prime" is not "choice" in "the Spanish prime minister").
                alts = []
            else:
                alts += [
                    (r, SYNONYM_WEIGHT) for r in sorted(synonyms().get(s, frozenset()) - related) if has(r) and r != s
                ]
            if not alts and not specific:
                # "underpay", "overspend", "unattainable": the word after a prefix is
                # related to it, whatever the prefix does to its sense.
                base = _PREFIX.sub("", w)
                if base != w and has(stem(base)):
                    alts = [(stem(base), SYNONYM_WEIGHT)]
            if alts:
                own = self.index.idf(s)
                mass = own if own > 0 else max(self.index.idf(a) for a, _ in alts)
                entity = (s in self.index.entity_terms or s in OFFICES) and s not in implied
                background = entity and self.index.df(s) > BACKGROUND_SHARE * self.index.size
                out.append(QueryTerm(w, alts, mass, known=True, entity=entity, stem=s, background=background))
            else:
                # An unknown name means the question is about someone the articles never
                # mention; an unknown ordinary word may just be phrasing.
                # A number the articles never state (a year, a count) is as specific as a name.
                # An unknown common noun ("weather", "breakfast") names a topic the articles
                # do not cover: it weighs like a name, without failing the gate as one does.
                topic = not specific and s in topic_words()
                weight = UNKNOWN_NAME_WEIGHT if specific else UNKNOWN_TOPIC_WEIGHT if topic else UNKNOWN_WORD_WEIGHT
                # A name, country or figure the articles never use is someone or something
                # no claim is about: like a missing entity, it fails the decision's gate.
                out.append(QueryTerm(w, [], rare * weight, known=False, entity=specific, stem=s))
        return out

    def _unknown_titles(self, text: str) -> list[QueryTerm]:
        """ "War and Peace", "Lord of the Rings": ordinary words written as a title in a
        sentence-case question name a work or a thing; one the entities file does not know
        is something no claim is about (the words alone, "war" and "peace", would match)."""
        tokens = re.findall(r"[A-Za-z]+", text)[1:]
        if 2 * sum(t[0].isupper() for t in tokens) > len(tokens):
            return []  # A Title Case Question: capitals say nothing there.
        rare = self.index.rare_idf()
        out = []
        for m in _TITLE_RUN.finditer(text):
            pair = [m.group(1).lower(), m.group(2).lower()]
            plain = " ".join(words(m.group(0))) == " ".join(m.group(0).lower().split())
            known = any(stem(w) in self.index.entity_terms or stem(w) in ENTITY_STEMS or w in OFFICES for w in pair)
            if plain and not known:
                out.append(QueryTerm(m.group(0), [], rare * UNKNOWN_NAME_WEIGHT, known=False, entity=True))
        return out

    def search(self, text: str, limit: int) -> list[str]:
        """Claim ids whose words best match `text`, best first, with no decision to
        answer or abstain: for pickers, where a person chooses among them. Read-only."""
        terms = self._query_terms(fold_chat(text))
        query = [[(alt, term.mass * weight) for alt, weight in term.alternatives] for term in terms]
        return [self.index.claim_ids[d] for d, _ in self.index.top([q for q in query if q], limit)]


# Two capitalised words joined as in a title, after a lower-case word (not a sentence's start).
_TITLE_RUN = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+) (?:and|of|of the|or|&) ([A-Z][a-z]+)\b")


# Prefixes whose removal leaves a related word of four letters or more.
_PREFIX = re.compile(r"^(?:under|over|counter|anti|non|mis|pre|post|self|out|re|un|co)-?(?=[a-z]{4,}$)")


def _is_named(term: QueryTerm) -> bool:
    """A person, place or body the question is about (not one of the topic's own, such as Trump)."""
    return term.known and term.entity and not term.background


# Attributes whose answer is a typed value a claim states or not.
_TYPED = frozenset(
    {Attribute.WHEN, Attribute.DURATION, Attribute.COUNT, Attribute.AMOUNT, Attribute.AGE, Attribute.PLACE}
)
# What the reader found asked → the kind of value a claim must state.
_KINDS = {
    Attribute.WHEN: Kind.WHEN,
    Attribute.DURATION: Kind.DURATION,
    Attribute.COUNT: Kind.QUANTITY,
    Attribute.AMOUNT: Kind.QUANTITY,
    Attribute.AGE: Kind.AGE,
    Attribute.WORDING: Kind.WORDING,
}

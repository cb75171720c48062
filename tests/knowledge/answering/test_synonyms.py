"""WordNet synonyms, real words and topic nouns: the shipped tables and what they change."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service import TalksService
from knowledge.answering import make_synonyms
from knowledge.answering.index import ClaimIndex
from knowledge.answering.matcher import Matcher
from knowledge.answering.synonyms import real_words, synonyms, topic_words
from knowledge.answering.text import stem
from knowledge.entities import shipped
from knowledge.store import Store

WORDNET = Path("/usr/share/wordnet")


@pytest.mark.parametrize(
    ("word", "finds"),
    # ("talks" the noun stems to "talk"; the verb "talk" is folded to "speak".)
    [("negotiations", "talk"), ("emissary", "envoy"), ("halt", "stop"), ("unattainable", "unachiev")],
)
def test_ordinary_synonyms(word: str, finds: str) -> None:
    assert finds in synonyms()[stem(word)]


def test_no_synonym_leads_to_a_name() -> None:
    # "best" is a synonym of the verb "trump" in WordNet; it must never find Trump.
    names = {stem(e.token) for e in shipped().entities}
    assert not any(targets & names for targets in synonyms().values())


def test_real_words_and_topics() -> None:
    assert "insulting" in real_words() and "natto" not in real_words()
    assert stem("weather") in topic_words() and stem("tackle") not in topic_words()


@pytest.fixture
async def matcher(service: TalksService, store: Store) -> Matcher:
    return Matcher(ClaimIndex.build(await store.claims.load_states()))


async def test_a_real_word_is_never_mended_into_a_claim_word(matcher: Matcher) -> None:
    assert matcher.speller.mend_word("insulting") is None
    assert matcher.speller.mend_word("consultng") == stem("consulting")


async def test_synonyms_find_claims_at_a_lower_weight(matcher: Matcher) -> None:
    (term,) = matcher._query_terms("emissary")
    assert ("envoy", 0.5) in term.alternatives and term.known


@pytest.mark.skipif(not WORDNET.is_dir(), reason="WordNet (Debian's wordnet-base) is not installed")
def test_the_shipped_tables_are_up_to_date() -> None:
    wordnet, vocab = make_synonyms.WordNet(WORDNET), make_synonyms.vocabulary()
    assert make_synonyms.render(make_synonyms.build_table(wordnet, vocab)) == make_synonyms.TABLE.read_text()
    topics = make_synonyms.topic_stems(WORDNET)
    assert topics == sorted(topic_words())

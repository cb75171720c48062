"""The index's overlay: changed claims score as if the index were rebuilt, and
compacting or snapshotting it changes no score."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from bot.service import TalksService
from knowledge.answering import snapshot
from knowledge.answering.index import ClaimIndex, IndexBuilder
from knowledge.answering.matcher import Matcher
from knowledge.answering.text import stem
from knowledge.models import ClaimState, Correction
from tests.conftest import OPERATOR

QUESTIONS = [
    "How long did the call last?",
    "Who is on Trump's negotiating team for Ukraine?",
    "What did Hegseth say about NATO?",
    "marathon phone call",
    "Kellogg",
]


def queries(matcher: Matcher) -> list[list[list[tuple[str, float]]]]:
    out = []
    for q in QUESTIONS:
        terms = matcher._query_terms(q)
        out.append([[(a, t.mass * w) for a, w in t.alternatives] for t in terms if t.alternatives])
    return out


async def changed_index(service: TalksService) -> tuple[ClaimIndex, str, str]:
    """The service's claims with one corrected (in the overlay) and one removed."""
    states = await service._store.claims.load_states()
    index = ClaimIndex.build(states)
    top = Matcher(index).find_matches(QUESTIONS[0]).matches[0].claim_id
    target: ClaimState = next(s for s in states if s.id == top)
    corrected = target.model_copy(
        update={
            "status": "corrected",
            "correction": Correction(
                text="The call was a marathon.", reason="t", by="t", at=datetime(2025, 2, 20, tzinfo=UTC)
            ),
        }
    )
    gone = next(s.id for s in states if s.id != top)
    index.upsert(corrected)
    index.remove(gone)
    return index, top, gone


async def test_a_corrected_claim_is_found_by_its_new_words_and_a_removed_one_never(service: TalksService) -> None:
    index, top, gone = await changed_index(service)
    matcher = Matcher(index)
    found = [index.claim_ids[d] for q in queries(matcher) for d, _ in index.top(q, 50)]
    assert gone not in found
    assert index.top([[(stem("marathon"), 1.0)]], 3)[0][0] == index.claim_ids.index(top)
    assert index.overlay_size == 2 and index.df(stem("marathon")) >= 1


async def test_compacting_or_snapshotting_the_overlay_changes_no_score(service: TalksService, tmp_path: Path) -> None:
    index, _top, _gone = await changed_index(service)
    compacted = index.compacted()
    assert compacted.overlay_size == 0 and not compacted.dead
    path = tmp_path / "x.index"
    key = snapshot.SnapshotKey("x", 1, "test-database")
    snapshot.save(path, key, 7, index, {})
    loaded = snapshot.load(path, key)
    assert loaded is not None and loaded[0] == 7
    for other in (compacted, loaded[1]):
        for query in queries(Matcher(index)):
            assert other.top(query, 20) == index.top(query, 20)
        assert other.size == index.size
        assert [other.df(t) for t in index.terms] == [index.df(t) for t in index.terms]
        assert other.rare_idf() == index.rare_idf()


async def test_ties_go_to_the_lowest_doc_number(service: TalksService) -> None:
    states = await service._store.claims.load_states()
    copies = [
        s.model_copy(update={"claim": s.claim.model_copy(update={"id": f"copy-{n}"})}) for n, s in enumerate(states)
    ]
    index = ClaimIndex.build(states + copies)
    ranked = index.top([[("trump", 1.0)]], 10)
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len({s for _, s in ranked}) < len(ranked)  # every claim has a twin: there are ties
    for (d1, s1), (d2, s2) in itertools.pairwise(ranked):
        assert s1 > s2 or d1 < d2


async def shown(service: TalksService, question: str) -> list[tuple[str, float]]:
    reply = await service.ask(question, log_question=False)
    return [(c.claim_id, c.score) for c in getattr(reply, "claims", [])]


async def test_a_service_folds_a_grown_overlay_and_answers_the_same(
    service: TalksService, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = (await service.ask(QUESTIONS[0], log_question=False)).claims[0].claim_id  # type: ignore[union-attr]
    await service.correct(OPERATOR, top, "The call was a marathon.", "test")
    assert service.live._matcher is not None and service.live._matcher.index.overlay_size == 1
    before = [await shown(service, q) for q in QUESTIONS]

    monkeypatch.setattr("bot.service.live_index.COMPACT_AT", 1)
    second = next(c.claim_id for c in await service.all_claims() if c.claim_id != top)
    await service.retract(OPERATOR, second, "test")
    assert service.live._matcher.index.overlay_size == 0  # two changed claims > 1: folded into the base
    # and saved for the next start, which then replays nothing.
    await service.snapshot_saved()
    location = service._store.location
    assert service.live._snapshot is not None
    saved = snapshot.load(snapshot.snapshot_path(location), service.live._snapshot[1])
    assert saved is not None and saved[0] == service.content_version
    await service.restore(OPERATOR, second, "test")
    assert [await shown(service, q) for q in QUESTIONS] == before
    assert (await service.ask("marathon call", log_question=False)).claims[0].claim_id == top  # type: ignore[union-attr]


async def test_an_unknown_word_weighs_the_same_in_a_store_that_repeats_its_words(service: TalksService) -> None:
    """Coverage (and so answer or abstain) must not drift as the store grows.

    The big store holds every claim 20 times over, plus one claim of words found
    nowhere else: its rare words are in 20 claims, and those few one-off words
    must not make an unknown word weigh as if the store's rare words were in one.
    """
    states = await service._store.claims.load_states()
    copies = [
        s.model_copy(update={"claim": s.claim.model_copy(update={"id": f"copy-{k}-{n}"})})
        for k in range(19)
        for n, s in enumerate(states)
    ]
    stray = states[0].model_copy(
        update={"claim": states[0].claim.model_copy(update={"id": "stray", "text": "Quokkas juggle marmalade."})}
    )
    small, big = Matcher(ClaimIndex.build(states)), Matcher(ClaimIndex.build(states + copies + [stray]))
    question = "How many minutes was the phone call between Trump and Putin, in a nutshell?"
    unknown = [t for t in small._query_terms(question) if not t.known]
    assert unknown  # the question has words the store does not hold
    one, many = small.find_matches(question), big.find_matches(question)
    assert one.matches and many.matches
    assert many.matches[0].coverage == pytest.approx(one.matches[0].coverage, abs=0.03)
    assert big.index.rare_idf() == pytest.approx(small.index.rare_idf(), rel=0.1)


async def test_an_index_built_page_by_page_is_the_index_built_at_once(service: TalksService) -> None:
    states = await service._store.claims.load_states()
    builder = IndexBuilder()
    for at in range(0, len(states), 7):
        builder.add(states[at : at + 7])
    paged, whole = builder.done(), ClaimIndex.build(states)
    assert paged.claim_ids == whole.claim_ids and paged.terms == whole.terms
    for name in ("post_offsets", "post_docs", "post_weights", "doc_offsets", "doc_terms", "priors"):
        assert np.array_equal(getattr(paged.base, name), getattr(whole.base, name)), name
    assert list(paged.texts) == [s.current_text for s in states]

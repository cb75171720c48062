"""Request paths load only the claims they show: a digest, an ingest and a picker keystroke
cost the same at 150 claims as at 120,000. The store's own `load_states` is wrapped to
record what each path asked for (the store stays real)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.corrections import MAX_CLAIM_ID
from bot.digest import KEY_CLAIMS, DigestScope, build_digest
from bot.service import DigestDesk, TalksService, live_index
from bot.service.ingesting import RESEMBLING_PER_SENTENCE
from knowledge.answering.matcher import Matcher
from knowledge.articles.curated import load_curated
from knowledge.articles.sources import load_seeds
from knowledge.errors import NotFound
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store
from knowledge.store.build import inputs_digest
from knowledge.store.claims import ClaimStore
from tests.bench_data import synthetic_claims
from tests.bot.test_ingest import ARTICLE, OPERATOR
from tests.conftest import FakeClock


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str] | None]]:
    """Every `load_states` call's ids (None: every claim) from the moment the test starts."""
    asked: list[list[str] | None] = []
    real = ClaimStore.load_states

    async def recording(self: ClaimStore, ids: list[str] | None = None):  # type: ignore[no-untyped-def]
        asked.append(None if ids is None else list(ids))
        return await real(self, ids)

    monkeypatch.setattr(ClaimStore, "load_states", recording)
    yield asked


async def test_a_digest_loads_only_the_key_claims_it_shows(
    service: TalksService, clock: FakeClock, loads: list[list[str] | None]
) -> None:
    await service.correct(OPERATOR, (await service.all_claims())[0].claim_id, "New words.", "Test.")
    loads.clear()
    digest = await build_digest(
        DigestDesk(service), since=clock() - timedelta(hours=1), now=clock(), scope=DigestScope("cli")
    )
    assert digest.has_news
    assert None not in loads
    assert sum(len(ids or []) for ids in loads) <= KEY_CLAIMS + 1  # + the corrected claim, reloaded once
    key = next(s for s in digest.sections if s.title == "Key claims")
    assert len(key.items) == KEY_CLAIMS


async def test_a_digest_names_disagreeing_claims_from_their_links(service: TalksService, clock: FakeClock) -> None:
    await service.correct(OPERATOR, (await service.all_claims())[0].claim_id, "New words.", "Test.")
    views = {v.claim_id: v for v in await service.all_claims()}
    linked = {tuple(sorted((v.claim_id, c))) for v in views.values() for c, _ in v.conflicts}
    digest = await build_digest(
        DigestDesk(service), since=clock() - timedelta(hours=1), now=clock(), scope=DigestScope("cli")
    )
    shown = [i.detail for s in digest.sections if s.title.startswith("Sources disagree") for i in s.items]
    assert shown and all(tuple(d.split(" ↔ ")) in linked for d in shown if d)


async def test_ingest_compares_each_sentence_with_the_claims_it_resembles_not_every_claim(
    service: TalksService, loads: list[list[str] | None]
) -> None:
    total = len(await service.all_claims())
    loads.clear()
    result = await service.ingest(OPERATOR, ARTICLE.encode("utf-8"), "005_bounds.txt")
    assert None not in loads
    compared = sum(len(ids or []) for ids in loads)
    assert 0 < compared <= 3 * RESEMBLING_PER_SENTENCE < total
    # The stored claim the third sentence repeats is still recognised.
    assert result.counts["supports"] >= 1 and result.counts["conflicts"] >= 1


async def test_a_picker_keystroke_loads_no_claim_and_puts_id_prefixes_first(
    service: TalksService, loads: list[list[str] | None]
) -> None:
    ids = sorted(v.claim_id for v in await service.all_claims())
    prefix = ids[len(ids) // 2][:4]
    loads.clear()
    found = service.find_claim_ids(prefix, limit=25)
    assert loads == []
    starting = [cid for cid in ids if cid.startswith(prefix)]
    assert [cid for cid, _ in found[: len(starting)]] == starting[:25]
    # Words of a claim's text find it even when no id starts with them.
    assert any("kremlin" in text.lower() for _, text in service.find_claim_ids("kremlin", limit=5))
    assert service.find_claim_ids("", limit=10_000) == [(cid, service.live.text_of(cid)) for cid in ids]


# ---- did-you-mean and pickers: bounded input, indexed lookups ----------------------------------------


@pytest.fixture
async def larger_service(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TalksService]:
    """A service on 3,000 claims: the real ones and synthetic recombinations of them
    (tests/bench_data.py), written the way the benchmark writes its larger stores."""
    real = load_curated(curated_claims_file())
    seeds = load_seeds(seeds_dir())
    sources = [(s.source, hashlib.sha256(s.article.text.encode()).hexdigest()) for s in seeds.values()]
    claims = real + synthetic_claims(real, 3_000 - len(real))
    async with Store.open(tmp_path / "larger.db") as store:
        digest = inputs_digest(seeds_dir(), curated_claims_file())
        await store.claims.sync_curated(sources, claims, digest=digest, curated_version=1, now=clock())
        service = TalksService(store, clock=clock)
        await service.start()
        yield service
        await service.stop()


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many ids each did-you-mean scored (rapidfuzz still does the scoring)."""
    counts: list[int] = []
    real = live_index.process.extract

    def counting(query: str, choices: Iterable[str], **kwargs: Any) -> Any:
        chosen = list(choices)
        counts.append(len(chosen))
        return real(query, chosen, **kwargs)

    # Only did-you-mean's own scoring is counted (the matcher uses rapidfuzz too).
    monkeypatch.setattr(live_index, "process", SimpleNamespace(extract=counting))
    return counts


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every word search of the index (the matcher's own, unchanged)."""
    texts: list[str] = []
    real = Matcher.search

    def recording(self: Matcher, text: str, limit: int) -> list[str]:
        texts.append(text)
        return real(self, text, limit)

    monkeypatch.setattr(Matcher, "search", recording)
    return texts


MISTYPED: dict[str, Callable[[str], str]] = {
    "last-letter-missing": lambda cid: cid[:-1],
    "letter-added": lambda cid: cid + "s",
    "letters-swapped": lambda cid: cid[:3] + cid[4] + cid[3] + cid[5:],
}


@pytest.mark.parametrize("mistype", list(MISTYPED.values()), ids=list(MISTYPED))
async def test_did_you_mean_scores_a_few_candidates_not_every_claim(
    larger_service: TalksService, scored: list[int], mistype: Callable[[str], str]
) -> None:
    ids = sorted(larger_service.live._docs)
    assert len(ids) == 3_000
    # Real ids: readable slugs (the synthetic ones differ in one digit from dozens of others).
    for wanted in ("call-length-90-minutes", max((i for i in ids if not i.startswith("syn-")), key=len)):
        scored.clear()
        assert wanted in larger_service.did_you_mean(mistype(wanted))
        assert 0 < sum(scored) <= 3 * live_index.NEIGHBOUR_IDS < len(ids) / 10


async def test_a_typo_in_an_ids_first_letter_is_found_by_its_words(
    larger_service: TalksService, scored: list[int]
) -> None:
    assert "call-length-90-minutes" in larger_service.did_you_mean("xall-length-90-minutes")
    assert sum(scored) <= 3 * live_index.NEIGHBOUR_IDS


async def test_an_id_of_6000_characters_is_cut_before_anything_reads_it(
    larger_service: TalksService, scored: list[int], searched: list[str]
) -> None:
    typed = "call-length-" * 500
    with pytest.raises(NotFound) as refused:
        await larger_service.claim(typed)
    said = str(refused.value)
    assert len(said) < 400 and "call-length-90-minutes" in said
    assert sum(scored) <= 3 * live_index.NEIGHBOUR_IDS
    assert searched and all(len(text) <= MAX_CLAIM_ID for text in searched)


async def test_a_picker_reads_at_most_a_hundred_typed_characters(
    larger_service: TalksService, searched: list[str]
) -> None:
    found = larger_service.find_claim_ids("trump putin call length " * 250, limit=25)
    assert found and all(len(text) <= live_index.MAX_TYPED for text in searched)

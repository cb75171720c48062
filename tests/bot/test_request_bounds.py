"""Request paths load only the claims they show: a digest, an ingest and a picker keystroke
cost the same at 150 claims as at 120,000. The store's own `load_states` is wrapped to
record what each path asked for (the store stays real)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.digest import KEY_CLAIMS, DigestScope, build_digest
from bot.service import DigestDesk, TalksService
from bot.service.ingesting import RESEMBLING_PER_SENTENCE
from knowledge.store.claims import ClaimStore
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

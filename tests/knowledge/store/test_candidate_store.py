"""Ingested articles and candidates on both backends: the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.permissions import Actor
from bot.service import TalksService
from knowledge.articles.curated import load_curated
from knowledge.articles.sources import load_seeds
from knowledge.errors import BadInput
from knowledge.models import Moderator
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store
from knowledge.store.candidates import DuplicateArticle
from tests.knowledge.store.raw import raw_fetch

NOW = datetime(2025, 2, 20, 9, 0, tzinfo=UTC)
OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
ARTICLE = (
    "Envoys prepare for talks\n\n"
    "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said.\n"
    "A Kremlin aide later claimed that the phone call between Trump and Putin had lasted two hours.\n"
    "Kremlin spokesman Dmitry Peskov confirmed that the phone call lasted nearly an hour and a half.\n"
)


async def test_candidates_are_accepted_rejected_and_survive_a_curated_sync(location: str) -> None:
    async with Store.open(location) as store:
        service = TalksService(store, clock=lambda: NOW)
        await service.start()
        result = await service.ingest(OPERATOR, ARTICLE.encode(), "005_followup.txt", url="https://example.org/a")
        stored = await raw_fetch(location, f"SELECT body FROM sources WHERE id = '{result.source.id}'")
        assert stored == [(ARTICLE,)]
        try:
            await service.ingest(OPERATOR, ARTICLE.encode(), "other.txt")
            raise AssertionError("a duplicate was stored")
        except DuplicateArticle as exc:
            assert exc.source_id == result.source.id
        by_kind = {i.candidate.proposal: i for i in await service.candidates(OPERATOR) if i.candidate}
        assert set(by_kind) == {"new", "conflicts", "supports"}
        new = await service.decide(OPERATOR, by_kind["new"].id, accept=True)
        conflict = await service.decide(OPERATOR, by_kind["conflicts"].id, accept=True)
        support = await service.decide(OPERATOR, by_kind["supports"].id, accept=False, reason="duplicate wording")
        assert not support.accepted
        exported = set(await store.candidates.exported_claim_ids())
        assert {new.claim_id, conflict.claim_id} <= exported
        assert by_kind["conflicts"].candidate is not None
        assert by_kind["conflicts"].candidate.claim_id in exported  # it gained a conflict link

        # A curated sync that rewrites every curated claim keeps what moderators accepted.
        seeds = load_seeds(seeds_dir())
        await store.claims.sync_curated(
            [(s.source, "x" + s.source.id) for s in seeds.values()],
            load_curated(curated_claims_file()),
            digest="another",
            curated_version=1,
            now=NOW,
        )
        linked = by_kind["conflicts"].candidate.claim_id or ""
        state = await store.claims.get_state(linked)
        assert state is not None and conflict.claim_id in state.claim.conflicts
        added = await store.claims.get_state(new.claim_id or "")
        assert added is not None and added.claim.quotes[0].source_id == result.source.id


# Ways a candidate's quote can stop matching its stored article between ingest and accept
# (an edited row, a restored backup, a hand-fixed article), as SQL on the candidate's item
# and source; and what the refusal says.
TAMPERED = [
    (
        "UPDATE candidates SET quote_start = quote_start + 1, quote_end = quote_end + 1 WHERE item_id = {item}",
        "no longer",
    ),
    ("UPDATE candidates SET quote = 'The' || quote WHERE item_id = {item}", "no longer"),
    ("UPDATE sources SET body = 'Updated: ' || body WHERE id = '{source}'", "no longer"),
    ("UPDATE sources SET body = NULL WHERE id = '{source}'", "not stored"),
]


@pytest.mark.parametrize(("tamper", "says"), TAMPERED, ids=["moved", "reworded", "article-edited", "article-gone"])
async def test_a_candidate_whose_quote_no_longer_checks_out_is_refused(location: str, tamper: str, says: str) -> None:
    async with Store.open(location) as store:
        service = TalksService(store, clock=lambda: NOW)
        await service.start()
        result = await service.ingest(OPERATOR, ARTICLE.encode(), "005_followup.txt")
        items = {i.candidate.proposal: i for i in await service.candidates(OPERATOR) if i.candidate}
        item = items["new"]
        version, claims = await store.claims.content_version(), await store.claims.claim_ids()
        await raw_fetch(location, tamper.format(item=item.id, source=result.source.id))
        with pytest.raises(BadInput, match=says):
            await service.decide(OPERATOR, item.id, accept=True)
        assert await store.claims.content_version() == version
        assert await store.claims.claim_ids() == claims
        assert item.id in [i.id for i in await service.candidates(OPERATOR)]  # still waiting


async def test_a_curated_entry_for_a_claim_with_an_accepted_quote_stores_each_quote_once(location: str) -> None:
    """An older talksbot put an accepted new claim's quote at position 0; a curated entry
    for that claim (quoting elsewhere, and quoting the accepted passage) must neither clash
    with it nor store the accepted passage twice."""
    async with Store.open(location) as store:
        service = TalksService(store, clock=lambda: NOW)
        await service.start()
        await service.ingest(OPERATOR, ARTICLE.encode(), "005_followup.txt")
        [item] = [i for i in await service.candidates(OPERATOR) if i.candidate and i.candidate.proposal == "new"]
        made = await service.decide(OPERATOR, item.id, accept=True)
        cid = made.claim_id or ""
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE quotes SET position = 0 WHERE claim_id = ?", (cid,))
        [state] = await store.claims.load_states([cid])
        accepted = state.claim.quotes[0]
        curated = [c for c in load_curated(curated_claims_file())]
        other = curated[0].quotes[0]
        seeds = [(s.source, "x" + s.source.id) for s in load_seeds(seeds_dir()).values()]
        for n, quotes in enumerate(([other], [other, accepted]), start=1):
            entry = state.claim.model_copy(update={"quotes": quotes, "text": f"Reviewed {n}."})
            await store.claims.sync_curated(
                seeds, [*curated, entry], digest=f"fold-{n}", curated_version=n + 1, now=NOW
            )
            [after] = await store.claims.load_states([cid])
            spans = [(q.source_id, q.start) for q in after.claim.quotes]
            assert len(spans) == len(set(spans)) == 2 and after.claim.text == f"Reviewed {n}."
            assert spans[0] == (other.source_id, other.start)

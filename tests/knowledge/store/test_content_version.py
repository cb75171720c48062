"""The content version: bumped once by every change to what can be answered, never otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.permissions import Actor
from bot.service import TalksService
from knowledge.articles.curated import load_curated
from knowledge.errors import BadInput
from knowledge.models import Moderator
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store
from knowledge.store.build import ensure_built

OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
CLAIM = "call-date-february-12"


async def version(store: Store) -> int:
    return await store.claims.content_version()


async def test_each_moderator_action_bumps_the_version_once_and_names_its_claim(
    service: TalksService, store: Store
) -> None:
    before = await version(store)
    await service.correct(OPERATOR, CLAIM, "The call was on 12 February 2025.", "clearer")
    await service.retract(OPERATOR, CLAIM, "duplicate")
    await service.restore(OPERATOR, CLAIM)
    added = await service.add_claim(OPERATOR, text="A moderator note.", reason="test", url="https://example.org/a")
    assert await version(store) == before + 4
    changes = await store.claims.changes_since(before)
    assert changes.version == before + 4
    assert changes.changed == sorted([CLAIM, added.id]) and changes.removed == []
    assert (await store.claims.changes_since(before + 4)).changed == []


async def test_a_refused_action_leaves_the_version_alone(service: TalksService, store: Store) -> None:
    before = await version(store)
    with pytest.raises(BadInput, match="nothing to restore"):  # an active claim has nothing to restore
        await service.restore(OPERATOR, CLAIM)
    assert await version(store) == before


async def test_reloading_an_unchanged_curated_file_does_not_bump(store: Store, service: TalksService) -> None:
    before = await version(store)
    # Same inputs: ensure_built sees the same digest and writes nothing.
    assert not await ensure_built(store, seeds_dir(), curated_claims_file(), datetime.now(UTC))
    assert await version(store) == before


async def test_a_sync_rewrites_and_stamps_only_claims_that_changed(store: Store, service: TalksService) -> None:
    claims = load_curated(curated_claims_file())
    before = await version(store)
    edited = [c.model_copy(update={"text": c.text + " (edited)"}) if c.id == CLAIM else c for c in claims]
    edited = [c for c in edited if c.id != "call-early-morning-washington"]
    result = await store.claims.sync_curated([], edited, digest="d2", curated_version=2, now=datetime.now(UTC))
    assert (result.written, result.removed) == (1, 1)
    changes = await store.claims.changes_since(before)
    assert changes.changed == [CLAIM]
    assert changes.removed == ["call-early-morning-washington"]


async def test_a_claim_with_history_that_leaves_the_curated_file_is_flagged_and_stamped(
    store: Store, service: TalksService
) -> None:
    await service.correct(OPERATOR, CLAIM, "The call was on 12 February 2025.", "clearer")
    before = await version(store)
    claims = [c for c in load_curated(curated_claims_file()) if c.id != CLAIM]
    result = await store.claims.sync_curated([], claims, digest="d2", curated_version=2, now=datetime.now(UTC))
    assert (result.written, result.flagged, result.removed, result.version) == (0, 1, 0, before + 1)
    # Every process learns of it the way it learns of any change: by the claim's stamp.
    changes = await store.claims.changes_since(before)
    assert (changes.changed, changes.removed) == ([CLAIM], [])
    state = await store.claims.get_state(CLAIM)
    assert state is not None and not state.in_curated and state.status == "corrected"

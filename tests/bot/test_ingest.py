"""Ingesting a new article: stored byte for byte, proposals wait in the review queue,
nothing answers until a moderator accepts, and bad input writes nothing."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.permissions import Actor
from bot.replies import NoAnswerReply
from bot.service import TalksService
from knowledge.articles.curated import load_curated, verify_claims
from knowledge.articles.ingest import claim_slug
from knowledge.articles.sources import load_seeds
from knowledge.errors import BadInput, PermissionDenied
from knowledge.models import MODERATOR_IMPORTANCE, Moderator, Place, QueueItem
from knowledge.paths import curated_claims_file, seeds_dir
from knowledge.store import Store
from tests.conftest import FakeClock
from tests.knowledge.store.raw import raw_fetch

OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
READER = Actor(Moderator(platform="discord", user_id="222", name="Reader", community_id="111"))
GUILD = Place(platform="discord", community_id="111", community_name="Newsroom", channel_id="5")

# A made-up follow-up report: one sentence off the articles' subject, one giving another call
# length, one repeating a stored claim, and site furniture that must never become a claim.
ARTICLE = (
    "Envoys prepare for talks in Riyadh\n"
    "\n"
    "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said.\n"
    "A Kremlin aide later claimed that the phone call between Trump and Putin had lasted two hours.\n"
    "Kremlin spokesman Dmitry Peskov confirmed that the phone call lasted nearly an hour and a half.\n"
    "Share post:\n"
    "Read also:\n"
    "Markets rally as oil prices fall\n"
)
OFF_TOPIC = (
    "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said."
)
HERRING_QUESTION = "What record catch did Norwegian fishermen report in the Barents Sea?"
TWO_HOURS = "A Kremlin aide later claimed that the phone call between Trump and Putin had lasted two hours."
TABLES = ("sources", "queue_items", "candidates", "claims", "quotes", "corrections")


def cli(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TALKSBOT_DB=str(db), TALKSBOT_OPERATOR="Ana")
    return subprocess.run(
        [sys.executable, "-m", "adapters.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "005_riyadh-followup.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


async def ingest(service: TalksService, path: Path) -> list[QueueItem]:
    await service.ingest(OPERATOR, ARTICLE.encode("utf-8"), path.name, outlet="Test Wire")
    return await service.candidates(OPERATOR)


def by_quote(items: list[QueueItem], quote: str) -> QueueItem:
    [item] = [i for i in items if i.candidate and i.candidate.quote.quote == quote]
    return item


async def test_ingest_stores_the_text_byte_for_byte_with_only_the_given_metadata(
    service: TalksService, store: Store, article: Path
) -> None:
    version = service.content_version
    items = await ingest(service, article)
    assert await raw_fetch(store.location, "SELECT body FROM sources WHERE id = '005_riyadh-followup'") == [(ARTICLE,)]
    [source] = [s for s in await store.claims.list_sources() if s.id == "005_riyadh-followup"]
    assert (source.outlet, source.title, source.date, source.url) == ("Test Wire", None, None, None)
    assert source.origin == "ingested"
    quotes = [i.candidate.quote.quote for i in items if i.candidate]
    assert OFF_TOPIC in quotes and TWO_HOURS in quotes
    assert not any("Share post" in q or "Markets rally" in q or "Envoys prepare" in q for q in quotes)
    assert all(
        ARTICLE[i.candidate.quote.start : i.candidate.quote.end] == i.candidate.quote.quote
        for i in items
        if i.candidate
    )
    # Proposals are not facts: the content version did not move.
    assert await store.claims.content_version() == version


async def test_the_same_article_twice_is_refused_with_the_existing_source_id(
    service: TalksService, db_path: Path, article: Path, tmp_path: Path
) -> None:
    await ingest(service, article)
    before = counts(db_path)
    again = tmp_path / "renamed.txt"
    shutil.copy(article, again)
    done = cli(db_path, "ingest", str(again))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "talksbot: This article is already stored as source 005_riyadh-followup; nothing was written."
    )
    assert counts(db_path) == before


async def test_an_unaccepted_proposal_never_answers_and_an_accepted_one_quotes_the_new_source(
    service: TalksService, db_path: Path, article: Path
) -> None:
    items = await ingest(service, article)
    item = by_quote(items, OFF_TOPIC)
    assert item.candidate is not None and item.candidate.proposal == "new"
    assert isinstance(await service.ask(HERRING_QUESTION, GUILD, log_question=False), NoAnswerReply)
    assert not json.loads(cli(db_path, "ask", "--json", HERRING_QUESTION).stdout)["answered"]

    accepted = cli(db_path, "accept", str(item.id))
    assert accepted.returncode == 0, accepted.stderr
    answer = json.loads(cli(db_path, "ask", "--json", HERRING_QUESTION).stdout)
    assert answer["answered"]
    top = answer["answers"][0]
    [quote] = top["quotes"]
    assert quote["source_id"] == "005_riyadh-followup" and quote["outlet"] == "Test Wire"
    assert ARTICLE[quote["start"] : quote["end"]] == quote["quote"] == OFF_TOPIC
    history = json.loads(cli(db_path, "history", top["claim_id"], "--json").stdout)
    assert [(h["action"], h["by"], h["platform"]) for h in history] == [("add", "Ana", "cli")]
    assert f"#{item.id}" in history[0]["reason"]
    assert (await service.queue_item(OPERATOR, item.id)).status == "accepted"


async def test_accepting_with_edited_text_uses_that_text(service: TalksService, article: Path) -> None:
    item = by_quote(await ingest(service, article), OFF_TOPIC)
    decided = await service.decide(OPERATOR, item.id, accept=True, text="Norway reported a record herring catch.")
    card = (await service.claim(decided.claim_id or "")).claim
    assert card.text == "Norway reported a record herring catch."
    assert [q.quote for q in card.quotes] == [OFF_TOPIC]


async def test_another_call_length_is_a_conflict_linked_both_ways_once_accepted(
    service: TalksService, article: Path
) -> None:
    item = by_quote(await ingest(service, article), TWO_HOURS)
    assert item.candidate is not None and item.candidate.proposal == "conflicts"
    linked = item.candidate.claim_id
    assert linked is not None and linked.startswith("call-length")
    decided = await service.decide(OPERATOR, item.id, accept=True)
    new = (await service.claim(decided.claim_id or "")).claim
    assert [c for c, _ in new.conflicts] == [linked]
    assert decided.claim_id in [c for c, _ in (await service.claim(linked)).claim.conflicts]


async def test_a_sentence_giving_two_facts_supports_both_claims_as_two_items(
    service: TalksService, tmp_path: Path
) -> None:
    sentence = "The 90-minute phone call between Trump and Putin took place on Wednesday, February 12, 2025."
    text = f"Call details confirmed\n\n{sentence} Officials gave no further details of the conversation that day.\n"
    await service.ingest(OPERATOR, text.encode("utf-8"), "006_two-facts.txt")
    items = [i for i in await service.candidates(OPERATOR) if i.candidate and i.candidate.quote.quote == sentence]
    supported = {i.candidate.claim_id for i in items if i.candidate and i.candidate.proposal == "supports"}
    assert {"call-length-90-minutes", "call-date-february-12"} <= supported
    for item in items:
        if item.candidate and item.candidate.proposal == "supports":
            await service.decide(OPERATOR, item.id, accept=True)
    for claim_id in ("call-length-90-minutes", "call-date-february-12"):
        card = (await service.claim(claim_id)).claim
        assert [q.source_id for q in card.quotes if q.quote == sentence] == ["006_two-facts"]


async def test_a_reject_is_recorded_and_changes_nothing(service: TalksService, store: Store, article: Path) -> None:
    item = by_quote(await ingest(service, article), OFF_TOPIC)
    ids = set(await store.claims.claim_ids())
    version = await store.claims.content_version()
    decided = await service.decide(OPERATOR, item.id, accept=False, reason="not about the talks")
    assert not decided.accepted
    closed = await store.queue.get(item.id)
    assert closed is not None
    assert (closed.status, closed.closed_by, closed.close_reason) == ("rejected", "Ana", "not about the talks")
    assert set(await store.claims.claim_ids()) == ids and await store.claims.content_version() == version
    with pytest.raises(BadInput):
        await service.decide(OPERATOR, item.id, accept=True)


async def test_an_accepted_supporting_quote_survives_a_curated_reload(
    db_path: Path, clock: FakeClock, article: Path, tmp_path: Path
) -> None:
    curated = tmp_path / "claims.toml"
    shutil.copy(curated_claims_file(), curated)
    async with Store.open(db_path) as store:
        service = TalksService(store, clock=clock, curated_path=curated)
        await service.start()
        supports = [i for i in await ingest(service, article) if i.candidate and i.candidate.proposal == "supports"]
        assert supports, "the Peskov sentence should support a stored claim"
        item = supports[0]
        decided = await service.decide(OPERATOR, item.id, accept=True)
        assert decided.claim_id == item.candidate.claim_id  # type: ignore[union-attr]
        # A reviewed change to that very claim in the curated file rewrites its row…
        text = curated.read_text(encoding="utf-8")
        old = next(c.text for c in load_curated(curated) if c.id == decided.claim_id)
        bumped = text.replace("version = 1", "version = 2", 1).replace(json.dumps(old), json.dumps(old + " (reviewed)"))
        assert bumped != text
        curated.write_text(bumped, encoding="utf-8")
    async with Store.open(db_path) as store:
        service = TalksService(store, clock=clock, curated_path=curated)
        await service.start()
        card = (await service.claim(decided.claim_id or "")).claim
        # …and keeps the quote a moderator accepted.
        assert card.text.endswith("(reviewed)")
        assert item.candidate is not None and item.candidate.quote.quote in [q.quote for q in card.quotes]


async def test_export_claims_round_trips_through_the_curated_loader(
    service: TalksService, db_path: Path, article: Path, tmp_path: Path
) -> None:
    items = await ingest(service, article)
    for quote in (OFF_TOPIC, TWO_HOURS):
        await service.decide(OPERATOR, by_quote(items, quote).id, accept=True)
    supports = [i for i in items if i.candidate and i.candidate.proposal == "supports"]
    await service.decide(OPERATOR, supports[0].id, accept=True)

    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), folder)
    done = cli(db_path, "export-claims", "--articles", str(folder))
    assert done.returncode == 0, done.stderr
    exported = tmp_path / "exported.toml"
    exported.write_text(done.stdout, encoding="utf-8")
    assert (folder / "005_riyadh-followup.txt").read_bytes() == ARTICLE.encode("utf-8")
    new = load_curated(exported)
    assert OFF_TOPIC in [q.quote for c in new for q in c.quotes]
    # Folded into the curated file (replacing entries with the same id), every quote verifies.
    merged = {c.id: c for c in load_curated(curated_claims_file())} | {c.id: c for c in new}
    verify_claims(list(merged.values()), load_seeds(folder))
    assert tomllib.loads(done.stdout)["claims"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.txt", b"  \n\n", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not text"),
        ("latin1.txt", "Der Kreml bestätigte das Gespräch mit Präsident Trump.\n".encode("latin-1"), "not UTF-8"),
        ("huge.txt", None, "too large"),
    ],
)
async def test_bad_input_is_refused_with_one_line_and_nothing_written(
    service: TalksService, db_path: Path, tmp_path: Path, name: str, content: bytes | None, says: str
) -> None:
    path = tmp_path / name
    if content is None:
        with path.open("wb") as fh:
            fh.truncate(50_000_000)  # a sparse 50 MB file: refused by its size, never read
    else:
        path.write_bytes(content)
    before = counts(db_path)
    done = cli(db_path, "ingest", str(path))
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("talksbot:")]
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert counts(db_path) == before


def test_ingest_never_creates_a_database(tmp_path: Path, article: Path) -> None:
    missing = tmp_path / "missing.db"
    done = cli(missing, "ingest", str(article))
    assert done.returncode == 2 and not missing.exists()


async def test_readers_cannot_ingest_or_decide(service: TalksService, article: Path) -> None:
    items = await ingest(service, article)
    with pytest.raises(PermissionDenied):
        await service.ingest(READER, b"Another article about the talks in Riyadh, with enough words.", "x.txt")
    with pytest.raises(PermissionDenied):
        await service.decide(READER, items[0].id, accept=True)


async def test_claims_made_by_moderators_follow_one_id_rule_and_one_importance(
    service: TalksService, store: Store, article: Path
) -> None:
    item = by_quote(await ingest(service, article), OFF_TOPIC)
    assert item.candidate is not None
    accepted = await service.decide(OPERATOR, item.id, accept=True)
    added = await service.add_claim(
        OPERATOR, text="Talks moved to Istanbul’s old town.", reason="follow-up", url="https://example.org/istanbul"
    )
    assert accepted.claim_id == claim_slug(item.candidate.text)
    assert added.id == claim_slug("Talks moved to Istanbul’s old town.") == "talks-moved-to-istanbuls-old-town"
    states = await store.claims.load_states([accepted.claim_id or "", added.id])
    assert [s.claim.importance for s in states] == [MODERATOR_IMPORTANCE] * 2

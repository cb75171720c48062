"""Moderators decide an ingest candidate in one step (a new claim, a supporting quote of a
claim they pick, a conflict with a claim they pick), reject a whole article's candidates
at once, see totals wherever a list is cut, and get at most 50 proposals per article at
first, the most substantial first, the rest one command (`talksbot propose`) away. The
digest names a supporting quote and a conflict for what they are."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot import messages
from bot.digest import DigestScope, build_digest
from bot.service import DigestDesk, TalksService
from knowledge.store import Store
from tests.bot.test_ingest import ARTICLE, OFF_TOPIC, OPERATOR, TWO_HOURS, by_quote, cli, ingest
from tests.conftest import FakeClock

PESKOV = "Kremlin spokesman Dmitry Peskov confirmed that the phone call lasted nearly an hour and a half."
# A claim the Peskov sentence was not proposed for: the moderator picks it.
PICKED = "call-described-as-lengthy"
DISPUTED = "call-length-90-minutes"
CITIES = "Oslo Bergen Tromso Lisbon Porto Madrid Seville Valencia Turin Milan Naples Genoa".split()


def long_article(n: int) -> str:
    """`n` distinct substantive sentences: a live blog's worth of proposals."""
    return "\n".join(
        f"Delegation member {i} from {CITIES[i % len(CITIES)]} discussed grain exports and sanctions relief "
        f"with {i + 3} officials."
        for i in range(n)
    )


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "005_riyadh-followup.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


# ---- one-step decisions ------------------------------------------------------------------------------


async def test_a_candidate_is_accepted_as_a_supporting_quote_of_a_claim_the_moderator_picks(
    service: TalksService, db_path: Path, article: Path
) -> None:
    item = by_quote(await ingest(service, article), PESKOV)
    assert item.candidate is not None and item.candidate.claim_id != PICKED
    done = cli(db_path, "accept", str(item.id), "--supports", PICKED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == messages.candidate_accepted(item.id, PICKED, "supports", PICKED)
    picked = json.loads(cli(db_path, "claim", PICKED, "--json").stdout)
    assert [q["quote"] for q in picked["quotes"]].count(PESKOV) == 1
    proposed = json.loads(cli(db_path, "claim", item.candidate.claim_id or "", "--json").stdout)
    assert PESKOV not in [q["quote"] for q in proposed["quotes"]]


async def test_a_candidate_is_accepted_as_a_conflict_with_a_claim_the_moderator_picks(
    service: TalksService, article: Path
) -> None:
    item = by_quote(await ingest(service, article), OFF_TOPIC)
    assert item.candidate is not None and item.candidate.proposal == "new"
    decided = await service.decide(OPERATOR, item.id, accept=True, accept_as="conflicts", claim=PICKED)
    new = (await service.claim(decided.claim_id or "")).claim
    assert [c for c, _ in new.conflicts] == [PICKED] and new.text == item.candidate.text
    assert decided.claim_id in [c for c, _ in (await service.claim(PICKED)).claim.conflicts]


async def test_a_proposed_support_is_accepted_as_a_new_claim_saying_what_its_quote_says(
    service: TalksService, article: Path
) -> None:
    item = by_quote(await ingest(service, article), PESKOV)
    assert item.candidate is not None and item.candidate.proposal == "supports"
    decided = await service.decide(OPERATOR, item.id, accept=True, accept_as="new")
    new = (await service.claim(decided.claim_id or "")).claim
    assert new.text == PESKOV and new.conflicts == [] and [q.quote for q in new.quotes] == [PESKOV]


async def test_the_cli_picker_searches_claims_by_words(service: TalksService, db_path: Path, article: Path) -> None:
    item = by_quote(await ingest(service, article), OFF_TOPIC)
    done = cli(db_path, "accept", str(item.id), "--conflicts-with", "ninety minute call length")
    assert done.returncode == 2
    assert DISPUTED in done.stderr.splitlines()[-1]
    assert (await service.queue_item(OPERATOR, item.id)).status == "open"


# ---- bulk reject, totals, the cap per article ------------------------------------------------------------


async def test_a_whole_articles_candidates_are_rejected_in_one_command(
    service: TalksService, store: Store, db_path: Path, article: Path
) -> None:
    items = await ingest(service, article)
    await service.ingest(OPERATOR, long_article(4).encode(), "006_blog.txt")
    version = await store.claims.content_version()
    done = cli(db_path, "reject", "--source", "005_riyadh-followup", "--reason", "wire copy")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == messages.rejected_source("005_riyadh-followup", len(items))
    left = await service.candidates(OPERATOR)
    assert len(left) == 4 and {i.candidate.source_id for i in left if i.candidate} == {"006_blog"}
    closed = await store.queue.get(items[0].id)
    assert closed is not None and (closed.status, closed.close_reason) == ("rejected", "wire copy")
    assert await store.claims.content_version() == version
    assert cli(db_path, "reject", "--source", "no-such-article", "--reason", "x").returncode == 2


async def test_an_article_queues_its_50_most_substantial_proposals_and_the_rest_is_one_command_away(
    service: TalksService, db_path: Path, tmp_path: Path
) -> None:
    blog = tmp_path / "007_live-blog.txt"
    blog.write_text(long_article(60) + "\n" + TWO_HOURS + "\n", encoding="utf-8")
    done = cli(db_path, "ingest", str(blog))
    assert done.returncode == 0, done.stderr
    assert messages.held_back("007_live-blog", 11) in done.stdout
    queued = await service.candidates(OPERATOR)
    assert len(queued) == 50
    # The conflicting sentence, last in the article, comes first.
    assert queued[0].candidate is not None and queued[0].candidate.quote.quote == TWO_HOURS

    head = cli(db_path, "candidates", "--limit", "2")
    assert messages.candidates_head(2, 50) in head.stdout
    listed = json.loads(cli(db_path, "candidates", "--json", "--limit", "2").stdout)
    assert [i["kind_total"] for i in listed] == [50, 50]
    assert {i["kind_total"] for i in json.loads(cli(db_path, "queue", "--json", "--limit", "1").stdout)} == {50}

    more = cli(db_path, "propose", "007_live-blog")
    assert more.returncode == 0, more.stderr
    assert more.stdout.strip() == messages.proposed_more("007_live-blog", {"new": 11})
    now_open = await service.candidates(OPERATOR)
    spans = [(i.candidate.quote.start, i.candidate.quote.end) for i in now_open if i.candidate]
    assert len(spans) == 61 == len(set(spans))
    assert cli(db_path, "propose", "007_live-blog").stdout.strip() == messages.proposed_more("007_live-blog", {})


# ---- the digest ------------------------------------------------------------------------------------


async def test_the_digest_names_a_supporting_quote_and_a_conflict_for_what_they_are(
    service: TalksService, clock: FakeClock, article: Path
) -> None:
    items = await ingest(service, article)
    await service.decide(OPERATOR, by_quote(items, PESKOV).id, accept=True, accept_as="supports", claim=PICKED)
    conflict = await service.decide(
        OPERATOR, by_quote(items, TWO_HOURS).id, accept=True, accept_as="conflicts", claim=DISPUTED
    )
    since, now = clock() - timedelta(hours=1), clock() + timedelta(minutes=1)
    reply = await build_digest(DigestDesk(service), since=since, now=now, scope=DigestScope("cli"))
    [changes] = [s for s in reply.sections if s.title == "Moderator changes"]
    lines = [i.text for i in changes.items]
    assert messages.digest_new_support(PICKED, PESKOV) in lines
    made = (await service.claim(conflict.claim_id or "")).claim
    assert messages.digest_new_conflict(made.claim_id, [DISPUTED], made.text) in lines
    assert not any(line.startswith(f"New claim {PICKED}") for line in lines)

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.articles.coverage import sentence_coverage
from knowledge.articles.curated import load_curated, locate_quote, verify_claims
from knowledge.articles.sources import Seed, load_seeds
from knowledge.errors import BuildError
from knowledge.models import Claim, Quote
from knowledge.paths import curated_claims_file, seeds_dir

SID = "002_832239db96256c0f"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Seed]:
    return load_seeds(seeds_dir())


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    return load_curated(curated_claims_file())


def _quote(seeds: dict[str, Seed], sid: str, text: str) -> Quote:
    start = seeds[sid].article.text.index(text)
    return Quote(source_id=sid, start=start, end=start + len(text), quote=text)


def test_shipped_claims_verify(claims: list[Claim], seeds: dict[str, Seed]) -> None:
    verify_claims(claims, seeds)
    assert len(claims) >= 60


def test_every_quote_is_verbatim_and_clear_of_boilerplate(claims: list[Claim], seeds: dict[str, Seed]) -> None:
    for claim in claims:
        for q in claim.quotes:
            art = seeds[q.source_id].article
            assert art.text[q.start : q.end] == q.quote, claim.id
            assert not art.overlaps_boilerplate(q.start, q.end), claim.id
            assert not art.contains_footnote(q.start, q.end), claim.id


def test_sentence_coverage_is_at_least_95_percent(claims: list[Claim], seeds: dict[str, Seed]) -> None:
    cov = sentence_coverage(seeds, claims)
    print(f"\nsentence coverage: {cov.covered}/{cov.total} = {cov.ratio:.1%}")
    assert cov.ratio >= 0.95, cov.uncovered


def test_required_disagreements_are_linked(claims: list[Claim]) -> None:
    by_id = {c.id: c for c in claims}
    linked = [c for c in claims if c.conflicts]
    assert len(linked) >= 10
    for c in linked:
        for other in c.conflicts:
            assert c.id in by_id[other].conflicts
    texts = " ".join(c.text + " " + " ".join(q.quote for q in c.quotes) for c in linked).lower()
    for needle in ("90-minute", "hour and a half", "ratcliffe", "kremlin", "ramstein", "brussels", "muted"):
        assert needle in texts, needle


def test_verifier_names_claim_source_and_problem(seeds: dict[str, Seed]) -> None:
    good = _quote(seeds, SID, "We’ll meet in Saudi Arabia.")
    shifted = Quote(source_id=SID, start=good.start + 1, end=good.end + 1, quote=good.quote)
    made_up = Quote(source_id=SID, start=good.start, end=good.end, quote="We’ll meet in Riyadh tomorrow")
    claims = [
        Claim(id="shifted", text="x", topic="t", quotes=[shifted]),
        Claim(id="made-up", text="x", topic="t", quotes=[made_up]),
        Claim(id="ghost", text="x", topic="t", quotes=[Quote(source_id="999_nope", start=0, end=1, quote="x")]),
    ]
    with pytest.raises(BuildError) as err:
        verify_claims(claims, seeds)
    problems = err.value.problems
    assert any(p.startswith(f"shifted [{SID}") and f"occurs at {good.start}" in p for p in problems)
    assert any(p.startswith("made-up") and "not in the article" in p for p in problems)
    assert any(p.startswith("ghost [999_nope") and "unknown source" in p for p in problems)


def test_verifier_refuses_boilerplate_footnotes_and_broken_links(seeds: dict[str, Seed]) -> None:
    teaser = _quote(seeds, "004_10188f2d9bf74621", "U.S. and Chinese Warships in Tense Taiwan Strait Standoff")
    footnote = _quote(seeds, "000_4e42f3189539b996", "end the war in Ukraine123")
    claims = [
        Claim(id="teaser", text="x", topic="t", quotes=[teaser]),
        Claim(id="footnote", text="x", topic="t", quotes=[footnote]),
        Claim(id="one-way", text="x", topic="t", quotes=[_quote(seeds, SID, "lasted")], conflicts=["teaser"]),
        Claim(id="Bad Id", text="x", topic="t", quotes=[_quote(seeds, SID, "lasted")]),
    ]
    with pytest.raises(BuildError) as err:
        verify_claims(claims, seeds)
    text = " | ".join(err.value.problems)
    assert "teaser [004_10188f2d9bf74621" in text and "boilerplate" in text
    assert "footnote [000_4e42f3189539b996" in text and "footnote digits" in text
    assert "one-way: conflict with teaser is not linked back" in text
    assert "Bad Id: id must be" in text


def test_a_broken_curated_file_fails_to_load(tmp_path: Path) -> None:
    bad = tmp_path / "claims.toml"
    bad.write_text('[[claims]]\nid = "no-text"\ntopic = "x"\n', encoding="utf-8")
    with pytest.raises(BuildError, match="no-text"):
        load_curated(bad)


def test_locate_quote_for_moderator_claims(seeds: dict[str, Seed]) -> None:
    q = locate_quote(SID, "We’ll meet in Saudi Arabia.", seeds)
    assert seeds[SID].article.text[q.start : q.end] == q.quote
    with pytest.raises(BuildError, match="not word for word"):
        locate_quote(SID, "We will meet in Saudi Arabia.", seeds)
    with pytest.raises(BuildError, match="more than once"):
        locate_quote(SID, "Ukraine", seeds)

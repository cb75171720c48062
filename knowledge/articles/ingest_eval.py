"""Measuring ingest honestly: leave one seed article out. Read-only.

For each seed article, the claim store is rebuilt from the *other four*
articles' curated claims only (quotes from the held-out article dropped,
claims left without quotes dropped), the held-out article is ingested with
`knowledge.articles.ingest.propose`, and the proposals are compared with the curated
quotes from that article:

- supports: of its curated quotes whose claim is still in the store, the share
  whose sentence was proposed as a support of that very claim;
- new: of its curated quotes whose claim left with it, the share whose sentence
  was proposed as a new claim (or as a conflicting one);
- conflicts: curated conflict links between a claim that left and one that
  stayed, found as a conflict proposal between those two;
- precision: of the support proposals on sentences the curators quoted, the
  share pointing at a claim the curators used that sentence for;
- bad: proposals touching boilerplate or footnote digits, fragments of a sentence
  (`knowledge.articles.sentences.is_fragment`), not verbatim at their offsets, or
  duplicating another proposal or a stored quote (must be 0).

Run `python -m knowledge.articles.ingest_eval` for the table, and with `--held-out` for
the support threshold chosen on four articles and scored on the fifth.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from knowledge.answering.text import fold
from knowledge.articles import ingest
from knowledge.articles.curated import load_curated
from knowledge.articles.ingest import Proposal, propose
from knowledge.articles.sentences import is_fragment
from knowledge.articles.sources import Seed, load_seeds
from knowledge.models import Claim, Quote
from knowledge.paths import curated_claims_file, seeds_dir


@dataclass(frozen=True)
class FoldResult:
    source_id: str
    proposals: int
    conflict_proposals: int
    supportable: int
    supported: int
    leaving: int
    proposed_new: int
    links: int
    links_found: int
    supports_on_quoted: int
    supports_right: int
    bad: int


def without_source(claims: list[Claim], source_id: str) -> list[Claim]:
    """The store as it would be without one article: its quotes gone, claims left empty gone."""
    kept = []
    for claim in claims:
        quotes = [q for q in claim.quotes if q.source_id != source_id]
        if quotes:
            kept.append(claim.model_copy(update={"quotes": quotes}))
    ids = {c.id for c in kept}
    return [c.model_copy(update={"conflicts": [o for o in c.conflicts if o in ids]}) for c in kept]


def _overlaps(a: Quote, b: Quote) -> bool:
    return a.source_id == b.source_id and a.start < b.end and b.start < a.end


def evaluate_fold(source_id: str, seeds: dict[str, Seed], claims: list[Claim]) -> FoldResult:
    """Ingest one held-out seed article against a store of the other four. Read-only."""
    store = without_source(claims, source_id)
    in_store = {c.id for c in store}
    article = seeds[source_id].article
    proposals = propose(article, store)
    held = [(c, q) for c in claims for q in c.quotes if q.source_id == source_id]

    def covering(q: Quote) -> list[Proposal]:
        # A sentence that states several facts may support several claims: one proposal each.
        return [p for p in proposals if _overlaps(p.quote, q)]

    supportable = supported = leaving = proposed_new = 0
    for claim, q in held:
        near = covering(q)
        if claim.id in in_store:
            supportable += 1
            supported += any(p.kind == "supports" and p.claim_id == claim.id for p in near)
        else:
            leaving += 1
            proposed_new += any(p.kind in ("new", "conflicts") for p in near)
    links: set[tuple[str, str]] = set()
    for claim in claims:
        if claim.id in in_store or not any(q.source_id == source_id for q in claim.quotes):
            continue
        links |= {(claim.id, other) for other in claim.conflicts if other in in_store}
    found = 0
    for gone, stayed in links:
        quotes = [q for c in claims if c.id == gone for q in c.quotes if q.source_id == source_id]
        found += any(
            p.kind == "conflicts" and p.claim_id == stayed for q in quotes for p in proposals if _overlaps(p.quote, q)
        )
    on_quoted = right = 0
    for p in proposals:
        if p.kind != "supports":
            continue
        used_for = {c.id for c, q in held if _overlaps(p.quote, q)}
        if used_for:
            on_quoted += 1
            right += p.claim_id in used_for
    return FoldResult(
        source_id,
        len(proposals),
        sum(p.kind == "conflicts" for p in proposals),
        supportable,
        supported,
        leaving,
        proposed_new,
        len(links),
        found,
        on_quoted,
        right,
        count_bad(proposals, seeds[source_id], store),
    )


def count_bad(proposals: list[Proposal], seed: Seed, store: list[Claim]) -> int:
    """Proposals that are boilerplate, footnoted, fragments of a sentence, not verbatim, or
    duplicates: the same text proposed twice for the same thing, or overlapping another
    proposal's quote without being that very quote (one sentence may support several claims)."""
    article = seed.article
    stored = {(q.source_id, q.start, q.end) for c in store for q in c.quotes}
    seen: set[tuple[str, str, str | None]] = set()
    spans: dict[str, tuple[int, int]] = {}
    bad = 0
    for i, p in enumerate(proposals):
        q = p.quote
        key = " ".join(fold(q.quote).lower().split())
        wrong = (
            article.text[q.start : q.end] != q.quote
            or article.overlaps_boilerplate(q.start, q.end)
            or article.contains_footnote(q.start, q.end)
            or is_fragment(article.text, q.start, q.end)
            or (key, p.kind, p.claim_id) in seen
            or spans.setdefault(key, (q.start, q.end)) != (q.start, q.end)
            or (q.source_id, q.start, q.end) in stored
            or any(_overlaps(q, o.quote) and (o.quote.start, o.quote.end) != (q.start, q.end) for o in proposals[:i])
        )
        seen.add((key, p.kind, p.claim_id))
        bad += wrong
    return bad


def evaluate(seeds_path: Path | None = None, curated_path: Path | None = None) -> list[FoldResult]:
    seeds = load_seeds(seeds_path or seeds_dir())
    claims = load_curated(curated_path or curated_claims_file())
    return [evaluate_fold(source_id, seeds, claims) for source_id in sorted(seeds)]


def table(results: list[FoldResult]) -> str:
    """The leave-one-article-out table, as Markdown."""
    head = (
        "| held-out article | proposals | supports of the right claim | proposed as new | conflicts found "
        "| conflict proposals | support precision | boilerplate/fragments/duplicates |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    rows = [head]

    def share(n: int, d: int) -> str:
        return f"{n}/{d} ({n / d:.0%})" if d else "–"

    for r in [*results, _total(results)]:
        rows.append(
            f"| {r.source_id} | {r.proposals} | {share(r.supported, r.supportable)} "
            f"| {share(r.proposed_new, r.leaving)} | {share(r.links_found, r.links)} | {r.conflict_proposals} "
            f"| {share(r.supports_right, r.supports_on_quoted)} | {r.bad} |"
        )
    return "\n".join(rows)


def _total(results: list[FoldResult]) -> FoldResult:
    def s(field: str) -> int:
        return sum(getattr(r, field) for r in results)

    return FoldResult(
        "all five",
        s("proposals"),
        s("conflict_proposals"),
        s("supportable"),
        s("supported"),
        s("leaving"),
        s("proposed_new"),
        s("links"),
        s("links_found"),
        s("supports_on_quoted"),
        s("supports_right"),
        s("bad"),
    )


# Support thresholds the held-out check chooses among.
THRESHOLDS = (0.34, 0.36, 0.38, 0.40, 0.42, 0.44, 0.46)
# The precision a threshold must keep on the four articles it is chosen on.
PRECISION_BAR = 0.9


def held_out_supports(seeds_path: Path | None = None, curated_path: Path | None = None) -> list[str]:
    """The support threshold chosen on four articles (the most supports at PRECISION_BAR or
    better there) and scored on the fifth, for each article: lines of text, the total last."""
    seeds = load_seeds(seeds_path or seeds_dir())
    claims = load_curated(curated_path or curated_claims_file())
    shipped_threshold = ingest.SUPPORT_SIMILARITY
    folds: dict[float, dict[str, FoldResult]] = {}
    try:
        for threshold in THRESHOLDS:
            ingest.SUPPORT_SIMILARITY = threshold
            folds[threshold] = {sid: evaluate_fold(sid, seeds, claims) for sid in sorted(seeds)}
    finally:
        ingest.SUPPORT_SIMILARITY = shipped_threshold
    lines, found, right, quoted = [], 0, 0, 0
    for sid in sorted(seeds):

        def on_the_others(threshold: float, held: str = sid) -> tuple[bool, int, float]:
            others = [r for s, r in folds[threshold].items() if s != held]
            ok = sum(r.supports_right for r in others) >= PRECISION_BAR * sum(r.supports_on_quoted for r in others)
            return ok, sum(r.supported for r in others), threshold

        chosen = max(THRESHOLDS, key=on_the_others)
        r = folds[chosen][sid]
        found, right, quoted = found + r.supported, right + r.supports_right, quoted + r.supports_on_quoted
        lines.append(
            f"{sid}: threshold {chosen:.2f}, supports {r.supported}/{r.supportable}, "
            f"precision {r.supports_right}/{r.supports_on_quoted}"
        )
    total = sum(r.supportable for r in folds[THRESHOLDS[0]].values())
    lines.append(f"held out: supports {found}/{total} ({found / total:.0%}) at {right}/{quoted} ({right / quoted:.0%})")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--held-out"]:
        print("\n".join(held_out_supports()))
        return 0
    if args:
        print("usage: python -m knowledge.ingest_eval [--held-out]", file=sys.stderr)
        return 2
    print(table(evaluate()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

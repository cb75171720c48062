"""How much of the articles the curated claims quote. Read-only.

A body sentence counts as covered when every letter and digit of it (footnote
markers excepted) lies inside the union of the claims' quote spans. Headlines,
section headings, list lead-ins ("… include:") and boilerplate are not counted.

Run `python -m knowledge.articles.coverage` to print the figure and the uncovered sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.articles.sources import Seed
from knowledge.models import Claim


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int
    uncovered: list[tuple[str, str]]

    @property
    def ratio(self) -> float:
        return self.covered / self.total if self.total else 1.0


def sentence_coverage(seeds: dict[str, Seed], claims: list[Claim]) -> Coverage:
    quoted: dict[str, set[int]] = {sid: set() for sid in seeds}
    for claim in claims:
        for q in claim.quotes:
            quoted.setdefault(q.source_id, set()).update(range(q.start, q.end))
    covered = total = 0
    uncovered: list[tuple[str, str]] = []
    for sid, seed in seeds.items():
        art = seed.article
        footnote = {i for a, b in art.footnotes for i in range(a, b)}
        for s in art.sentences:
            if s.kind != "body":
                continue
            total += 1
            needed = [i for i in range(s.start, s.end) if art.text[i].isalnum() and i not in footnote]
            if all(i in quoted[sid] for i in needed):
                covered += 1
            else:
                uncovered.append((sid, art.text[s.start : s.end]))
    return Coverage(covered, total, uncovered)


def main() -> None:
    from knowledge.articles.curated import load_curated
    from knowledge.articles.sources import load_seeds
    from knowledge.paths import curated_claims_file, seeds_dir

    cov = sentence_coverage(load_seeds(seeds_dir()), load_curated(curated_claims_file()))
    print(f"sentence coverage: {cov.covered}/{cov.total} = {cov.ratio:.1%}")
    for sid, sentence in cov.uncovered:
        print(f"  uncovered [{sid}] {sentence}")


if __name__ == "__main__":
    main()

"""Fit the answer-or-refuse weights (`knowledge/answering/decision.py`) on the public dev set.

    python tests/fit_decision.py [--dev ../shared/eval/dev.jsonl] [--cost 24] [-v]

For every English dev question the matcher ranks claims as usual and reports
what the decision reads of its best claim (`Signals`). The label is 1 when
that claim quotes an expected phrase (answering would be right) and 0 when it
does not or the question is out of scope (answering would be wrong). Claims
the gates already refuse (not about the focus, or not stating what is asked)
are refused whatever the weights, so they are scored but not fitted on.

A logistic regression with a small L2 penalty is fitted on the rest, a wrong
answer costing `--cost` times a refusal. Printed:
- the fitted bias and weights (to copy into decision.py);
- per kind: hit@1 and out-of-scope refusals with the weights fitted on all
  questions, and with the weights fitted leaving that kind out
  (leave-one-kind-out cross-validation: the figure to expect on unseen
  questions of a kind);
- the pooled figures of both.
The questions are read at run time and never stored in the project.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(_ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _ROOT / "tests")]

from knowledge.answering import decision  # noqa: E402
from knowledge.answering.index import ClaimIndex  # noqa: E402
from knowledge.answering.matcher import Matcher  # noqa: E402
from knowledge.answering.questions import split_questions  # noqa: E402
from knowledge.articles.curated import load_curated  # noqa: E402
from knowledge.models import Claim, ClaimState  # noqa: E402
from knowledge.paths import curated_claims_file  # noqa: E402

Floats = npt.NDArray[np.float64]
# The weights are pulled towards the rule the bot had before (answer when the
# claim covers 60% of the question) with this strength: a kind left out of the
# fit then falls back on that rule rather than on whatever the other kinds allow.
# This strength and the default cost were chosen on the project's own test and
# benchmark questions (tests/knowledge, tests/bench_data.py), which the fit never sees.
L2 = 10.0
PRIOR = np.array([-6.0, 10.0, 0.0, 0.0, 0.0, 0.0])  # bias, coverage, unknown, named, typed, broad


@dataclass
class Row:
    id: str
    kind: str
    answerable: bool
    # A claim shown (of up to three) quotes an expected phrase.
    right: bool
    # The first one does.
    first: bool
    # The gates pass (the claim is about the focus and states what is asked).
    gated: bool
    x: tuple[float, ...]


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _quotes(claim: Claim, phrases: list[str]) -> bool:
    text = _norm(" ".join([claim.text, *(q.quote for q in claim.quotes)]))
    return any(_norm(p) in text for p in phrases)


def collect(dev: Path) -> list[Row]:
    claims = load_curated(curated_claims_file())
    by_id = {c.id: c for c in claims}
    matcher = Matcher(ClaimIndex.build([ClaimState(claim=c) for c in claims]))
    rows = []
    for line in dev.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        kind = item.get("kind", "core")
        if kind.startswith("lang-"):
            continue
        result = matcher.find_matches(split_questions(item["q"])[0])
        # Answering is right when a claim shown quotes an expected phrase; which of
        # them comes first is the ranking's business, not the decision's.
        shown = (result.matches or result.near)[:3]
        signals = result.signals
        right = item["answerable"] and any(_quotes(by_id[m.claim_id], item["expect"]) for m in shown)
        first = bool(shown) and item["answerable"] and _quotes(by_id[shown[0].claim_id], item["expect"])
        if signals is None:
            rows.append(Row(item["id"], kind, item["answerable"], right, first, False, (0.0,) * len(decision.WEIGHTS)))
            continue
        gated = (
            signals.fits and signals.entities and not (signals.check and signals.coverage < decision.MIN_CHECK_COVERAGE)
        )
        rows.append(Row(item["id"], kind, item["answerable"], right, first, gated, signals.features()))
    return rows


def fit(rows: list[Row], cost: float) -> tuple[float, Floats]:
    """Weighted logistic regression by Newton's method, L2-penalised towards PRIOR."""
    use = [r for r in rows if r.gated]
    x = np.array([[1.0, *r.x] for r in use])
    y = np.array([1.0 if r.right else 0.0 for r in use])
    weight = np.where(y == 1.0, 1.0, cost)
    w = PRIOR.copy()
    penalty = np.eye(x.shape[1]) * L2
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (weight * (p - y)) + penalty @ (w - PRIOR)
        hess = (x.T * (weight * p * (1 - p))) @ x + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def answered(row: Row, bias: float, weights: Floats) -> bool:
    z = bias + float(np.dot(weights, row.x))
    return row.gated and 1.0 / (1.0 + np.exp(-z)) >= decision.THRESHOLD


def score(rows: list[Row], decide: dict[int, bool]) -> tuple[float | None, float | None, int]:
    """(hit@1 on answerable, refusal rate on out-of-scope, wrong answers) for `rows`.

    A wrong answer is one none of whose claims quotes an expected phrase, or any
    answer to an out-of-scope question.
    """
    answerable = [i for i, r in enumerate(rows) if r.answerable]
    outside = [i for i, r in enumerate(rows) if not r.answerable]
    hits = sum(1 for i in answerable if decide[i] and rows[i].first)
    wrong = sum(1 for i in answerable if decide[i] and not rows[i].right) + sum(1 for i in outside if decide[i])
    refused = sum(1 for i in outside if not decide[i])
    return (
        hits / len(answerable) if answerable else None,
        refused / len(outside) if outside else None,
        wrong,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = _ROOT.parent / "shared" / "eval" / "dev.jsonl"
    parser.add_argument(
        "--dev", type=Path, default=default if default.exists() else Path("/work/shared/eval/dev.jsonl")
    )
    parser.add_argument("--cost", type=float, default=24.0, help="what a wrong answer costs against a refusal")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the questions each rule gets wrong")
    args = parser.parse_args()
    rows = collect(args.dev)
    bias, weights = fit(rows, args.cost)
    fitted = {i: answered(r, bias, weights) for i, r in enumerate(rows)}
    held: dict[int, bool] = {}
    kinds = sorted({r.kind for r in rows})
    for kind in kinds:
        b, w = fit([r for r in rows if r.kind != kind], args.cost)
        held.update({i: answered(r, b, w) for i, r in enumerate(rows) if r.kind == kind})
    shipped = {i: answered(r, decision.BIAS, np.array(decision.WEIGHTS)) for i, r in enumerate(rows)}
    names = ", ".join(f"{w:+.3f}" for w in weights)
    print(f"fitted on {sum(r.gated for r in rows)} gated of {len(rows)} questions (wrong answer costs {args.cost}x):")
    print(f"  BIAS = {bias:.3f}\n  WEIGHTS = ({names})  # coverage, unknown, named, typed, broad")
    print(f"shipped in decision.py: BIAS = {decision.BIAS}, WEIGHTS = {decision.WEIGHTS}")

    def cell(value: float | None) -> str:
        return "   -" if value is None else f"{value:.2f}"

    print(f"\n{'kind':16} {'n':>3}  {'shipped':>17}  {'fitted':>17}  {'left-out (CV)':>17}")
    print(f"{'':16} {'':>3}  {'hit@1 refuse wrong':>17}  {'hit@1 refuse wrong':>17}  {'hit@1 refuse wrong':>17}")
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_kind[r.kind].append(i)
    for kind in [*kinds, "ALL"]:
        idx = list(range(len(rows))) if kind == "ALL" else by_kind[kind]
        sub = [rows[i] for i in idx]
        cols = []
        for decide in (shipped, fitted, held):
            h, a, wrong = score(sub, {j: decide[i] for j, i in enumerate(idx)})
            cols.append(f"{cell(h)}  {cell(a)}  {wrong:>4}")
        print(f"{kind:16} {len(idx):>3}  " + "  ".join(cols))
    if args.verbose:
        for label, decide in (("fitted", fitted), ("left-out", held)):
            for i, r in enumerate(rows):
                if decide[i] != (r.right and r.answerable) and (decide[i] or r.gated):
                    what = "answered wrongly" if decide[i] else "refused"
                    print(f"{label:9} {what:16} {r.id} {r.kind:15} " + " ".join(f"{x:.2f}" for x in r.x))


if __name__ == "__main__":
    main()

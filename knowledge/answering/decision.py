"""Answer or refuse: the rule that decides on the matcher's best claim. Pure.

The matcher reads the question (`reader`), ranks claims, and hands this
module what it saw of the best one (`Signals`). Two things are required
outright, because without them the claim is about something else:
- it names everyone and everything the question's focus names (by name or
  through the entities file: "the Pentagon chief" is Hegseth);
- it states what is asked (a date for "when", a duration for "how long", a
  count of the thing counted, the speaker for "what did X say").
Then a small logistic combination of three signals must reach one half:
- `coverage`: the share of the focus's information (idf mass, entity names
  counting double, words the articles never use counting against) that
  the claim accounts for;
- `margin`: how far the best claim is ahead of the next one;
- `unknown`: the share of the focus's information in words the articles
  never use at all.
Context the reader set aside ("according to Reuters", "with Munich days
away") helps ranking but is in none of these.

The weights are fitted on the public dev questions by
`tests/fit_decision.py`, which also prints leave-one-kind-out
cross-validated figures beside the fitted ones; refit there, never by hand
for one question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Signals:
    """What the decision reads of the best claim for one question."""

    coverage: float
    margin: float
    unknown: float
    # The claim states what is asked.
    fits: bool
    # The claim names every entity of the question's focus.
    entities: bool
    # The focus names someone or something the claim names too (an entity agreement,
    # beyond the gate: a question about nobody in particular is weaker evidence).
    named: bool = False
    # The question asks for a typed value (a date, a duration, a count, an amount,
    # an age, a place) and the claim states one: answer-type agreement.
    typed: bool = False

    def features(self) -> tuple[float, ...]:
        return (self.coverage, self.margin, self.unknown, float(self.named), float(self.typed))


# Fitted by tests/fit_decision.py on the public dev set (see the module docstring),
# a wrong answer costing six refusals, pulled towards the old rule (coverage ≥ 0.6).
# Order: coverage, margin, unknown, named, typed.
BIAS = -5.385
WEIGHTS = (8.793, 0.253, -0.277, 1.409, 0.599)
# The probability of a right answer the best claim must reach.
THRESHOLD = 0.5


def confidence(signals: Signals) -> float:
    """The fitted probability that the best claim answers the question."""
    z = BIAS + sum(w * x for w, x in zip(WEIGHTS, signals.features(), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def should_answer(signals: Signals) -> bool:
    """Answer only with a claim about the focus that states what is asked and scores well enough."""
    return signals.fits and signals.entities and confidence(signals) >= THRESHOLD

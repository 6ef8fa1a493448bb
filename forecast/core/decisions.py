"""Looking back on decisions: how a committed boundary served its leader once its question
resolved. Pure numpy.

A boundary's *action is right* when the event went the way that makes acting worthwhile: the
event happened, for a ">=" boundary ("act once P(event) >= t"), or it did not, for a "<="
boundary ("stop once P(event) <= t"). Whether the boundary stood crossed at the question's
close (the state the alert job would have been in, hysteresis included) against whether its
action was right gives the four decision outcomes of a contingency table:

=================  ==================  ==================
                   action right        action not right
=================  ==================  ==================
crossed at close   ``hit``             ``false_alarm``
not crossed        ``miss``            ``correct_rejection``
=================  ==================  ==================

Lead time: days from the first crossing since the commit to the resolution (None if the
boundary never crossed).

Cost-loss value (Murphy 1977; Richardson 2000). A threshold t on P(event) is the ratio C / L of
a cost of acting C to a loss L that acting avoids; for a "<=" boundary the action guards against
the event *not* happening, so its ratio is 1 - t. In units of L, acting costs tau = C / L and
not acting costs 1 when the action was right (0 otherwise). `decision_value` sums these
expenses over resolved boundaries for four policies: acting as the boundaries said, never
acting, always acting, and perfect foresight (acting exactly when it was right); the *saving*
is never-acting's expense minus the boundaries', and the relative value is
``(E_never - E_boundaries) / (E_never - E_perfect)`` (1: as good as foresight, 0: no better than
never acting, negative: worse).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

DecisionOutcome = Literal["hit", "false_alarm", "miss", "correct_rejection"]
OUTCOMES: tuple[DecisionOutcome, ...] = ("hit", "false_alarm", "miss", "correct_rejection")
SECONDS_PER_DAY = 86_400.0
# Below this many resolved boundaries a decision record is labelled as anecdotal.
FEW_CASES = 10


def action_right(comparator: str, happened: bool) -> bool:
    """Return whether acting was right: the event happened for ">=", did not for "<="."""
    if comparator not in (">=", "<="):
        raise ValueError(f"comparator must be '>=' or '<=', got {comparator!r}")
    return happened if comparator == ">=" else not happened


def decision_outcome(crossed_at_close: bool, comparator: str, happened: bool) -> DecisionOutcome:
    """Return hit, false_alarm, miss or correct_rejection for one resolved boundary."""
    right = action_right(comparator, happened)
    if crossed_at_close:
        return "hit" if right else "false_alarm"
    return "miss" if right else "correct_rejection"


def lead_time_days(first_crossed: float | None, resolved: float) -> float | None:
    """Return the days from the first crossing (Unix seconds) to the resolution, or None."""
    if first_crossed is None:
        return None
    return (resolved - first_crossed) / SECONDS_PER_DAY


def cost_ratio(comparator: str, threshold: float) -> float:
    """Return C / L for a boundary: t for ">=", 1 - t for "<=" (see the module docstring)."""
    return threshold if comparator == ">=" else 1.0 - threshold


@dataclass(frozen=True)
class DecisionValue:
    """Expenses of four policies over the same boundaries, in units of the loss L."""

    boundaries: float
    never: float
    always: float
    perfect: float

    @property
    def saving(self) -> float:
        """Return never acting's expense minus the boundaries' (positive: acting paid)."""
        return self.never - self.boundaries

    @property
    def relative_value(self) -> float | None:
        """Return (E_never - E_boundaries) / (E_never - E_perfect), None when undefined."""
        room = self.never - self.perfect
        return None if room <= 0 else (self.never - self.boundaries) / room


def decision_value(
    acted: Sequence[bool], right: Sequence[bool], tau: Sequence[float]
) -> DecisionValue:
    """Return the summed expenses of acting as the boundaries did, never, always and perfectly.

    acted: the boundary stood crossed at the close; right: acting was right; tau: C / L each.
    """
    a = np.asarray(acted, dtype=bool)
    r = np.asarray(right, dtype=bool)
    c = np.asarray(tau, dtype=np.float64)
    if not (a.shape == r.shape == c.shape):
        raise ValueError("acted, right and tau must have the same length")
    miss_cost = r.astype(np.float64)
    return DecisionValue(
        boundaries=float(np.sum(np.where(a, c, miss_cost))),
        never=float(np.sum(miss_cost)),
        always=float(np.sum(c)),
        perfect=float(np.sum(np.where(r, np.minimum(c, 1.0), 0.0))),
    )


@dataclass(frozen=True)
class DecisionRecord:
    """A leader's record over resolved boundaries."""

    counts: dict[str, int]
    total: int
    mean_lead_time_days: float | None
    value: DecisionValue
    few: bool

    @property
    def hit_rate(self) -> float | None:
        """Return hits / (hits + misses): of the times acting was right, how often it was done."""
        n = self.counts["hit"] + self.counts["miss"]
        return None if n == 0 else self.counts["hit"] / n

    @property
    def false_alarm_ratio(self) -> float | None:
        """Return false alarms / (hits + false alarms): of the actions, how many were wrong."""
        n = self.counts["hit"] + self.counts["false_alarm"]
        return None if n == 0 else self.counts["false_alarm"] / n


def decision_record(
    outcomes: Sequence[str],
    lead_times: Sequence[float | None],
    comparators: Sequence[str],
    thresholds: Sequence[float],
) -> DecisionRecord:
    """Summarise resolved boundaries: the four counts, mean lead time, cost-loss value."""
    counts: dict[str, int] = {name: 0 for name in OUTCOMES}
    for name in outcomes:
        counts[name] += 1
    acted = [o in ("hit", "false_alarm") for o in outcomes]
    right = [o in ("hit", "miss") for o in outcomes]
    tau = [cost_ratio(c, t) for c, t in zip(comparators, thresholds, strict=True)]
    leads = [x for x in lead_times if x is not None and math.isfinite(x)]
    return DecisionRecord(
        counts=counts,
        total=len(outcomes),
        mean_lead_time_days=float(np.mean(leads)) if leads else None,
        value=decision_value(acted, right, tau),
        few=len(outcomes) < FEW_CASES,
    )

"""The aggregation methods: one table of names, labels, descriptions and the question kinds
each applies to. The web selector, the API's enum, the CLI's help and the engines read it.

A method's family says where its value comes from. ``community`` methods combine the standing
forecasts at every instant (the engines of this package compute them). ``reference`` is the
trend line's reference forecast: public data, not drawn from anyone's forecasts, and only where
a trend series is attached. ``threshold`` is "best at your threshold": forecasts weighted by each
forecaster's elementary score at a boundary's threshold, so it exists only for a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

# The value kinds of the aggregation engines: a probability, a CDF, or K option probabilities.
VALUE_KINDS = ("binary", "continuous", "multiple_choice")
ALL_KINDS = frozenset(VALUE_KINDS)


@dataclass(frozen=True)
class AggregationMethod:
    """One way to combine the standing forecasts into the community prediction."""

    name: str
    label: str
    description: str
    kinds: frozenset[str] = ALL_KINDS
    family: str = "community"

    def applies_to(self, value_kind: str) -> bool:
        """Return whether the method aggregates forecasts of this value kind."""
        return value_kind in self.kinds


METHOD_TABLE: tuple[AggregationMethod, ...] = (
    AggregationMethod(
        "recency_weighted",
        "Recency-weighted (default)",
        "Weighted median (binary; per option, renormalised, for multiple choice) or weighted "
        "mean of CDFs, recent forecasters weighing more",
    ),
    AggregationMethod("unweighted", "Unweighted median", "Median, or mean of CDFs, all equal"),
    AggregationMethod("mean", "Weighted mean", "Recency-weighted mean"),
    AggregationMethod(
        "geo_mean_odds",
        "Geometric mean of odds",
        "Recency-weighted mean of log-odds (normalised geometric mean for multiple choice)",
    ),
    AggregationMethod(
        "extremized",
        "Extremized (d = 1.5)",
        "The geometric mean of odds pushed away from the middle by d = 1.5",
    ),
    AggregationMethod(
        "track_record",
        "Track-record weighted",
        "Weighted mean, forecasters weighing by their earlier Peer scores",
    ),
    AggregationMethod(
        "trend",
        "Trend line (reference)",
        "The reference forecast of the question's trend series (this line continues): public "
        "data, not a combination of forecasts; numeric and date questions with a series",
        frozenset({"continuous"}),
        "reference",
    ),
    AggregationMethod(
        "best_at_threshold",
        "Best at your threshold",
        "P(event) weighted by each forecaster's relative economic value at the boundary's "
        "threshold, over questions resolved before the instant; boundaries only",
        family="threshold",
    ),
)
AGGREGATION_METHODS: dict[str, AggregationMethod] = {m.name: m for m in METHOD_TABLE}
# The engines' methods: what combines the standing forecasts at any instant.
METHODS: tuple[str, ...] = tuple(m.name for m in METHOD_TABLE if m.family == "community")
# What `?method=` on a question's aggregate accepts, and what a boundary may act on.
QUESTION_METHODS: tuple[str, ...] = tuple(m.name for m in METHOD_TABLE if m.family != "threshold")
BOUNDARY_METHODS: tuple[str, ...] = tuple(m.name for m in METHOD_TABLE)
DEFAULT_METHOD = "recency_weighted"
METHOD_LABELS: dict[str, str] = {m.name: m.label for m in METHOD_TABLE}


def methods_for(value_kind: str) -> tuple[AggregationMethod, ...]:
    """Return the methods that aggregate forecasts of the value kind, in table order."""
    return tuple(m for m in METHOD_TABLE if m.applies_to(value_kind))

"""The aggregation methods: one table of names, labels, descriptions and the question kinds
each applies to. The web selector, the API's enum, the CLI's help and the engines read it."""

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
)
AGGREGATION_METHODS: dict[str, AggregationMethod] = {m.name: m for m in METHOD_TABLE}
METHODS: tuple[str, ...] = tuple(m.name for m in METHOD_TABLE)
DEFAULT_METHOD = "recency_weighted"
METHOD_LABELS: dict[str, str] = {m.name: m.label for m in METHOD_TABLE}


def methods_for(value_kind: str) -> tuple[AggregationMethod, ...]:
    """Return the methods that aggregate forecasts of the value kind, in table order."""
    return tuple(m for m in METHOD_TABLE if m.applies_to(value_kind))

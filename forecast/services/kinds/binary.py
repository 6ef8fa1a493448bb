"""Binary questions: one probability of yes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from forecast.core.distributions import DistributionError, validate_probability
from forecast.errors import ValidationFailed
from forecast.services.kinds.base import ForecastValue, Partials, QuestionKind, QuestionShape
from forecast.services.kinds.numbers import NO_RESOLUTION, number
from forecast.services.kinds.ranges import QuestionRange


class BinaryKind(QuestionKind):
    """Yes or no: forecast p(yes), resolve yes or no."""

    name = "binary"
    label = "Binary"
    value_kind = "binary"
    forecast_fields = ("probability",)
    resolution_outcomes = ("yes", "no")
    boundary_events = ("yes",)
    partials = Partials.named("binary")

    def parse_field(self, question: QuestionShape, field: str, value: Any) -> ForecastValue:
        try:
            return ForecastValue(probability=validate_probability(number(value, "probability")))
        except DistributionError as exc:
            raise ValidationFailed(exc.message, exc.field or "probability") from None

    def parse_resolution(
        self, value: Mapping[str, Any], range_: QuestionRange | None, options: Sequence[str]
    ) -> tuple[str, float | None]:
        outcome = value.get("outcome")
        if outcome in self.resolution_outcomes:
            return str(outcome), None
        if outcome is not None:
            raise ValidationFailed(f"a binary question cannot resolve {outcome}", "outcome")
        raise ValidationFailed(NO_RESOLUTION, "outcome")

    def synthetic_truth(self, question: Any) -> float | None:
        return {"yes": 0.85, "no": 0.15}.get(question.resolution_outcome)

    def synthetic_forecast(
        self, question: Any, truth: float, stretch: float, noise: float, rng: np.random.Generator
    ) -> dict[str, Any] | None:
        x = stretch * (_logit(truth) + rng.normal(0, noise))
        return {"probability": round(min(0.97, max(0.03, _sigmoid(x))), 3)}

    def resolution_json(self, question: Any) -> dict[str, Any]:
        return {"outcome": question.resolution_outcome}

    def value_json(self, value: Any) -> dict[str, Any]:
        p = None if value is None else float(value)
        return {"probability": None if p is None or np.isnan(p) else p}

    def forecast_json(self, probability: float | None, vector: Any) -> dict[str, Any]:
        return {"probability": probability}


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))

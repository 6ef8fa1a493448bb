"""Multiple-choice questions: K options in order, a probability for each, one happens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from forecast.core.choices import validate_probabilities
from forecast.core.distributions import DistributionError
from forecast.errors import ValidationFailed
from forecast.models.questions import option_list
from forecast.services.kinds.base import ForecastValue, Partials, QuestionKind, QuestionShape
from forecast.services.kinds.ranges import QuestionRange

OPTION_OUTCOME = "option"


class ProbabilityFailed(ValidationFailed):
    """An option's probability breaks a rule; index is the option's place (from 0)."""

    def __init__(self, message: str, index: int | None) -> None:
        super().__init__(message, "probabilities")
        self.index = index


class MultipleChoiceKind(QuestionKind):
    """One of K labelled options happens: forecast a probability per option."""

    name = "multiple_choice"
    label = "Multiple choice"
    value_kind = "multiple_choice"
    forecast_fields = ("probabilities",)
    boundary_events = ("option",)
    partials = Partials.named("multiple_choice")

    def typed_resolution(self, answer: str) -> dict[str, Any]:
        """The option's label, as typed or chosen."""
        return {"option": answer}

    def options_of(self, question: QuestionShape) -> list[str]:
        return option_list(question.options)

    def parse_field(self, question: QuestionShape, field: str, value: Any) -> ForecastValue:
        k = len(self.options_of(question))
        if not isinstance(value, Sequence | np.ndarray) or isinstance(value, str):
            raise ValidationFailed(
                f"probabilities must be a list of {k} numbers, one per option", "probabilities"
            )
        try:
            return ForecastValue(probabilities=validate_probabilities(list(value), k))
        except DistributionError as exc:
            raise ProbabilityFailed(exc.message, exc.index) from None

    def parse_resolution(
        self, value: Mapping[str, Any], range_: QuestionRange | None, options: Sequence[str]
    ) -> tuple[str, float | None]:
        outcome = value.get("outcome")
        if outcome is not None:
            raise ValidationFailed(
                f"a multiple-choice question cannot resolve {outcome}; give the option",
                "outcome",
            )
        label = value.get("option")
        if not isinstance(label, str) or label not in options:
            raise ValidationFailed(
                "give the option that happened, one of: " + ", ".join(options), "option"
            )
        return OPTION_OUTCOME, float(list(options).index(label))

    def synthetic_forecast(
        self, question: Any, truth: float, stretch: float, noise: float, rng: np.random.Generator
    ) -> dict[str, Any] | None:
        """Option probabilities scattered around a leaning derived from truth: the resolved
        option (or, unresolved, one picked by truth) is favoured; three decimals summing to 1."""
        k = len(option_list(question.options))
        favoured = (
            int(question.resolution_value)
            if question.resolution_outcome == OPTION_OUTCOME
            and question.resolution_value is not None
            else min(k - 1, int(truth * k))
        )
        leaning = np.full(k, 0.0)
        leaning[favoured] = 1.2
        x = stretch * (leaning + rng.normal(0, noise, k))
        p = np.exp(x - x.max())
        p = 0.01 + (1 - 0.01 * k) * p / p.sum()
        thousandths = np.round(p * 1000).astype(int)
        thousandths[int(np.argmax(thousandths))] += 1000 - int(thousandths.sum())
        return {"probabilities": [int(t) / 1000 for t in thousandths]}

    def resolution_json(self, question: Any) -> dict[str, Any]:
        labels = option_list(question.options)
        index = question.resolution_value
        if question.resolution_outcome != OPTION_OUTCOME or index is None:
            return {"outcome": question.resolution_outcome}
        return {"option": labels[int(index)]}

    def value_json(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {"probabilities": None}
        p = np.asarray(value, dtype=np.float64)
        return {"probabilities": None if np.isnan(p).any() else p.tolist()}

    def forecast_json(self, probability: float | None, vector: Any) -> dict[str, Any]:
        return {"probabilities": None if vector is None else np.asarray(vector).tolist()}

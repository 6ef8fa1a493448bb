"""Numeric and date questions: a CDF at 201 points of the question's range."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from forecast.core.distributions import (
    DistributionError,
    Scale,
    cdf_from_quantiles,
    validate_cdf,
)
from forecast.core.percentiles import DATE_UNITS, date_text, round_dates, stored_text
from forecast.errors import ValidationFailed
from forecast.infra.clock import format_iso, from_epoch, parse_iso, to_epoch
from forecast.services.kinds.base import ForecastValue, Partials, QuestionKind, QuestionShape
from forecast.services.kinds.numbers import NO_RESOLUTION, number
from forecast.services.kinds.ranges import QuestionRange, question_scale

BOUND_OUTCOMES = ("below_lower_bound", "above_upper_bound")


class QuantileFailed(ValidationFailed):
    """A quantile pair breaks a rule; index is its place in the list as given."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message, "quantiles")
        self.index = index


class ContinuousKind(QuestionKind):
    """A distribution over a range: forecast a CDF or quantiles, resolve to a point."""

    value_kind = "continuous"
    continuous = True
    forecast_fields = ("cdf", "quantiles")
    resolution_outcomes = BOUND_OUTCOMES
    boundary_events = ("below", "above")
    has_brier = False
    value_field = "value"
    synthetic_truth_range = (0.25, 0.65)
    partials = Partials.named("continuous")

    def parse_field(self, question: QuestionShape, field: str, value: Any) -> ForecastValue:
        scale = question_scale(question)
        try:
            if field == "cdf":
                if not isinstance(value, Sequence | np.ndarray) or isinstance(value, str):
                    raise ValidationFailed("cdf must be a list of 201 numbers", "cdf")
                return ForecastValue(cdf=validate_cdf([number(v, "cdf") for v in value], scale))
            pairs = self._pairs(value)
            cdf = cdf_from_quantiles(pairs, scale)
            return ForecastValue(cdf=cdf, quantiles=stored_text(pairs, is_date=self.is_date))
        except DistributionError as exc:
            if exc.index is not None:
                raise QuantileFailed(exc.message, exc.index) from None
            raise ValidationFailed(exc.message, exc.field or field) from None

    def _pairs(self, quantiles: Any) -> list[tuple[float, float]]:
        if not isinstance(quantiles, Sequence) or isinstance(quantiles, str):
            raise ValidationFailed(
                "quantiles must be a list of [probability, value] pairs", "quantiles"
            )
        pairs = []
        for index, pair in enumerate(quantiles):
            if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
                raise QuantileFailed("each quantile must be a [probability, value] pair", index)
            try:
                pairs.append((number(pair[0], "quantiles"), self.axis_value(pair[1])))
            except ValidationFailed as exc:
                raise QuantileFailed(exc.message, index) from None
        return pairs

    def axis_value(self, value: Any) -> float:
        """Read a point on the question's axis as a payload gives it."""
        return number(value, "quantiles")

    def parse_resolution(
        self, value: Mapping[str, Any], range_: QuestionRange | None, options: Sequence[str]
    ) -> tuple[str, float | None]:
        outcome = value.get("outcome")
        if outcome is not None:
            if outcome not in BOUND_OUTCOMES:
                raise ValidationFailed(
                    f"a {self.name} question cannot resolve {outcome}", "outcome"
                )
            if outcome == "below_lower_bound" and range_ and not range_.open_lower:
                raise ValidationFailed("below_lower_bound needs an open lower bound", "outcome")
            if outcome == "above_upper_bound" and range_ and not range_.open_upper:
                raise ValidationFailed("above_upper_bound needs an open upper bound", "outcome")
            return str(outcome), None
        if self.value_field not in value:
            raise ValidationFailed(NO_RESOLUTION, "outcome")
        resolved = self.resolution_point(value[self.value_field])
        assert range_ is not None
        if resolved < range_.min or resolved > range_.max:
            raise ValidationFailed(
                "a resolution outside the range is given as below_lower_bound or above_upper_bound",
                self.value_field,
            )
        return "value", resolved

    def resolution_point(self, raw: Any) -> float:
        """Read the resolution's value field."""
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
            raise ValidationFailed("value must be a number", "value")
        return float(raw)

    def synthetic_truth(self, question: Any) -> float | None:
        if question.resolution_value is None:
            return None
        return float(question_scale(question).to_u(question.resolution_value))

    def synthetic_forecast(
        self, question: Any, truth: float, stretch: float, noise: float, rng: np.random.Generator
    ) -> dict[str, Any] | None:
        scale = question_scale(question)
        center = min(0.9, max(0.1, truth + rng.normal(0, 0.08 * noise)))
        width = 0.18 / stretch
        us = [max(0.01, center - width), center, min(0.99, center + width)]
        values = [float(scale.from_u(u)) for u in us]
        try:
            cdf = cdf_from_quantiles(
                [(0.05, values[0]), (0.5, values[1]), (0.95, values[2])], scale
            )
        except DistributionError:
            return None
        return {"cdf": [float(v) for v in cdf]}

    def resolution_json(self, question: Any) -> dict[str, Any]:
        if question.resolution_value is None:
            return {"outcome": question.resolution_outcome}
        return {self.value_field: self.render_point(question.resolution_value)}

    def value_json(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {"cdf": None}
        cdf = np.asarray(value, dtype=np.float64)
        return {"cdf": None if np.isnan(cdf).any() else cdf.tolist()}

    def forecast_json(self, probability: float | None, vector: Any) -> dict[str, Any]:
        return {"cdf": None if vector is None else np.asarray(vector).tolist()}


class NumericKind(ContinuousKind):
    """A number, possibly on a log scale."""

    name = "numeric"
    label = "Numeric"


class DateKind(ContinuousKind):
    """A date, kept as Unix seconds on the axis."""

    name = "date"
    label = "Date"
    is_date = True
    value_field = "date"

    def typed_resolution(self, answer: str) -> dict[str, Any]:
        """A date as YYYY-MM-DD (midnight UTC) or a full ISO 8601 timestamp."""
        return {"date": f"{answer}T00:00:00Z" if len(answer) == 10 else answer}

    def axis_value(self, value: Any) -> float:
        if isinstance(value, str):
            try:
                return to_epoch(parse_iso(value))
            except ValueError:
                raise ValidationFailed(f"{value!r} is not an ISO 8601 date", "quantiles") from None
        return number(value, "quantiles")

    def resolution_point(self, raw: Any) -> float:
        try:
            return to_epoch(parse_iso(str(raw)))
        except ValueError:
            raise ValidationFailed("date must be an ISO 8601 timestamp", "date") from None

    def render_point(self, x: float) -> Any:
        return format_iso(from_epoch(x))

    def point_words(self, x: float) -> str:
        return from_epoch(x).strftime("%Y-%m-%d")

    def read_point(self, raw: str, field: str) -> float:
        try:
            return to_epoch(parse_iso(raw))
        except ValueError:
            raise ValidationFailed(f"{field} must be an ISO 8601 date", field) from None

    def typed_point(self, raw: str) -> Any:
        return raw

    def unreadable(self, raw: str) -> str | None:
        try:
            parse_iso(raw)
        except ValueError:
            return f"“{raw}” is not a date (YYYY-MM-DD)."
        return None

    def point_text(self, x: float | str) -> str:
        return date_text(x)

    def round_points(
        self, values: Sequence[float], scale: Scale, *, tolerance: float, coarse: bool = False
    ) -> list[float]:
        units = DATE_UNITS if coarse else ("day",)
        return round_dates(values, scale, tolerance=tolerance, units=units)

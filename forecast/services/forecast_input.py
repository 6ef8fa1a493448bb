"""One parser for a forecast's value (a probability, a CDF or quantile pairs), shared by the
API, the web form and the submit service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.distributions import (
    DistributionError,
    cdf_from_quantiles,
    validate_cdf,
    validate_probability,
)
from forecast.core.percentiles import stored_text
from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch
from forecast.models import Question, QuestionType
from forecast.services.questions.input import question_scale

if TYPE_CHECKING:
    from forecast.services.forecasts import QuestionFacts


@dataclass(frozen=True)
class ForecastValue:
    """A validated forecast value: a probability or a CDF, never both.

    quantiles: the pairs a CDF was made from, as stored (see forecast.core.percentiles).
    """

    probability: float | None = None
    cdf: np.ndarray | None = None
    quantiles: str | None = None


class QuantileFailed(ValidationFailed):
    """A quantile pair breaks a rule; index is its place in the list as given."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message, "quantiles")
        self.index = index


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{field} must be a number", field)
    return float(value)


def _quantile_value(value: Any, qtype: str) -> float:
    if qtype == QuestionType.DATE.value and isinstance(value, str):
        try:
            return to_epoch(parse_iso(value))
        except ValueError:
            raise ValidationFailed(f"{value!r} is not an ISO 8601 date", "quantiles") from None
    return _number(value, "quantiles")


def parse_value(
    question: Question | QuestionFacts,
    *,
    probability: Any = None,
    cdf: Any = None,
    quantiles: Any = None,
) -> ForecastValue:
    """Validate the forecast value for the question's type (one of probability, cdf, quantiles)."""
    given = [
        name
        for name, v in (("probability", probability), ("cdf", cdf), ("quantiles", quantiles))
        if v is not None
    ]
    if len(given) != 1:
        expected = (
            "probability" if question.type == QuestionType.BINARY.value else "cdf or quantiles"
        )
        raise ValidationFailed(
            f"send exactly one of: {expected}", given[1] if given else expected.split()[0]
        )
    try:
        if question.type == QuestionType.BINARY.value:
            if probability is None:
                raise ValidationFailed("a binary question takes a probability", given[0])
            return ForecastValue(
                probability=validate_probability(_number(probability, "probability"))
            )
        if probability is not None:
            raise ValidationFailed("a continuous question takes a cdf or quantiles", "probability")
        scale = question_scale(question)
        if cdf is not None:
            if not isinstance(cdf, Sequence | np.ndarray) or isinstance(cdf, str):
                raise ValidationFailed("cdf must be a list of 201 numbers", "cdf")
            values = [_number(v, "cdf") for v in cdf]
            return ForecastValue(cdf=validate_cdf(values, scale))
        if not isinstance(quantiles, Sequence) or isinstance(quantiles, str):
            raise ValidationFailed(
                "quantiles must be a list of [probability, value] pairs", "quantiles"
            )
        pairs = []
        for index, pair in enumerate(quantiles):
            if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
                raise QuantileFailed("each quantile must be a [probability, value] pair", index)
            try:
                level = _number(pair[0], "quantiles")
                pairs.append((level, _quantile_value(pair[1], question.type)))
            except ValidationFailed as exc:
                raise QuantileFailed(exc.message, index) from None
        cdf = cdf_from_quantiles(pairs, scale)
        typed = stored_text(pairs, is_date=question.type == QuestionType.DATE.value)
        return ForecastValue(cdf=cdf, quantiles=typed)
    except DistributionError as exc:
        if exc.index is not None:
            raise QuantileFailed(exc.message, exc.index) from None
        raise ValidationFailed(exc.message, exc.field or given[0]) from None

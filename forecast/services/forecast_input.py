"""One parser for a forecast's value (a probability, a CDF, quantile pairs or option
probabilities), shared by the API, the web form, the importer and the submit service. What
each kind accepts is its registry entry's business (forecast.services.kinds)."""

from __future__ import annotations

from typing import Any

from forecast.services.kinds import ForecastValue as ForecastValue
from forecast.services.kinds import ProbabilityFailed as ProbabilityFailed
from forecast.services.kinds import QuantileFailed as QuantileFailed
from forecast.services.kinds import QuestionShape, kind_of


def parse_value(
    question: QuestionShape,
    *,
    probability: Any = None,
    cdf: Any = None,
    quantiles: Any = None,
    probabilities: Any = None,
) -> ForecastValue:
    """Validate the forecast value for the question's kind (exactly one field is sent)."""
    given = {
        "probability": probability,
        "cdf": cdf,
        "quantiles": quantiles,
        "probabilities": probabilities,
    }
    return kind_of(question).parse_forecast(question, given)

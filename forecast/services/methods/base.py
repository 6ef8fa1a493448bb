"""What every aggregation method answers for a boundary: the event's probability at an instant
(with its bootstrap interval when asked) and its path over time, read from what the method
stands on (the forecasts, a trend series, or forecasters' records at the threshold)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from forecast.core.boundaries import rules
from forecast.models import Question, User
from forecast.services.aggregation.arrays import QuestionForecasts
from forecast.services.aggregation.values import AggregateValue
from forecast.services.questions.input import question_scale

Floats = NDArray[np.float64]
# (start, end, value) per entry: the values rules.event_probabilities reads (NaN: no value).
Path = tuple[Floats, Floats, Floats]


@dataclass(frozen=True)
class Target:
    """What a boundary asks of a method: its question's event at its threshold."""

    session: Session
    question: Question
    event: Any  # forecast.core.boundaries.rules.Event
    threshold: float
    forecasts: QuestionForecasts


@dataclass(frozen=True)
class EventValue:
    """P(event) under one method at one instant.

    forecaster_count is None for a reference line, which no forecaster stands behind (a
    boundary's minimum number of forecasters does not apply to it).
    """

    probability: float | None
    interval: tuple[float, float] | None
    forecaster_count: int | None


NO_VALUE = EventValue(None, None, 0)


class MethodSource(Protocol):
    """One family of methods: where its values come from."""

    def event_value(
        self, target: Target, method: str, at: datetime, *, with_interval: bool
    ) -> EventValue:
        """Return P(event) at `at` (evaluated no later than the question's close)."""
        ...

    def event_path(self, target: Target, method: str, min_forecasters: int) -> Path:
        """Return the method's values over time, NaN where it has none."""
        ...

    def question_value(
        self,
        session: Session,
        viewer: User | None,
        question: Question,
        method: str,
        at: datetime | None,
    ) -> tuple[AggregateValue, dict[str, Any]]:
        """Return the value as the aggregate API shows it, and what it adds to the body."""
        ...


def event_of(target: Target, raw: Any, t: float) -> float:
    """Return P(event) from one raw value (a probability, a CDF or option probabilities)."""
    question = target.question
    scale = question_scale(question) if question.is_continuous else None
    return float(
        rules.event_probability(target.event, raw, question_type=question.type, scale=scale, t=t)
    )

"""The community methods (the aggregation engines' six): P(event) from the aggregate of the
forecasts standing at an instant, its path from the cached aggregate history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core.boundaries import rules
from forecast.infra.clock import to_epoch
from forecast.models import Question, User
from forecast.services.aggregation import reads
from forecast.services.aggregation import values as aggregation
from forecast.services.methods.base import EventValue, Path, Target, event_of
from forecast.services.questions.input import question_scale


def _interval(
    target: Target, value: aggregation.AggregateValue, t: float
) -> tuple[float, float] | None:
    if value.interval is None:
        return None
    question = target.question
    if target.event.kind == "option":
        low, high = (np.asarray(end)[target.event.index] for end in value.interval)
        return float(low), float(high)
    if not question.is_continuous:
        low, high = value.interval
        return float(low), float(high)
    scale = question_scale(question)
    ends = [
        float(
            rules.event_probability(
                target.event, np.asarray(cdf), question_type=question.type, scale=scale, t=t
            )
        )
        for cdf in value.interval
    ]
    return min(ends), max(ends)


class Community:
    """Methods that combine the standing forecasts (forecast.core.aggregation)."""

    def event_value(
        self, target: Target, method: str, at: datetime, *, with_interval: bool
    ) -> EventValue:
        """Return P(event) from the aggregate at `at`, with its bootstrap interval if asked."""
        question = target.question
        t = to_epoch(aggregation.evaluation_time(question, at))
        value = aggregation.value_at(
            target.session,
            question,
            method=method,
            at=at,
            forecasts=target.forecasts,
            with_interval=with_interval,
        )
        if value.forecaster_count == 0 or value.raw is None:
            return EventValue(None, None, 0)
        return EventValue(
            event_of(target, value.raw, t), _interval(target, value, t), value.forecaster_count
        )

    def event_path(self, target: Target, method: str, min_forecasters: int) -> Path:
        """Return the cached history's entries, NaN where too few forecasters stood."""
        history = aggregation.cached_aggregate(target.session, target.question, method).history
        values = np.array(history.value, dtype=np.float64)
        values[np.asarray(history.forecaster_count) < max(1, min_forecasters)] = np.nan
        return np.asarray(history.start), np.asarray(history.end), values

    def question_value(
        self,
        session: Session,
        viewer: User | None,
        question: Question,
        method: str,
        at: datetime | None,
    ) -> tuple[aggregation.AggregateValue, dict[str, Any]]:
        """Return the aggregate the viewer may see (Forbidden where it is hidden)."""
        return reads.read_value(
            session=session, viewer=viewer, question=question, method=method, at=at
        ), {}

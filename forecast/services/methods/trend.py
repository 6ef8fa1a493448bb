"""The trend method: the reference forecast of a question's trend series (this line continues).

It is public data, not drawn from anyone's forecasts, so it follows the question's visibility,
not the aggregate's hiding rules; no forecaster stands behind it (forecaster_count 0, and a
boundary's minimum number of forecasters does not apply). It stands from the moment its
series was attached (a past instant before that has no trend: the line was not known then)
and does not move until the series is replaced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core.distributions import CDF_POINTS
from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch, utcnow
from forecast.models import Question, User
from forecast.services.aggregation import values as aggregation
from forecast.services.methods.base import NO_VALUE, EventValue, Path, Target, event_of
from forecast.services.trends.series import trend_of

_MEMO = "methods.trend"


def reference(session: Session, question: Question) -> dict[str, Any] | None:
    """Return the question's trend (series, fit, reference CDF), read once per session.

    None without a series, and for a stored series that no longer gives a reference forecast
    on the question as it stands (its range or dates edited since): no line, not an error, for
    every report row, crossing and verdict that reads it.
    """
    memo: dict[Any, Any] = session.info.setdefault(_MEMO, {})
    key = (question.id, question.close_time, question.resolve_time)
    if key not in memo:
        memo[key] = _read(session, question) if question.is_continuous else None
    found: dict[str, Any] | None = memo[key]
    return found


def _read(session: Session, question: Question) -> dict[str, Any] | None:
    try:
        return trend_of(session, question)
    except ValidationFailed:
        return None


def since(question: Question, trend: dict[str, Any]) -> float:
    """Return when the trend stands from: its series' attachment, or the question's open."""
    return max(to_epoch(parse_iso(trend["updated_at"])), to_epoch(question.open_time))


class Trend:
    """The reference line's forecast, where a series is attached."""

    def event_value(
        self, target: Target, method: str, at: datetime, *, with_interval: bool
    ) -> EventValue:
        """Return P(event) under the reference CDF (no interval: it is one forecast)."""
        trend = reference(target.session, target.question)
        moment = aggregation.evaluation_time(target.question, at)
        t = to_epoch(moment)
        if trend is None or t < since(target.question, trend):
            return NO_VALUE
        return EventValue(event_of(target, np.asarray(trend["cdf"]), t), None, None)

    def event_path(self, target: Target, method: str, min_forecasters: int) -> Path:
        """Return one entry from the attachment on (none without a series)."""
        trend = reference(target.session, target.question)
        if trend is None:
            empty = np.zeros(0)
            return empty, empty, np.zeros((0, CDF_POINTS))
        start = np.array([since(target.question, trend)])
        return start, np.array([np.inf]), np.asarray([trend["cdf"]], dtype=np.float64)

    def question_value(
        self,
        session: Session,
        viewer: User | None,
        question: Question,
        method: str,
        at: datetime | None,
    ) -> tuple[aggregation.AggregateValue, dict[str, Any]]:
        """Return the reference CDF with forecaster_count 0 and a `trend` block (400 without a
        series)."""
        trend = reference(session, question)
        if trend is None:
            raise ValidationFailed("this question has no trend series: method trend", "method")
        moment = aggregation.evaluation_time(question, at or utcnow())
        stands = to_epoch(moment) >= since(question, trend)
        cdf = np.asarray(trend["cdf"], dtype=np.float64) if stands else None
        value = aggregation.AggregateValue(method, moment, 0, None, cdf, None)
        block = {
            "fit": trend["fit"],
            "window": trend["window"],
            "level": trend["level"],
            "slope_per_year": trend["slope_per_year"],
            "doubling_years": trend["doubling_years"],
            "extrapolated": trend["extrapolated"],
            "points": len(trend["points"]),
            "since": trend["updated_at"],
        }
        return value, {"trend": block}

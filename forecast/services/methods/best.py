""" "Best at your threshold": the standing forecasts weighted by each forecaster's relative
economic value at the boundary's threshold (`forecast.services.methods.trust`), over the
questions resolved before the instant asked about. It is drawn from the forecasts, so wherever
it appears it is hidden with the question's aggregate; it needs a threshold, so it exists only
for a boundary (the report, a boundary's page, its alerts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.errors import ValidationFailed
from forecast.infra.clock import to_epoch
from forecast.models import Question, User
from forecast.services.aggregation import values as aggregation
from forecast.services.methods import trust
from forecast.services.methods.base import NO_VALUE, EventValue, Path, Target


class BestAtThreshold:
    """Forecasters weighted by their elementary score at the boundary's threshold."""

    def event_value(
        self, target: Target, method: str, at: datetime, *, with_interval: bool
    ) -> EventValue:
        """Return the weighted P(event) with its bootstrap interval over forecasters."""
        t = to_epoch(aggregation.evaluation_time(target.question, at))
        found = trust.best_at_threshold(
            target.session,
            target.question,
            target.event,
            target.threshold,
            target.forecasts,
            t,
            with_interval=with_interval,
        )
        if found is None:
            return NO_VALUE
        interval = tuple(found["interval"]) if found["interval"] else None
        return EventValue(found["probability"], interval, found["forecasters"])

    def event_path(self, target: Target, method: str, min_forecasters: int) -> Path:
        """Return the weighted mean of the standing values at every change point (the event's
        probability is linear in them, so it equals the weighted mean of the events')."""
        f = target.forecasts
        times = np.unique(np.concatenate([f.start, f.end[np.isfinite(f.end)]]))
        width = f.values.shape[1:] if f.values.ndim > 1 else ()
        values = np.full((len(times), *width), np.nan)
        for k, t in enumerate(times.tolist()):
            active = f.active_at(t)
            if not active.any():
                continue
            weights = trust.weights(target.session, target.threshold, before=t)
            w = np.array([weights.get(int(u), 0.0) for u in f.user[active].tolist()])
            if (w > 0).sum() < max(1, min_forecasters):
                continue
            values[k] = np.tensordot(w / w.sum(), f.values[active], axes=1)
        end = np.append(times[1:], np.inf)
        return times, end, values

    def question_value(
        self,
        session: Session,
        viewer: User | None,
        question: Question,
        method: str,
        at: datetime | None,
    ) -> tuple[aggregation.AggregateValue, dict[str, Any]]:
        """Refuse: the method weighs forecasters at a boundary's threshold."""
        raise ValidationFailed(
            "best_at_threshold weighs forecasters at a boundary's threshold: read it on the "
            "threshold report",
            "method",
        )

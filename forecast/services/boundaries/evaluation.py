"""One boundary at one instant: the event's probability under the boundary's method and under
every other method, a bootstrap interval, the verdict and the crossing events; and, once the
question is resolved, whether the event happened."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core.aggregation.aggregate import METHODS
from forecast.core.boundaries import rules
from forecast.infra.clock import format_iso, to_epoch, utcnow
from forecast.models import QuestionType
from forecast.services.aggregation import values as aggregation
from forecast.services.boundaries import trust
from forecast.services.boundaries.crossings import crossing_events
from forecast.services.boundaries.subjects import Subject
from forecast.services.questions.input import question_scale


def _event_probability(
    subject: Subject, value: aggregation.AggregateValue, t: float
) -> float | None:
    question = subject.question
    if value.forecaster_count == 0:
        return None
    scale = question_scale(question) if question.is_continuous else None
    payload = value.raw
    return float(
        rules.event_probability(
            subject.event, payload, question_type=question.type, scale=scale, t=t
        )
    )


def _interval(
    subject: Subject, value: aggregation.AggregateValue, t: float
) -> tuple[float, float] | None:
    if value.interval is None:
        return None
    question = subject.question
    if subject.event.kind == "option":
        low, high = (np.asarray(end)[subject.event.index] for end in value.interval)
        return float(low), float(high)
    if not question.is_continuous:
        low, high = value.interval
        return float(low), float(high)
    scale = question_scale(question)
    ends = [
        float(
            rules.event_probability(
                subject.event, np.asarray(cdf), question_type=question.type, scale=scale, t=t
            )
        )
        for cdf in value.interval
    ]
    return min(ends), max(ends)


def current_probability(
    session: Session,
    subject: Subject,
    at: datetime,
    forecasts: aggregation.QuestionForecasts | None = None,
) -> tuple[float | None, int]:
    """Return just the event's probability under the boundary's method and how many forecasters
    it stands on (for the alert job)."""
    moment = aggregation.evaluation_time(subject.question, at)
    value = aggregation.value_at(
        session,
        subject.question,
        method=subject.version.method,
        at=at,
        forecasts=forecasts,
        with_interval=False,
    )
    return _event_probability(subject, value, to_epoch(moment)), value.forecaster_count


def evaluate(session: Session, subject: Subject, at: datetime) -> dict[str, Any]:
    """Compute one report row at instant `at` from the question's stored forecasts."""
    question, version = subject.question, subject.version
    moment = aggregation.evaluation_time(question, at)
    t = to_epoch(moment)
    forecasts = aggregation.load_forecasts(session, question)
    own = aggregation.value_at(session, question, method=version.method, at=at, forecasts=forecasts)
    probability = _event_probability(subject, own, t)
    by_method = {}
    for method in METHODS:
        if method == version.method:
            by_method[method] = probability
            continue
        other = aggregation.value_at(
            session, question, method=method, at=at, forecasts=forecasts, with_interval=False
        )
        by_method[method] = _event_probability(subject, other, t)
    interval = _interval(subject, own, t)
    known = {m: p for m, p in by_method.items() if p is not None}
    row: dict[str, Any] = {
        "id": subject.boundary.id,
        "version": version.version,
        "action": version.action,
        "ladder": subject.boundary.ladder,
        "question": {"id": question.id, "key": question.key, "title": question.title},
        "event": json.loads(version.event),
        "comparator": version.comparator,
        "threshold": version.threshold,
        "method": version.method,
        "at": format_iso(moment),
        "committed_at": format_iso(version.committed_at) if version.committed_at else None,
        "version_committed_at": format_iso(version.committed_at) if version.committed_at else None,
        "probability": probability,
        "forecaster_count": own.forecaster_count,
        "by_method": by_method,
        # How robust the verdict is: of the methods with a value, how many are past the line.
        "methods_known": len(known),
        "methods_crossed": sum(
            rules.is_crossed(p, version.comparator, version.threshold) for p in known.values()
        ),
        "interval": list(interval) if interval else None,
        "best_at_threshold": trust.best_at_threshold(
            session, question, subject.event, version.threshold, forecasts, t
        ),
    }
    if probability is None:
        row.update(
            crossed=False,
            margin=None,
            margin_log_odds=None,
            verdict="no_forecasts",
            first_crossed_at=None,
            events=[],
        )
        return row
    row["crossed"] = bool(rules.is_crossed(probability, version.comparator, version.threshold))
    row["margin"] = float(rules.margin_points(probability, version.comparator, version.threshold))
    row["margin_log_odds"] = float(
        rules.margin_log_odds(probability, version.comparator, version.threshold)
    )
    row["verdict"] = rules.verdict(
        known, interval or (probability, probability), version.comparator, version.threshold
    )
    events, path = crossing_events(session, subject, moment)
    row["events"] = events
    row["path"] = path
    row["first_crossed_at"] = next((e["at"] for e in events if e["state"] == "crossed"), None)
    return row


def outcome(subject: Subject) -> str | None:
    """Say whether the event happened, once the question is resolved (None before)."""
    question = subject.question
    if question.resolution_outcome is None or question.resolution_outcome in (
        "annulled",
        "ambiguous",
    ):
        return None
    event = json.loads(subject.version.event)
    kind = event["kind"]
    happened: bool | None = None
    if question.type == QuestionType.BINARY.value:
        happened = question.resolution_outcome == "yes"
    elif kind == "option":
        index = question.resolution_value
        happened = index is not None and int(index) == subject.event.index
    elif question.resolution_outcome == "below_lower_bound":
        happened = kind in ("at_most", "before", "within")
    elif question.resolution_outcome == "above_upper_bound":
        happened = kind == "at_least"
    elif question.resolution_value is not None:
        x = question.resolution_value
        if kind == "at_least":
            happened = x >= float(event["value"])
        elif kind == "at_most":
            happened = x <= float(event["value"])
        else:
            committed = subject.version.committed_at or question.resolved_at or utcnow()
            deadline = rules.deadline(subject.event, to_epoch(committed))
            happened = x < deadline
    if happened is None:
        return None
    return "happened" if happened else "did_not_happen"

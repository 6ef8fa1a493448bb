"""One boundary at one instant: the event's probability under the boundary's method and under
every other registered method (each asked through `forecast.services.methods`), a bootstrap
interval, the verdict and the crossing events; and, once the question is resolved, whether the
event happened."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from forecast.core.aggregation.methods import BOUNDARY_METHODS
from forecast.core.boundaries import rules
from forecast.infra.clock import format_iso, to_epoch, utcnow
from forecast.models import QuestionType
from forecast.services import methods
from forecast.services.aggregation import values as aggregation
from forecast.services.boundaries.crossings import crossing_events
from forecast.services.boundaries.subjects import Subject

_BEST = "best_at_threshold"


def target(
    session: Session, subject: Subject, forecasts: aggregation.QuestionForecasts
) -> methods.Target:
    """Return what the methods are asked about: the boundary's event at its threshold."""
    return methods.Target(
        session, subject.question, subject.event, subject.version.threshold, forecasts
    )


def current_probability(
    session: Session,
    subject: Subject,
    at: datetime,
    forecasts: aggregation.QuestionForecasts | None = None,
) -> tuple[float | None, int | None]:
    """Return just the event's probability under the boundary's method and how many forecasters
    it stands on (None for a reference line, which none stands behind), for the alert job."""
    forecasts = forecasts or aggregation.load_forecasts(session, subject.question)
    method = subject.version.method
    value = methods.source(method).event_value(
        target(session, subject, forecasts), method, at, with_interval=False
    )
    return value.probability, value.forecaster_count


def by_method(
    goal: methods.Target,
    at: datetime,
    own_method: str,
    given: Mapping[str, methods.EventValue] | None = None,
) -> tuple[methods.EventValue, dict[str, float | None], dict[str, float]]:
    """Return the boundary's own method's value (with its interval), P(event) under every
    registered method, and the values that judge the verdict: the own method's and those read
    from the forecasts (a reference line is shown beside them, it does not vote).

    given: values the caller already has at `at`, with their intervals, asked again of no one.
    """
    given = given or {}
    own = given.get(own_method) or methods.source(own_method).event_value(
        goal, own_method, at, with_interval=True
    )
    found: dict[str, float | None] = {}
    for method in BOUNDARY_METHODS:
        if method == own_method:
            found[method] = own.probability
            continue
        other = given.get(method) or methods.source(method).event_value(
            goal, method, at, with_interval=False
        )
        found[method] = other.probability
    known = {
        m: p
        for m, p in found.items()
        if p is not None and (m == own_method or not methods.is_reference(m))
    }
    return own, found, known


def evaluate(session: Session, subject: Subject, at: datetime) -> dict[str, Any]:
    """Compute one report row at instant `at` from the question's stored forecasts."""
    question, version = subject.question, subject.version
    moment = aggregation.evaluation_time(question, at)
    forecasts = aggregation.load_forecasts(session, question)
    goal = target(session, subject, forecasts)
    # The row shows best at your threshold with its interval whatever the boundary's method:
    # asked once, it also gives that method's value in by_method.
    best = methods.source(_BEST).event_value(goal, _BEST, at, with_interval=True)
    own, found, known = by_method(goal, at, version.method, {_BEST: best})
    probability = own.probability
    interval = own.interval
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
        "forecaster_count": own.forecaster_count or 0,
        "by_method": found,
        # How robust the verdict is: of the methods with a value, how many are past the line.
        "methods_known": len(known),
        "methods_crossed": sum(
            rules.is_crossed(p, version.comparator, version.threshold) for p in known.values()
        ),
        "interval": list(interval) if interval else None,
        "best_at_threshold": None
        if best.probability is None
        else {
            "probability": best.probability,
            "interval": list(best.interval) if best.interval else None,
            "forecasters": best.forecaster_count,
        },
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
    events, path = crossing_events(session, subject, moment, forecasts)
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

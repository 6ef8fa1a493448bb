"""The threshold report: every committed boundary against the current (or a past) aggregate.

A row is computed from the question's stored forecasts: the event's probability under the
boundary's method and under every other method, a bootstrap interval, the verdict, and the
crossing events since the commit. Rows are cached in `boundary_evaluations` while the boundary
version and the question's forecasts are unchanged and the row is younger than MAX_AGE (the
event's probability also moves with time: rolling horizons and track-record weights).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import orjson
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecast.core.aggregation.aggregate import METHODS
from forecast.core.boundaries import rules
from forecast.core.boundaries.paths import Crossings, rolling_probability, rolling_states, states
from forecast.core.boundaries.states import next_state
from forecast.infra.clock import format_iso, from_epoch, to_epoch, utcnow
from forecast.infra.db import session_engine, session_scope, write
from forecast.models import (
    Boundary,
    BoundaryEvaluation,
    BoundaryStatus,
    BoundaryVersion,
    Question,
    QuestionType,
    Role,
    User,
)
from forecast.services.accounts.permissions import require_role
from forecast.services.aggregation import values as aggregation
from forecast.services.boundaries.lifecycle import can_view
from forecast.services.boundaries.visibility import hidden_questions, redact_row
from forecast.services.questions.input import question_scale

MAX_AGE = timedelta(minutes=5)
_E = BoundaryEvaluation.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Subject:
    """A committed boundary with its version in force and its question."""

    boundary: Boundary
    version: BoundaryVersion
    question: Question
    event: Any  # forecast.core.boundaries.rules.Event


def _event_probability(
    subject: Subject, value: aggregation.AggregateValue, t: float
) -> float | None:
    question = subject.question
    if value.forecaster_count == 0:
        return None
    scale = question_scale(question) if question.is_continuous else None
    payload = value.cdf if question.is_continuous else value.probability
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


PATH_POINTS = 80


_History = tuple[np.ndarray, np.ndarray, np.ndarray]


def _history(session: Session, question: Question, method: str, min_forecasters: int) -> _History:
    """Return the question's aggregate history under method: (start, end, value) per entry,
    value NaN (the state holds) where fewer than min_forecasters had a standing forecast."""
    history = aggregation.cached_aggregate(session, question, method).history
    values = np.array(history.value, dtype=np.float64)
    values[np.asarray(history.forecaster_count) < max(1, min_forecasters)] = np.nan
    return np.asarray(history.start), np.asarray(history.end), values


def _changes(
    subject: Subject,
    version: BoundaryVersion,
    event: Any,
    history: _History,
    begin: float,
    until: float,
) -> Crossings:
    """Return the changes of state of one version's boundary since its commit.

    A rolling "within N years" event is followed exactly: its probability rises inside an
    aggregate entry as the deadline moves with the clock (`forecast.core.boundaries.paths`).
    """
    question = subject.question
    start, end, values = history
    comparator, threshold = version.comparator, version.threshold
    hysteresis = subject.boundary.hysteresis
    if event.kind == "within":
        return rolling_states(
            start,
            end,
            values,
            question_scale(question),
            event.years,
            comparator=comparator,
            threshold=threshold,
            hysteresis=hysteresis,
            commit_time=begin,
            until=until,
        )
    scale = question_scale(question) if question.is_continuous else None
    p = rules.event_probabilities(
        event, values, question_type=question.type, scale=scale, t=np.maximum(start, begin)
    )
    return states(
        start,
        end,
        p,
        comparator=comparator,
        threshold=threshold,
        hysteresis=hysteresis,
        commit_time=begin,
        until=until,
    )


def _sampled_path(
    subject: Subject, history: _History, first_commit: float, until: float
) -> list[list[float | None]]:
    """Return PATH_POINTS samples (time, P(event)) of the current version's event."""
    question, event = subject.question, subject.event
    start, end, values = history
    first = float(start[0]) if len(start) else first_commit
    times = np.linspace(min(first, first_commit), max(until, first_commit), PATH_POINTS)
    if event.kind == "within":
        sampled = rolling_probability(
            start, end, values, question_scale(question), event.years, times
        )
    else:
        scale = question_scale(question) if question.is_continuous else None
        p = rules.event_probabilities(
            event,
            values,
            question_type=question.type,
            scale=scale,
            t=np.maximum(start, first_commit),
        )
        index = np.searchsorted(start, times, side="right") - 1
        sampled = np.full(times.shape, np.nan)
        if len(p):
            sampled[index >= 0] = p[index[index >= 0]]
    return [
        [float(t), None if np.isnan(v) else float(v)]
        for t, v in zip(times.tolist(), sampled.tolist(), strict=True)
    ]


def crossing_events(
    session: Session, subject: Subject, until: datetime
) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """Return the changes of state since the first commit, each with the version then in force,
    and a sampled path of the event's probability under the current version."""
    from forecast.services.boundaries.lifecycle import versions

    committed = [v for v in versions(session, subject.boundary.id or 0) if v.committed_at]
    if not committed:
        return [], []
    stop = to_epoch(until)
    # Versions usually share a method: each method's history is read from the cache once.
    histories: dict[str, _History] = {}

    def history(method: str) -> _History:
        if method not in histories:
            histories[method] = _history(
                session, subject.question, method, subject.boundary.min_forecasters
            )
        return histories[method]

    events: list[dict[str, Any]] = []
    last_state: str | None = None
    for k, version in enumerate(committed):
        assert version.committed_at is not None
        begin = to_epoch(version.committed_at)
        following = committed[k + 1].committed_at if k + 1 < len(committed) else None
        finish = to_epoch(following) if following is not None else np.inf
        event = rules.parse_event(json.loads(version.event), subject.question.type)
        found = _changes(subject, version, event, history(version.method), begin, stop)
        for t, state, prob in found.as_tuples():
            if t >= finish or t > stop or state == last_state:
                continue
            events.append(
                {
                    "at": format_iso(from_epoch(t)),
                    "state": state,
                    "probability": float(prob),
                    "version": version.version,
                }
            )
            last_state = state
    first_commit = to_epoch(committed[0].committed_at)  # type: ignore[arg-type]
    path = _sampled_path(subject, history(subject.version.method), first_commit, stop)
    return events, path


def subjects(
    session: Session, viewer: User, boundary_ids: list[int] | None = None
) -> list[Subject]:
    """Load the committed boundaries the viewer may see, with their versions and questions."""
    query = (
        select(Boundary, BoundaryVersion, Question)
        .join(
            BoundaryVersion,
            (col(BoundaryVersion.boundary_id) == col(Boundary.id))
            & (col(BoundaryVersion.version) == col(Boundary.current_version)),
        )
        .join(Question, col(Question.id) == col(Boundary.question_id))
        .where(col(Boundary.status) == BoundaryStatus.COMMITTED.value)
    )
    if boundary_ids is not None:
        query = query.where(col(Boundary.id).in_(boundary_ids))
    found = []
    for boundary, version, question in session.exec(query):
        if not can_view(boundary, viewer):
            continue
        event = rules.parse_event(json.loads(version.event), question.type)
        found.append(Subject(boundary, version, question, event))
    return found


def report(
    *,
    session: Session,
    viewer: User | None,
    at: datetime | None = None,
    owner: str | None = None,
    tournament: str | None = None,
    verdict: str | None = None,
) -> list[dict[str, Any]]:
    """Return the report rows: crossed, contested, not crossed, then without forecasts; within
    each group the closest to its threshold first.

    A row whose question's aggregate is hidden from the viewer says why (`hidden`) and carries
    nothing drawn from the aggregate; it sorts last.
    """
    from forecast.models import Tournament

    viewer = require_role(viewer, Role.LEADER)
    found = subjects(session, viewer)
    # Everything the rows need beyond their evaluation is read in three statements in all.
    slugs = {t.id: t.slug for t in session.exec(select(Tournament))}
    owners = {u.id: u.username for u in session.exec(select(User))} if owner else {}
    cached: dict[int, BoundaryEvaluation] = {}
    if at is None and found:
        ids = [s.boundary.id for s in found]
        cached = {
            e.boundary_id: e
            for e in session.exec(
                select(BoundaryEvaluation).where(col(BoundaryEvaluation.boundary_id).in_(ids))
            )
        }
    hidden = hidden_questions(session, [s.question for s in found], viewer, utcnow())
    rows = []
    for subject in found:
        row = _row(session, subject, at, cached.get(subject.boundary.id or 0))
        redact_row(row, hidden.get(subject.question.id or 0))
        row["owner_id"] = subject.boundary.owner_id
        row["tournament"] = slugs.get(subject.question.tournament_id or 0)
        row["outcome"] = outcome(subject)
        rows.append(row)
    if owner:
        rows = [r for r in rows if owners.get(r["owner_id"]) == owner]
    if tournament:
        rows = [r for r in rows if r["tournament"] == tournament]
    if verdict:
        rows = [r for r in rows if r["verdict"] == verdict]
    margins = np.array([abs(r["margin"]) if r["margin"] is not None else np.inf for r in rows])
    order = rules.report_order([r["verdict"] for r in rows], margins) if rows else []
    return [rows[i] for i in order]


def _row(
    session: Session, subject: Subject, at: datetime | None, cached: BoundaryEvaluation | None
) -> dict[str, Any]:
    """Evaluate a boundary at `at`; now (at None) reuses and refreshes the stored evaluation."""
    row = _fresh(cached, subject) if at is None else None
    if row is None:
        row = evaluate(session, subject, at or utcnow())
        if at is None:
            _store(session, subject, row)
    return row


def boundary_status(
    *, session: Session, viewer: User | None, boundary_id: int
) -> dict[str, Any] | None:
    """Return one committed boundary's report row now (None for a draft or one out of sight)."""
    viewer = require_role(viewer, Role.LEADER)
    found = subjects(session, viewer, [boundary_id])
    if not found:
        return None
    subject = found[0]
    cached = session.exec(
        select(BoundaryEvaluation).where(col(BoundaryEvaluation.boundary_id) == boundary_id)
    ).first()
    row = _row(session, subject, None, cached)
    hidden = hidden_questions(session, [subject.question], viewer, utcnow())
    redact_row(row, hidden.get(subject.question.id or 0))
    row["outcome"] = outcome(subject)
    boundary = subject.boundary
    row["state"] = None if row["hidden"] else boundary.last_state
    row["state_reason"] = None
    if not row["hidden"]:
        row["state_reason"] = next_state(
            boundary.last_state,
            row["probability"],
            row["comparator"],
            row["threshold"],
            boundary.hysteresis,
            forecasters=row["forecaster_count"],
            min_forecasters=boundary.min_forecasters,
        ).reason
    return row


def _fresh(row: BoundaryEvaluation | None, subject: Subject) -> dict[str, Any] | None:
    """Return a cached row if its inputs are unchanged and it is recent enough."""
    if (
        row is None
        or row.version != subject.version.version
        or row.forecasts_version != subject.question.forecasts_version
        or utcnow() - row.evaluated_at > MAX_AGE
    ):
        return None
    data: dict[str, Any] = orjson.loads(row.payload)
    return data


def _store(session: Session, subject: Subject, row: dict[str, Any]) -> None:
    try:
        with session_scope(session_engine(session)) as writer, write(writer):
            writer.execute(delete(_E).where(_E.c.boundary_id == subject.boundary.id))
            writer.execute(
                insert(_E).values(
                    boundary_id=subject.boundary.id,
                    version=subject.version.version,
                    forecasts_version=subject.question.forecasts_version,
                    evaluated_at=utcnow(),
                    payload=orjson.dumps(row).decode(),
                )
            )
    except IntegrityError:
        pass  # another worker stored this boundary's evaluation first


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

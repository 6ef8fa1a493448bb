"""Threshold alerts: re-evaluate committed boundaries and tell owners when one changes state.

A change is recorded with a compare-and-set on the boundary's last state, so two job runs at
once (or a job run twice) record it exactly once. The owner is told through notify(), in the
same transaction as the change: in the app, and on the channels they chose for crossing alerts
(the outbox job sends those).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from forecast.core.boundaries.states import next_state
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import write
from forecast.models import Boundary, BoundaryEvent, User
from forecast.services.aggregation.values import QuestionForecasts, load_forecasts
from forecast.services.aggregation.visibility import hidden_reason
from forecast.services.boundaries.evaluation import current_probability, evaluate
from forecast.services.boundaries.subjects import Subject
from forecast.services.notifications import notify
from forecast.services.questions.lifecycle import can_view as question_visible

log = logging.getLogger(__name__)


@dataclass
class AlertRun:
    """What one pass of the alert job did."""

    evaluated: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)


def run(
    *,
    session: Session,
    now: datetime | None = None,
) -> AlertRun:
    """Evaluate every committed boundary and record, once, each change of state."""
    from forecast.services.boundaries.subjects import subjects

    now = now or utcnow()
    report = AlertRun()
    admin = User.model_construct(id=0, username="alert-job", role="admin")
    loaded: dict[int, QuestionForecasts] = {}
    for subject in subjects(session, admin):
        # A light evaluation first (one method, no interval, each question's forecasts loaded
        # once); the full report row is only built for boundaries whose state changes.
        question_id = subject.question.id or 0
        if question_id not in loaded:
            loaded[question_id] = load_forecasts(session, subject.question)
        probability, count = current_probability(session, subject, now, loaded[question_id])
        report.evaluated += 1
        boundary = subject.boundary
        version = subject.version
        state = next_state(
            boundary.last_state,
            probability,
            version.comparator,
            version.threshold,
            boundary.hysteresis,
            forecasters=count,
            min_forecasters=boundary.min_forecasters,
        ).state
        if state is None or state == boundary.last_state:
            continue
        row = evaluate(session, subject, now)
        # The change is recorded either way; its owner hears of it only if they may see the
        # question's aggregate (the boundary's page shows the changes once they may).
        owner = session.get(User, boundary.owner_id)
        tell = (
            owner is not None
            and question_visible(subject.question, owner)
            and hidden_reason(session, subject.question, owner, now) is None
        )
        if _record(session, subject, state, row, now, tell=tell):
            change = {
                "boundary": boundary.id,
                "state": state,
                "probability": row["probability"],
                "at": format_iso(now),
            }
            report.changes.append(change)
    return report


class _RecordedFirst(Exception):
    """Another run recorded this change first: roll back and record nothing."""


def _record(
    session: Session,
    subject: Subject,
    state: str,
    row: dict[str, Any],
    now: datetime,
    *,
    tell: bool,
) -> bool:
    boundary = subject.boundary
    try:
        with write(session):
            done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(Boundary)
                .where(
                    col(Boundary.id) == boundary.id,
                    col(Boundary.last_state).is_(None)
                    if boundary.last_state is None
                    else col(Boundary.last_state) == boundary.last_state,
                )
                .values(
                    last_state=state, last_probability=row["probability"], last_evaluated_at=now
                )
            )
            if done.rowcount != 1:
                raise _RecordedFirst
            assert boundary.id is not None
            session.add(
                BoundaryEvent(
                    boundary_id=boundary.id,
                    version=subject.version.version,
                    at=now,
                    state=state,
                    probability=row["probability"],
                    threshold=row["threshold"],
                )
            )
            if tell:
                verb = "crossed its threshold" if state == "crossed" else "is no longer crossed"
                notify(
                    session,
                    boundary.owner_id,
                    kind=f"boundary_{state}",
                    message=f"“{row['action']}” on “{subject.question.title}”: "
                    f"P = {100 * row['probability']:.1f}% {verb} "
                    f"({row['comparator']} {100 * row['threshold']:.1f}%).",
                    link=f"/boundaries/{boundary.id}",
                    data=_webhook_data(row, state),
                )
    except (_RecordedFirst, IntegrityError):
        return False
    boundary.last_state = state
    return True


def _webhook_data(row: dict[str, Any], state: str) -> dict[str, Any]:
    """Return what a webhook carries of a change: the boundary, the value and the verdict."""
    fields = ("id", "version", "action", "question", "event", "comparator", "threshold", "method")
    return {
        "state": state,
        "boundary": {k: row.get(k) for k in fields},
        "probability": row["probability"],
        "verdict": row.get("verdict"),
        "at": row["at"],
    }

"""The threshold report: every committed boundary against the current (or a past) aggregate.

A row is computed from the question's stored forecasts (evaluation.py): the event's probability
under the boundary's method and under every other method, a bootstrap interval, the verdict, and
the crossing events since the commit (crossings.py). Rows are cached in `boundary_evaluations`
while the boundary version and the question's forecasts are unchanged and the row is younger
than MAX_AGE (the event's probability also moves with time: rolling horizons and track-record
weights).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol, cast

import numpy as np
import orjson
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from forecast.core.boundaries import rules
from forecast.core.boundaries.states import next_state
from forecast.infra.clock import parse_iso, utcnow
from forecast.infra.db import session_engine, session_scope, write
from forecast.models import BoundaryEvaluation, Role, User
from forecast.services.accounts.permissions import require_role
from forecast.services.aggregation.arrays import load_forecasts
from forecast.services.boundaries.decoded import decoded
from forecast.services.boundaries.evaluation import evaluate, outcome
from forecast.services.boundaries.named_signposts import named_pairs
from forecast.services.boundaries.retrospective import (
    add_decision,
    closed,
    closing,
    verdict_history,
)
from forecast.services.boundaries.signposts import signposts
from forecast.services.boundaries.subjects import Subject, subjects
from forecast.services.boundaries.team_sharing import of_team, report_team
from forecast.services.boundaries.visibility import hidden_questions, redact_row
from forecast.services.conditionals.links import pairs_on_outcomes

MAX_AGE = timedelta(minutes=5)
_E = BoundaryEvaluation.__table__  # type: ignore[attr-defined]


def report(
    *,
    session: Session,
    viewer: User | None,
    at: datetime | None = None,
    owner: str | None = None,
    tournament: str | None = None,
    verdict: str | None = None,
    team: str | None = None,
) -> list[dict[str, Any]]:
    """Return the report rows: crossed, contested, not crossed, then without forecasts; within
    each group the closest to its threshold first.

    `team` (a team the viewer belongs to) keeps the boundaries shared with that team or set on
    its questions: the team's own report.

    A row whose question's aggregate is hidden from the viewer says why (`hidden`) and carries
    nothing drawn from the aggregate; it sorts last.
    """
    from forecast.models import Tournament

    viewer = require_role(viewer, Role.LEADER)
    found = subjects(session, viewer)
    if team:
        team_id = report_team(session, viewer, team)
        found = [s for s in found if of_team(team_id, s.boundary, s.question)]
    # Everything the rows need beyond their evaluation is read in a few statements in all.
    slugs = {t.id: t.slug for t in session.exec(select(Tournament))}
    owners = {u.id: u.username for u in session.exec(select(User))} if owner else {}
    cached = stored(session, [s.boundary.id or 0 for s in found]) if at is None else {}
    hidden = hidden_questions(session, [s.question for s in found], viewer, utcnow())
    pairs = pairs_on_outcomes(session, {s.question.id or 0 for s in found})
    named = named_pairs(session, [s.boundary.id or 0 for s in found])
    rows = []
    for subject in found:
        row = _row(session, subject, at, cached.get(subject.boundary.id or 0))
        add_decision(row, subject)
        redact_row(row, hidden.get(subject.question.id or 0))
        row["signposts"] = signposts(session, subject, row, viewer, at, pairs, named)
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


class Stored(Protocol):
    """A stored evaluation as `stored` reads it (the columns of `boundary_evaluations`)."""

    boundary_id: int
    version: int
    forecasts_version: int
    evaluated_at: datetime
    payload: str


def stored(session: Session, boundary_ids: list[int]) -> dict[int, Stored]:
    """Read the stored evaluations of the boundaries in one statement, as plain rows: building
    a model object per row cost a warm report of 1,000 rows more than the rest of reading it."""
    if not boundary_ids:
        return {}
    rows = session.execute(select(_E).where(_E.c.boundary_id.in_(boundary_ids)))
    return {r.boundary_id: cast(Stored, r) for r in rows}


def _row(
    session: Session, subject: Subject, at: datetime | None, cached: Stored | None
) -> dict[str, Any]:
    """Evaluate a boundary at `at`; now (at None) reuses and refreshes the stored evaluation."""
    row = _fresh(cached, subject) if at is None else None
    if row is None:
        row = evaluate(session, subject, at or utcnow())
        _look_back(session, subject, row)
        if at is None:
            _store(session, subject, row)
    return row


def row_now(session: Session, subject: Subject, cached: Stored | None) -> dict[str, Any]:
    """Return a boundary's row now, unredacted: the caller applies the viewer's rules."""
    return _row(session, subject, None, cached)


def _look_back(session: Session, subject: Subject, row: dict[str, Any]) -> None:
    """Add the verdict's history over the boundary's life once the question has closed."""
    moment = parse_iso(row["at"])
    row["verdict_history"] = []
    if row["probability"] is not None and closed(subject, moment):
        forecasts = load_forecasts(session, subject.question)
        row["verdict_history"] = verdict_history(
            session, subject, forecasts, min(moment, closing(subject))
        )


def boundary_status(
    *, session: Session, viewer: User | None, boundary_id: int
) -> dict[str, Any] | None:
    """Return one committed boundary's report row now (None for a draft or one out of sight)."""
    viewer = require_role(viewer, Role.LEADER)
    found = subjects(session, viewer, [boundary_id])
    if not found:
        return None
    subject = found[0]
    row = _row(session, subject, None, stored(session, [boundary_id]).get(boundary_id))
    add_decision(row, subject)
    hidden = hidden_questions(session, [subject.question], viewer, utcnow())
    redact_row(row, hidden.get(subject.question.id or 0))
    row["signposts"] = signposts(session, subject, row, viewer)
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


def _fresh(row: Stored | None, subject: Subject) -> dict[str, Any] | None:
    """Return a cached row if its inputs are unchanged and it is recent enough."""
    if (
        row is None
        or row.version != subject.version.version
        or row.forecasts_version != subject.question.forecasts_version
        or utcnow() - row.evaluated_at > MAX_AGE
    ):
        return None
    return decoded(row.boundary_id, row.payload)


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

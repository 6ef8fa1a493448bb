"""Who may see a question's community prediction (anti-herding and blind boundaries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.clock import utcnow
from forecast.models import Boundary, BoundaryStatus, Forecast, Question, User
from forecast.services.permissions import is_organizer


def hidden_reason(
    session: Session, question: Question, viewer: User | None, now: datetime | None = None
) -> str | None:
    """Return why the viewer may not see the aggregate yet, or None when they may."""
    if _drafting_blind(session, question, viewer):
        return "hidden while you draft a blind decision boundary on this question; commit it first"
    if is_organizer(viewer):
        return None
    now = now or utcnow()
    reveal = question.aggregate_reveal_time
    if reveal is not None and now < reveal:
        return f"the community prediction is revealed on {reveal:%Y-%m-%d %H:%M} UTC"
    if question.hide_aggregate_until_forecast and not _has_forecast(session, question, viewer):
        return "make your own forecast first; then the community prediction appears"
    return None


def _has_forecast(session: Session, question: Question, viewer: User | None) -> bool:
    if viewer is None:
        return False
    query = sa_select(
        exists().where(col(Forecast.question_id) == question.id, col(Forecast.user_id) == viewer.id)
    )
    return bool(session.execute(query).scalar())


def _drafting_blind(session: Session, question: Question, viewer: User | None) -> bool:
    if viewer is None:
        return False
    query = sa_select(
        exists().where(
            col(Boundary.question_id) == question.id,
            col(Boundary.owner_id) == viewer.id,
            col(Boundary.blind).is_(True),
            col(Boundary.status) == BoundaryStatus.DRAFT.value,
        )
    )
    return bool(session.execute(query).scalar())


def hidden_among(
    session: Session,
    questions: Sequence[Question],
    viewer: User | None,
    now: datetime | None = None,
) -> set[int]:
    """Return the ids of the questions whose aggregate the viewer may not see yet.

    The rules of hidden_reason, applied to a whole list in at most two statements.
    """
    ids = [q.id for q in questions if q.id is not None]
    if not ids:
        return set()
    hidden: set[int] = set()
    if viewer is not None:
        hidden |= set(
            session.execute(
                sa_select(col(Boundary.question_id)).where(
                    col(Boundary.question_id).in_(ids),
                    col(Boundary.owner_id) == viewer.id,
                    col(Boundary.blind).is_(True),
                    col(Boundary.status) == BoundaryStatus.DRAFT.value,
                )
            ).scalars()
        )
    if is_organizer(viewer):
        return hidden
    now = now or utcnow()
    for q in questions:
        reveal = q.aggregate_reveal_time
        if q.id is not None and reveal is not None and now < reveal:
            hidden.add(q.id)
    until_forecast = [
        q.id for q in questions if q.id is not None and q.hide_aggregate_until_forecast
    ]
    if until_forecast:
        forecast_on: set[int] = set()
        if viewer is not None:
            forecast_on = set(
                session.execute(
                    sa_select(col(Forecast.question_id))
                    .where(
                        col(Forecast.question_id).in_(until_forecast),
                        col(Forecast.user_id) == viewer.id,
                    )
                    .distinct()
                ).scalars()
            )
        hidden |= set(until_forecast) - forecast_on
    return hidden

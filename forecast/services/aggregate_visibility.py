"""Who may see a question's community prediction (anti-herding and blind boundaries)."""

from __future__ import annotations

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

"""Overdue resolutions: questions past their resolve-by time, and reminders to organizers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import SCHEDULED_STATUSES, Question, Role
from forecast.services.notifications import notify, notify_role
from forecast.services.teams.items import team_organizer_ids

REMIND_EVERY = timedelta(days=7)


def overdue(*, session: Session, now: datetime | None = None) -> list[Question]:
    """Return unresolved questions past their resolve-by time, oldest first."""
    now = now or utcnow()
    return list(
        session.exec(
            select(Question)
            .where(
                col(Question.status).in_([s.value for s in SCHEDULED_STATUSES]),
                col(Question.resolve_time) < now,
            )
            .order_by(col(Question.resolve_time))
        )
    )


def remind(*, session: Session, now: datetime | None = None) -> int:
    """Notify organizers of each overdue question, at most once a week each; return how many.

    Each organizer (and admin) is told in the app and on the channels they chose for reminders.
    """
    now = now or utcnow()
    with write(session):
        due = list(
            session.exec(
                select(Question)
                .where(
                    col(Question.status).in_([s.value for s in SCHEDULED_STATUSES]),
                    col(Question.resolve_time) < now,
                    or_(
                        col(Question.resolution_reminded_at).is_(None),
                        col(Question.resolution_reminded_at) < now - REMIND_EVERY,
                    ),
                )
                .order_by(col(Question.resolve_time))
            )
        )
        for question in due:
            message = (
                f"Past its resolve-by date ({question.resolve_time:%Y-%m-%d}) and "
                f"unresolved: “{question.title}”"
            )
            link = f"/questions/{question.id}"
            if question.team_id is not None:
                # A team's question: only the team's organizers, who alone may resolve it.
                for user_id in team_organizer_ids(session, question.team_id):
                    notify(session, user_id, kind="resolution_overdue", message=message, link=link)
            else:
                notify_role(
                    session, Role.ORGANIZER, kind="resolution_overdue", message=message, link=link
                )
            question.resolution_reminded_at = now
            session.add(question)
    return len(due)

"""Overdue resolutions: questions past their resolve-by time, and reminders to organizers."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlmodel import Session, col, or_, select

from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import SCHEDULED_STATUSES, Question, Role, User
from forecast.services.notifications import notify_role

log = logging.getLogger(__name__)
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


def remind(
    *, session: Session, now: datetime | None = None, config: Mapping[str, Any] | None = None
) -> int:
    """Notify organizers of each overdue question, at most once a week each; return how many."""
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
            notify_role(
                session,
                Role.ORGANIZER,
                kind="resolution_overdue",
                message=f"Past its resolve-by date ({question.resolve_time:%Y-%m-%d}) and "
                f"unresolved: “{question.title}”",
                link=f"/questions/{question.id}",
            )
            question.resolution_reminded_at = now
            session.add(question)
    if due and config and config.get("SMTP_HOST"):
        _email(session, due, config)
    return len(due)


def _email(session: Session, due: list[Question], config: Mapping[str, Any]) -> None:
    emails = [
        u.email
        for u in session.exec(
            select(User).where(col(User.role).in_([Role.ORGANIZER.value, Role.ADMIN.value]))
        )
        if u.email
    ]
    if not emails:
        return
    message = EmailMessage()
    subject = "questions await" if len(due) != 1 else "question awaits"
    message["Subject"] = f"{len(due)} {subject} resolution"
    message["From"] = config.get("SMTP_FROM", "forecast@localhost")
    message["To"] = ", ".join(emails)
    message.set_content(
        "\n".join(f"- {q.title} (resolve by {q.resolve_time:%Y-%m-%d})" for q in due)
    )
    try:
        with smtplib.SMTP(
            config["SMTP_HOST"], int(config.get("SMTP_PORT", 25)), timeout=10
        ) as smtp:
            smtp.send_message(message)
    except OSError:
        log.warning("reminder email failed", exc_info=True)

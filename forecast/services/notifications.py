"""In-app notifications (the caller commits)."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.clock import utcnow
from forecast.db import begin_write
from forecast.models import Notification, Role, User


def notify(
    session: Session, user_id: int, *, kind: str, message: str, link: str | None = None
) -> None:
    """Queue a notification for one user."""
    session.add(Notification(user_id=user_id, kind=kind, message=message[:2000], link=link))


def notify_role(
    session: Session, role: Role, *, kind: str, message: str, link: str | None = None
) -> None:
    """Queue a notification for every user holding role (admins included)."""
    user_ids = session.exec(
        select(col(User.id)).where(col(User.role).in_([role.value, Role.ADMIN.value]))
    ).all()
    for user_id in user_ids:
        notify(session, user_id, kind=kind, message=message, link=link)  # type: ignore[arg-type]


def unread_count(*, session: Session, user: User) -> int:
    """Return how many notifications the user has not read."""
    return int(
        session.execute(
            sa_select(func.count())
            .select_from(Notification)
            .where(
                col(Notification.user_id) == user.id,
                col(Notification.read_at).is_(None),
            )
        ).scalar_one()
    )


def recent(*, session: Session, user: User, limit: int = 50) -> list[Notification]:
    """Return the user's latest notifications, newest first."""
    return list(
        session.exec(
            select(Notification)
            .where(col(Notification.user_id) == user.id)
            .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
            .limit(limit)
        )
    )


def mark_all_read(*, session: Session, user: User) -> None:
    """Mark every notification of the user as read."""
    begin_write(session)
    session.execute(
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()

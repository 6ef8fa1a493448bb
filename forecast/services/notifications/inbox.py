"""In-app notifications read by their owner: unread first, a page at a time, marked read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import CursorResult, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.errors import NotFound
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import Notification, User
from forecast.services.paging import Page, check_page, page_of

MAX_PER_PAGE = 1000


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


def list_notifications(
    *, session: Session, user: User, page: int = 1, per_page: int = 20, unread_first: bool = False
) -> Page[Notification]:
    """Return one page of the user's own notifications, newest first (unread ones before)."""
    check_page(page, per_page, MAX_PER_PAGE)
    order = [
        *([col(Notification.read_at).is_not(None)] if unread_first else []),
        col(Notification.created_at).desc(),
        col(Notification.id).desc(),
    ]
    mine = col(Notification.user_id) == user.id
    return page_of(session, Notification, mine, order, page, per_page)


def mark_read(*, session: Session, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those of ids, when given); count them."""
    conditions = [col(Notification.user_id) == user.id, col(Notification.read_at).is_(None)]
    if ids is not None:
        if not ids:
            return 0
        conditions.append(col(Notification.id).in_(list(ids)))
    with write(session):
        done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Notification).where(*conditions).values(read_at=utcnow())
        )
    return int(done.rowcount)


def mark_one_read(*, session: Session, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (another's is not found)."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound("no such notification")
    if note.read_at is None:
        with write(session):
            note.read_at = utcnow()
            session.add(note)
    return note

"""The delivery log a person reads: every attempt at sending them something, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.models import DeliveryAttempt, OutboxMessage, User
from forecast.services.paging import Page, check_page

MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class Delivery:
    """One attempt, with the message it was for."""

    at: datetime
    channel: str
    kind: str
    delivery_id: str
    ok: bool
    target: str
    detail: str
    attempt_status: str


def list_deliveries(
    *, session: Session, user: User, page: int = 1, per_page: int = 20
) -> Page[Delivery]:
    """Return one page of the user's own delivery attempts, newest first."""
    check_page(page, per_page, MAX_PER_PAGE)
    mine = col(DeliveryAttempt.user_id) == user.id
    total = session.execute(
        sa_select(func.count()).select_from(DeliveryAttempt).where(mine)
    ).scalar_one()
    rows = session.exec(
        select(DeliveryAttempt, OutboxMessage)
        .join(OutboxMessage, col(OutboxMessage.id) == col(DeliveryAttempt.outbox_id))
        .where(mine)
        .order_by(col(DeliveryAttempt.at).desc(), col(DeliveryAttempt.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    items = [
        Delivery(
            at=attempt.at,
            channel=message.channel,
            kind=message.kind,
            delivery_id=message.delivery_id,
            ok=attempt.ok,
            target=attempt.target,
            detail=attempt.detail,
            attempt_status=message.status,
        )
        for attempt, message in rows
    ]
    return Page(items=items, page=page, per_page=per_page, total=int(total))


def pending_count(*, session: Session, user: User) -> int:
    """Return how many of the user's messages wait to be sent (or retried)."""
    return int(
        session.execute(
            sa_select(func.count())
            .select_from(OutboxMessage)
            .where(
                col(OutboxMessage.user_id) == user.id,
                col(OutboxMessage.status) == "pending",
            )
        ).scalar_one()
    )

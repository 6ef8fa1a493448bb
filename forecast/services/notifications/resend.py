"""Sending a message again after the outbox gave up on it (its owner, an admin, or the CLI).

A dead message goes back to pending with a fresh round of attempts and the same delivery id:
if an earlier attempt did arrive after all (the receiver answered too late), the receiver drops
the repeat by its id, so asking again never makes a person see a message twice. Only dead
messages are sent again: a pending one is still being tried, a sent one arrived, and a
cancelled one had nowhere to go (the channel was removed or the address never confirmed) until
the person changes their settings, which queues nothing old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import OutboxMessage, Role, User
from forecast.services.accounts.permissions import require_user

MAX_DELIVERY_ID = 40  # the column's length: a longer id names no message

NOT_DEAD = {
    "pending": "this message is still being tried: it is sent again by itself",
    "sent": "this message was delivered: there is nothing to send again",
    "cancelled": (
        "this message had nowhere to go (its channel was removed or the address not "
        "confirmed): change your notification settings instead"
    ),
}


@dataclass(frozen=True)
class Resent:
    """The message queued again: whose, where to, and when it is next tried."""

    delivery_id: str
    user_id: int
    username: str
    channel: str
    kind: str
    status: str
    next_attempt_at: datetime


def resend(
    *,
    session: Session,
    actor: User | None,
    delivery_id: Any,
    system: bool = False,
    now: datetime | None = None,
) -> Resent:
    """Queue a dead message again: its owner or an admin may (system: the CLI, for anyone).

    Someone else's message answers as one that does not exist, so ids cannot be probed.
    """
    if not system:
        actor = require_user(actor)
    message = _find(session, delivery_id)
    if message is None or not (
        system or message.user_id == actor.id or actor.has_role(Role.ADMIN)  # type: ignore[union-attr]
    ):
        raise NotFound(f"no delivery {str(delivery_id)[:MAX_DELIVERY_ID]}", "delivery_id")
    if message.status != "dead":
        raise Conflict(NOT_DEAD.get(message.status, f"this message is {message.status}"))
    now = now or utcnow()
    with write(session):
        done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message.id, col(OutboxMessage.status) == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, finished_at=None)
            .execution_options(synchronize_session=False)
        )
    if done.rowcount != 1:  # someone else sent it again in between
        raise Conflict(NOT_DEAD["pending"])
    owner = session.get(User, message.user_id)
    return Resent(
        delivery_id=message.delivery_id,
        user_id=message.user_id,
        username=owner.username if owner else "",
        channel=message.channel,
        kind=message.kind,
        status="pending",
        next_attempt_at=now,
    )


def _find(session: Session, delivery_id: Any) -> OutboxMessage | None:
    if not isinstance(delivery_id, str) or len(delivery_id) > MAX_DELIVERY_ID:
        return None
    return session.exec(
        select(OutboxMessage).where(col(OutboxMessage.delivery_id) == delivery_id)
    ).first()


def dead_messages(
    *, session: Session, username: str | None = None
) -> list[tuple[OutboxMessage, str]]:
    """Return every dead message (of one person when username is given), oldest first, with
    its owner's name: what an operator looks through after a receiver was down for long."""
    query = (
        select(OutboxMessage, col(User.username))
        .join(User, col(User.id) == col(OutboxMessage.user_id))
        .where(col(OutboxMessage.status) == "dead")
        .order_by(col(OutboxMessage.finished_at), col(OutboxMessage.id))
    )
    if username is not None:
        query = query.where(col(User.username) == username)
    return [(message, str(name)) for message, name in session.exec(query).all()]

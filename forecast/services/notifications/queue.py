"""Telling a person of an event: the in-app row and one outbox row per channel they chose.

Both are added to the caller's session, so they are written in the same unit of work as the
event itself (or not at all); the outbox job sends them afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from forecast.infra.clock import format_iso, utcnow
from forecast.models import Notification, NotificationSettings, OutboxMessage, Role, User
from forecast.services.notifications.events import EMAIL, WEBHOOK, default_events, event_of

CONFIRMATION = "email_confirmation"


def notify(
    session: Session,
    user_id: int,
    *,
    kind: str,
    message: str,
    link: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Notification:
    """Queue a notification for one user: in the app, and on the channels they chose for it.

    kind names the event (boundary_crossed, question_resolved, reply, mention, comment,
    resolution, community_move, ...); message names its subject and link is that subject's
    path on this site. data, when given, goes into webhook bodies: only what the person may see.
    """
    note = Notification(user_id=user_id, kind=kind, message=message[:2000], link=link)
    session.add(note)
    event = event_of(kind)
    if event is not None:
        for channel in channels_for(session, user_id, event):
            _enqueue(session, user_id, channel, kind, message=message[:2000], link=link, data=data)
    return note


def notify_role(
    session: Session, role: Role, *, kind: str, message: str, link: str | None = None
) -> None:
    """Queue a notification for every user holding role (admins included)."""
    user_ids = session.exec(
        select(col(User.id)).where(col(User.role).in_([role.value, Role.ADMIN.value]))
    ).all()
    for user_id in user_ids:
        notify(session, user_id, kind=kind, message=message, link=link)  # type: ignore[arg-type]


def channels_for(session: Session, user_id: int, event: str) -> list[str]:
    """Return the channels that would carry event to the user now."""
    user = session.get(User, user_id)
    if user is None:
        return []
    settings = session.get(NotificationSettings, user_id)
    routes = json.loads(settings.events) if settings else default_events()
    wanted = routes.get(event, [])
    channels = []
    # Mail only to the address the person proved is theirs.
    if EMAIL in wanted and user.email and settings and settings.confirmed_email == user.email:
        channels.append(EMAIL)
    if WEBHOOK in wanted and user.webhook_url and user.webhook_secret:
        channels.append(WEBHOOK)
    return channels


def queue_confirmation(session: Session, user: User, email: str) -> None:
    """Queue the one mail an unconfirmed address gets: the link that confirms it."""
    assert user.id is not None
    _enqueue(session, user.id, EMAIL, CONFIRMATION, message="", link=None, data={"to": email})


def _enqueue(
    session: Session,
    user_id: int,
    channel: str,
    kind: str,
    *,
    message: str,
    link: str | None,
    data: Mapping[str, Any] | None,
) -> None:
    now = utcnow()
    payload = {
        "message": message,
        "link": link,
        "data": dict(data or {}),
        "created_at": format_iso(now),
    }
    session.add(
        OutboxMessage(
            user_id=user_id,
            channel=channel,
            kind=kind,
            delivery_id=f"msg_{uuid.uuid4().hex}",
            payload=json.dumps(payload, sort_keys=True, default=str),
            next_attempt_at=now,
            created_at=now,
        )
    )

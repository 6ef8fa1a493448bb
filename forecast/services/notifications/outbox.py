"""The outbox job: send what notify() queued, retry with backoff, log every attempt.

A message is claimed before it is sent (a compare-and-set on its attempt count that also pushes
its next attempt a lease ahead), so two runs never send it at once; a run that dies after
sending leaves it to be sent again under the same delivery id, which receivers deduplicate.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from forecast.infra import mail as smtp
from forecast.infra import webhooks
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import DeliveryAttempt, NotificationSettings, OutboxMessage, User
from forecast.services.notifications import messages
from forecast.services.notifications.events import EMAIL
from forecast.services.notifications.queue import CONFIRMATION

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
LEASE = timedelta(minutes=2)
BATCH = 100

MailSender = Callable[[smtp.MailSettings, str, str, str], str]
Poster = Callable[[str, bytes, dict[str, str]], int]
# Told of every attempt's channel and success: the job passes the metrics counter.
Observer = Callable[[str, bool], None]


def backoff(attempts: int) -> timedelta:
    """Return the wait after the attempts-th failed attempt: 30 s doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass
class DrainRun:
    """What one pass of the outbox job did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    cancelled: int = 0
    delivery_ids: list[str] = field(default_factory=list)


class _Skip(Exception):
    """The message no longer has anywhere to go (the channel was removed or unconfirmed)."""


def _send_mail(settings: smtp.MailSettings, to: str, subject: str, body: str) -> str:
    return smtp.send_mail(settings, to=to, subject=subject, body=body)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    return webhooks.post(url, body, headers)


def drain(
    *,
    session: Session,
    config: Mapping[str, Any],
    now: datetime | None = None,
    send_mail: MailSender = _send_mail,
    post: Poster = _post,
    observe: Observer | None = None,
) -> DrainRun:
    """Send every due message once; reschedule failures with backoff, give up after 12 tries."""
    now = now or utcnow()
    run = DrainRun()
    due = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(BATCH)
    ).all()
    session.commit()
    for message in due:
        if not _claim(session, message, now):
            continue
        target, ok, detail = "", False, ""
        try:
            target = _send(session, message, config, now, send_mail, post)
            ok = True
        except _Skip as skip:
            _finish(session, message, "cancelled", now, target="", detail=f"not sent: {skip}")
            run.cancelled += 1
            continue
        except (smtp.MailFailed, webhooks.WebhookFailed, webhooks.WebhookRefused) as error:
            target, detail = getattr(error, "target", target), str(error)[:300]
        if observe is not None:
            observe(message.channel, ok)
        if ok:
            _finish(session, message, "sent", now, target=target, detail="delivered")
            run.sent += 1
            run.delivery_ids.append(message.delivery_id)
        elif message.attempts >= MAX_ATTEMPTS:
            _finish(session, message, "dead", now, target=target, detail=detail)
            run.dead += 1
        else:
            _retry(session, message, now, target=target, detail=detail)
            run.failed += 1
    return run


def _claim(session: Session, message: OutboxMessage, now: datetime) -> bool:
    with write(session):
        done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message.id,
                col(OutboxMessage.status) == "pending",
                col(OutboxMessage.attempts) == message.attempts,
            )
            .values(attempts=message.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    if done.rowcount != 1:
        return False
    message.attempts += 1
    return True


def _send(
    session: Session,
    message: OutboxMessage,
    config: Mapping[str, Any],
    now: datetime,
    send_mail: MailSender,
    post: Poster,
) -> str:
    user = session.get(User, message.user_id)
    settings = session.get(NotificationSettings, message.user_id)
    session.commit()
    if user is None:
        raise _Skip("the account is gone")
    base_url = str(config.get("BASE_URL") or "http://127.0.0.1:5000")
    if message.channel == EMAIL:
        to = (
            json.loads(message.payload)["data"].get("to")
            if message.kind == CONFIRMATION
            else (settings.confirmed_email if settings else None)
        )
        if not to or to != user.email:
            raise _Skip("the address was changed or is not confirmed")
        mail_settings = smtp.mail_settings(config)
        if mail_settings is None:
            raise _failed(smtp.MailFailed("this site has no mail server configured"), to)
        rendered = messages.mail(message, base_url=base_url, secret_key=config["SECRET_KEY"])
        try:
            send_mail(mail_settings, to, rendered.subject, rendered.body)
        except smtp.MailFailed as error:
            raise _failed(error, to) from error
        return to
    url, secret = user.webhook_url, user.webhook_secret
    if not url or not secret:
        raise _Skip("the webhook was removed")
    shown = _shown(url)
    fmt = settings.webhook_format if settings else "standard"
    # Signed with the clock at sending (not the job's `now`), so receivers can refuse replays.
    sent_at = utcnow()
    body = messages.webhook_body(message, fmt=fmt, base_url=base_url, at=sent_at)
    try:
        webhooks.check_url(url, allow_private=bool(config.get("WEBHOOK_ALLOW_PRIVATE")))
        post(url, body, webhooks.signed_headers(secret, message.delivery_id, sent_at, body))
    except (webhooks.WebhookFailed, webhooks.WebhookRefused) as error:
        raise _failed(error, shown) from error
    return shown


def _failed(error: Exception, target: str) -> Exception:
    error.target = target  # type: ignore[attr-defined]
    return error


def _shown(url: str) -> str:
    """Return a webhook URL as the log shows it: without its query (often a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:500]


def _log(
    session: Session, message: OutboxMessage, now: datetime, ok: bool, target: str, detail: str
) -> None:
    assert message.id is not None
    session.add(
        DeliveryAttempt(
            outbox_id=message.id,
            user_id=message.user_id,
            at=now,
            ok=ok,
            target=target[:500],
            detail=detail[:300],
        )
    )


def _finish(
    session: Session,
    message: OutboxMessage,
    status: str,
    now: datetime,
    *,
    target: str,
    detail: str,
) -> None:
    with write(session):
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message.id)
            .values(status=status, finished_at=now)
        )
        _log(session, message, now, status == "sent", target, detail)
    if status == "dead":
        log.warning(
            "gave up on %s message %s after %d attempts",
            message.channel,
            message.id,
            message.attempts,
        )


def _retry(
    session: Session, message: OutboxMessage, now: datetime, *, target: str, detail: str
) -> None:
    with write(session):
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message.id)
            .values(next_attempt_at=now + backoff(message.attempts))
        )
        _log(session, message, now, False, target, detail)

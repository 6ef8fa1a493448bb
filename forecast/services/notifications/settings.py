"""A person's notification settings: a confirmed address, a webhook, which events go where."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, SignatureExpired
from sqlmodel import Session

from forecast.errors import NotFound, ValidationFailed
from forecast.infra import webhooks
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import NotificationSettings, User
from forecast.services.notifications.events import (
    CHANNELS,
    EVENT_KEYS,
    WEBHOOK_FORMATS,
    default_events,
)
from forecast.services.notifications.messages import CONFIRM_MAX_AGE, confirmation_serializer
from forecast.services.notifications.queue import queue_confirmation

# Deliberately loose (one @, a dot in the domain, no spaces): the confirmation link is the test.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
FIELDS = ("email", "webhook_url", "webhook_format", "events", "rotate_secret")


@dataclass
class SettingsView:
    """What the person sees of their settings (the secret only right after it is made)."""

    email: str | None
    email_confirmed: bool
    webhook_url: str | None
    webhook_format: str
    events: dict[str, list[str]]
    has_secret: bool
    webhook_secret: str | None = None
    confirmation_sent: bool = False
    changed: list[str] = field(default_factory=list)


def read_settings(*, session: Session, user: User) -> SettingsView:
    """Return the user's own settings."""
    stored = session.get(User, user.id)
    if stored is None:
        raise NotFound("no such user")
    row = session.get(NotificationSettings, user.id)
    return SettingsView(
        email=stored.email,
        email_confirmed=bool(stored.email and row and row.confirmed_email == stored.email),
        webhook_url=stored.webhook_url,
        webhook_format=row.webhook_format if row else "standard",
        events=_routes(row),
        has_secret=bool(stored.webhook_secret),
    )


def _routes(row: NotificationSettings | None) -> dict[str, list[str]]:
    routes = default_events() if row is None else json.loads(row.events)
    return {key: [c for c in CHANNELS if c in routes.get(key, [])] for key in EVENT_KEYS}


def update_settings(
    *,
    session: Session,
    user: User,
    data: Mapping[str, Any],
    allow_private: bool = False,
    email_confirmed: bool = False,
) -> SettingsView:
    """Change the settings in data: a new address is sent a confirmation, a new webhook a secret.

    email_confirmed says the address in data is already known to be the person's: it counts as
    confirmed at once and no link is sent. Only `forecast users set-email --confirmed` passes
    it, for an operator with shell access who checked the address another way (they could
    write the row directly anyway); the settings page and the API never do, so an address
    typed into a form gets no mail but the link until its owner follows it.
    """
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationFailed(f"unknown setting {unknown[0]}", unknown[0])
    email = _email(data["email"]) if "email" in data else None
    url = _url(data["webhook_url"], allow_private) if "webhook_url" in data else None
    fmt = data.get("webhook_format")
    if fmt is not None and fmt not in WEBHOOK_FORMATS:
        raise ValidationFailed(
            f"webhook format must be one of {', '.join(WEBHOOK_FORMATS)}", "webhook_format"
        )
    events = _events(data["events"]) if data.get("events") is not None else None
    secret: str | None = None
    confirm = False
    with write(session):
        stored = session.get(User, user.id)
        if stored is None:
            raise NotFound("no such user")
        row = _row(session, stored)
        if "email" in data and email_confirmed and email:
            stored.email = row.confirmed_email = email
        elif "email" in data and email != stored.email:
            stored.email = email
            confirm = bool(email and email != row.confirmed_email)
            if confirm:
                queue_confirmation(session, stored, email or "")
        if "webhook_url" in data and url != stored.webhook_url:
            stored.webhook_url = url
            # A new receiver gets a new secret; a removed one keeps none.
            stored.webhook_secret = webhooks.new_secret() if url else None
            secret = stored.webhook_secret
        if data.get("rotate_secret") and stored.webhook_url:
            stored.webhook_secret = secret = webhooks.new_secret()
        if fmt is not None:
            row.webhook_format = fmt
        if events is not None:
            row.events = json.dumps(events)
        row.updated_at = utcnow()
        session.add(stored)
        session.add(row)
    view = read_settings(session=session, user=user)
    view.webhook_secret = secret
    view.confirmation_sent = confirm
    return view


def _row(session: Session, user: User) -> NotificationSettings:
    assert user.id is not None
    row = session.get(NotificationSettings, user.id)
    return row or NotificationSettings(user_id=user.id, events=json.dumps(default_events()))


def _email(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationFailed("e-mail address must be text", "email")
    value = value.strip()
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValidationFailed(f"“{value[:80]}” is not an e-mail address", "email")
    return value


def _url(value: Any, allow_private: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationFailed("webhook URL must be text", "webhook_url")
    if len(value.strip()) > 500:
        raise ValidationFailed("webhook URL is longer than 500 characters", "webhook_url")
    try:
        return webhooks.check_url(value, allow_private=allow_private)
    except webhooks.WebhookRefused as error:
        raise ValidationFailed(f"webhook URL {error}", "webhook_url") from error


def _events(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, Mapping):
        raise ValidationFailed("events must map each event to a list of channels", "events")
    routes = default_events()
    for key, channels in value.items():
        if key not in EVENT_KEYS:
            raise ValidationFailed(
                f"unknown event {str(key)[:40]} (one of {', '.join(EVENT_KEYS)})", "events"
            )
        if not isinstance(channels, list) or any(c not in CHANNELS for c in channels):
            raise ValidationFailed(
                f"channels of {key} must be a list of {', '.join(CHANNELS)}", "events"
            )
        routes[key] = [c for c in CHANNELS if c in channels]
    return routes


def confirm_email(*, session: Session, secret_key: str, token: str) -> str:
    """Confirm the address a link was sent to; return it (refused if expired or since changed)."""
    try:
        claim = confirmation_serializer(secret_key).loads(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired as error:
        raise ValidationFailed(
            "this confirmation link has expired: save the address again for a new one", "token"
        ) from error
    except BadSignature as error:
        raise ValidationFailed("this confirmation link is not valid", "token") from error
    with write(session):
        user = session.get(User, claim.get("user"))
        if user is None or user.email != claim.get("email"):
            raise ValidationFailed(
                "this link is for an address that is no longer the one in your settings", "token"
            )
        row = _row(session, user)
        row.confirmed_email = user.email
        row.updated_at = utcnow()
        session.add(row)
    return str(claim["email"])

"""What an outbox message says on each channel: a plain-text mail, or a webhook body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import URLSafeTimedSerializer

from forecast.infra.clock import format_iso
from forecast.models import OutboxMessage
from forecast.services.notifications.events import event_of
from forecast.services.notifications.queue import CONFIRMATION

CONFIRM_SALT = "notification-email-confirmation"
CONFIRM_MAX_AGE = 3 * 24 * 3600
SETTINGS_PATH = "/settings/notifications"


@dataclass(frozen=True)
class Mail:
    """One plain-text mail."""

    subject: str
    body: str


def confirmation_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """Return the signer of e-mail confirmation links."""
    return URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT)


def absolute(base_url: str, path: str | None) -> str:
    """Return path on this site as a full URL (the site's front page without a path)."""
    return base_url.rstrip("/") + (path or "/")


def mail(message: OutboxMessage, *, base_url: str, secret_key: str) -> Mail:
    """Render an outbox message as a mail: its subject, text and a link back."""
    payload = json.loads(message.payload)
    settings = absolute(base_url, SETTINGS_PATH)
    if message.kind == CONFIRMATION:
        token = confirmation_serializer(secret_key).dumps(
            {"user": message.user_id, "email": payload["data"]["to"]}
        )
        link = absolute(base_url, f"{SETTINGS_PATH}/confirm/{token}")
        return Mail(
            subject="Confirm your e-mail address for notifications",
            body=(
                "Someone (we hope you) asked for forecast notifications at this address.\n\n"
                f"Confirm it within three days: {link}\n\n"
                "Until it is confirmed, no other mail is sent here. If it was not you, "
                "ignore this message.\n"
            ),
        )
    text = payload["message"]
    subject = text if len(text) <= 120 else text[:117] + "..."
    return Mail(
        subject=subject,
        body=(
            f"{text}\n\n"
            f"Open it: {absolute(base_url, payload['link'])}\n\n"
            f"--\nChoose what reaches you, and where: {settings}\n"
        ),
    )


def webhook_body(message: OutboxMessage, *, fmt: str, base_url: str, at: datetime) -> bytes:
    """Render an outbox message as the JSON body of a webhook in the person's format."""
    payload = json.loads(message.payload)
    link = absolute(base_url, payload["link"])
    body: dict[str, Any]
    if fmt == "slack":
        body = {"text": f"{payload['message']} <{link}|Open>"}
    elif fmt == "discord":
        body = {"content": f"{payload['message']}\n{link}"}
    else:
        body = {
            "type": message.kind,
            "timestamp": format_iso(at),
            "data": {
                "event": event_of(message.kind),
                "message": payload["message"],
                "url": link,
                "created_at": payload["created_at"],
                **payload["data"],
            },
        }
    return json.dumps(body, sort_keys=True, default=str).encode()

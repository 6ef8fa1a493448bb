"""Sending one e-mail: the one place that speaks SMTP (STARTTLS and login from the settings)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any


class MailFailed(Exception):
    """The server could not be reached or refused the message."""


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes out and how to log in there."""

    host: str
    port: int = 25
    sender: str = "forecast@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    # A CA bundle to check the server's certificate against instead of the system's (a relay
    # with an internal or self-signed certificate). The certificate is always checked.
    ca_file: str | None = None


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """Return the SMTP settings of config (FORECAST_SMTP_*), or None when mail is off."""
    host = config.get("SMTP_HOST")
    if not host:
        return None
    user = config.get("SMTP_USER") or None
    # A login is only sent over an encrypted connection unless STARTTLS is turned off on purpose.
    starttls = config.get("SMTP_STARTTLS")
    return MailSettings(
        host=str(host),
        port=int(config.get("SMTP_PORT") or 25),
        sender=str(config.get("SMTP_FROM") or "forecast@localhost"),
        user=user,
        password=config.get("SMTP_PASSWORD") or None,
        starttls=bool(user) if starttls is None else _flag(starttls),
        ca_file=config.get("SMTP_CA_FILE") or None,
    )


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def send_mail(settings: MailSettings, *, to: str, subject: str, body: str) -> str:
    """Send one plain-text message to one recipient; return its Message-ID."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = to
    message_id = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Message-ID"] = message_id
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=settings.ca_file))
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(f"{type(error).__name__}: {error}"[:300]) from error
    return message_id

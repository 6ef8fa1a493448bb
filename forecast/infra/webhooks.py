"""Sending one webhook: the address check (no private networks), Standard Webhooks signing, POST."""

from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

TIMEOUT = 5.0


class WebhookRefused(ValueError):
    """The URL is not one the app will send to."""


class WebhookFailed(Exception):
    """The receiver could not be reached or did not answer 2xx."""


def new_secret() -> str:
    """Return a fresh signing secret in the Standard Webhooks form (whsec_ and base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def signed_headers(secret: str, delivery_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """Return the webhook-id, webhook-timestamp and webhook-signature headers of body."""
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, at, body),
    }


def check_url(url: str, *, allow_private: bool = False) -> str:
    """Return url if it is http(s) to a public address; else raise WebhookRefused saying why."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused("must be an http:// or https:// address")
    if parts.username or parts.password:
        raise WebhookRefused("must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise WebhookRefused(f"its host {parts.hostname} cannot be found") from error
    if not allow_private:
        for *_, address in found:
            ip = ipaddress.ip_address(str(address[0]).split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise WebhookRefused(
                    f"its host {parts.hostname} is a private or local address ({ip})"
                )
    return url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an address the check refused: a 3xx counts as a failure.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT) -> int:
    """POST a JSON body; return the status, or raise WebhookFailed unless it is 2xx."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "forecast-webhooks", **headers},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        raise WebhookFailed(f"HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise WebhookFailed(f"{type(error).__name__}: {reason}"[:300]) from error
    if not 200 <= status < 300:
        raise WebhookFailed(f"HTTP {status}")
    return status

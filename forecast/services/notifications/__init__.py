"""Notifications: the in-app list, the channels a person chose, and the outbox that delivers.

Every service that tells someone of an event calls notify() (or notify_role()) inside its own
unit of work; the outbox job (outbox.drain) sends what was queued for email and webhooks.
"""

from forecast.services.notifications.inbox import (
    MAX_PER_PAGE,
    list_notifications,
    mark_one_read,
    mark_read,
    unread_count,
)
from forecast.services.notifications.queue import notify, notify_role

__all__ = [
    "MAX_PER_PAGE",
    "list_notifications",
    "mark_one_read",
    "mark_read",
    "notify",
    "notify_role",
    "unread_count",
]

"""Where a person's notifications go beyond the app: settings, the outbox and its log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class NotificationSettings(SQLModel, table=True):
    """One person's delivery choices; the address, URL and secret stay on the user row."""

    __tablename__ = "notification_settings"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), primary_key=True, autoincrement=False)
    )
    # The address proven by its confirmation link: mail goes out only while it equals
    # users.email, so changing the address stops mail until the new one is confirmed.
    confirmed_email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True))
    webhook_format: str = Field(
        default="standard",
        sa_column=Column(String(20), nullable=False, server_default="standard"),
    )
    # JSON: {event: [channel, ...]} for the events and channels of services/notifications/events.
    events: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class OutboxMessage(SQLModel, table=True):
    """One message for one channel of one person, written with the event, sent by a job."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    channel: str = Field(sa_column=Column(String(20), nullable=False))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    # The webhook-id of every attempt: receivers drop a repeat they have already seen.
    delivery_id: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    # JSON: message, link and the event's data, rendered per channel when sent.
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(
        default="pending", sa_column=Column(String(20), nullable=False, server_default="pending")
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class DeliveryAttempt(SQLModel, table=True):
    """One try at sending an outbox message, kept for its owner to read."""

    __tablename__ = "notification_deliveries"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="notification_outbox.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    ok: bool = Field(sa_column=Column(Boolean, nullable=False))
    # Where it went: the address, or the webhook URL without its query string.
    target: str = Field(sa_column=Column(String(500), nullable=False))
    detail: str = Field(default="", sa_column=Column(String(300), nullable=False))

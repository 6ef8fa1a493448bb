"""People, their roles, API tokens and in-app notifications."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Integer, String, Text
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class Role(StrEnum):
    """What a user may do; every role can forecast."""

    FORECASTER = "forecaster"
    ORGANIZER = "organizer"
    LEADER = "leader"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """An account: forecasters, organizers, leaders and admins."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(40), unique=True, nullable=False, index=True))
    password_hash: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    role: str = Field(default=Role.FORECASTER.value, sa_column=Column(String(20), nullable=False))
    is_demo: bool = Field(default=False)
    email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True))
    # Where threshold alerts are POSTed, signed with HMAC-SHA256 using webhook_secret.
    webhook_url: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    webhook_secret: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # Part of every web login's id (session and remember cookies): raising it ends them all.
    session_generation: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user holds one of roles (admins hold every role)."""
        return self.role == Role.ADMIN.value or self.role in {r.value for r in roles}


_LOGIN_ID = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")


def split_login_id(login_id: str) -> tuple[int, int] | None:
    """Return the user id and session generation of a login id (None when malformed)."""
    match = _LOGIN_ID.fullmatch(login_id) if isinstance(login_id, str) else None
    if match is None:
        return None
    user_id, generation = int(match.group(1)), int(match.group(2))
    return (user_id, generation) if user_id < 2**31 else None


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False, index=True))
    label: str = Field(default="", sa_column=Column(String(100), nullable=False))
    # The secret's last four characters, shown so its owner can tell tokens apart.
    hint: str = Field(default="", sa_column=Column(String(8), nullable=False, server_default=""))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class Notification(SQLModel, table=True):
    """A message for one user, shown in the app until read."""

    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    message: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

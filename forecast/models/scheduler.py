"""The scheduler's lease on SQLite (PostgreSQL uses an advisory lock instead)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from forecast.models.types import UTCDateTime


class SchedulerLease(SQLModel, table=True):
    """Which scheduler process may run jobs, until when."""

    __tablename__ = "scheduler_leases"

    name: str = Field(sa_column=Column(String(40), primary_key=True))
    holder: str = Field(sa_column=Column(String(200), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

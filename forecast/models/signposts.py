"""Signposts a leader names on a boundary: conditional pairs whose answer would move it.

A row names one pair (its condition and outcome questions) and stays as the record of who named
it and when; removing a signpost sets `removed_at` instead of deleting the row, so the boundary
keeps its history of signposts. Naming is not part of a boundary's committed content (its
hash): it may change at any time after the commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class BoundarySignpost(SQLModel, table=True):
    """One conditional pair named as a signpost of a boundary, from `named_at` to `removed_at`."""

    __tablename__ = "boundary_signposts"
    __table_args__ = (
        # A pair is named at most once at a time on a boundary, enforced by the database.
        Index(
            "uq_boundary_signposts_named",
            "boundary_id",
            "condition_id",
            "outcome_id",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    boundary_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("boundaries.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    condition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    outcome_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    named_by: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    named_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    removed_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

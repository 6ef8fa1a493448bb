"""Calibration training: sets of items with known answers, sessions and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class CalibrationSet(SQLModel, table=True):
    """A named set of training items (seeded or uploaded by an organizer)."""

    __tablename__ = "calibration_sets"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), unique=True, nullable=False, index=True))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class CalibrationItem(SQLModel, table=True):
    """A statement to judge (binary) or a quantity to bracket with a 90% interval."""

    __tablename__ = "calibration_items"
    __table_args__ = (UniqueConstraint("set_id", "position", name="uq_calibration_items_position"),)

    id: int | None = Field(default=None, primary_key=True)
    set_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("calibration_sets.id", ondelete="CASCADE"), nullable=False
        )
    )
    position: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    prompt: str = Field(sa_column=Column(Text, nullable=False))
    unit: str | None = Field(default=None, sa_column=Column(String(60), nullable=True))
    answer_bool: bool | None = Field(default=None, nullable=True)
    answer_value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    source: str = Field(default="", sa_column=Column(Text, nullable=False))


class CalibrationSession(SQLModel, table=True):
    """One sitting of a user on a set; answers belong to it."""

    __tablename__ = "calibration_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    set_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("calibration_sets.id", ondelete="CASCADE"), nullable=False
        )
    )
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class CalibrationAnswer(SQLModel, table=True):
    """A user's answer to an item, with its grading; one per user and item."""

    __tablename__ = "calibration_answers"
    __table_args__ = (UniqueConstraint("item_id", "user_id", name="uq_calibration_answers_once"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("calibration_items.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    session_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("calibration_sessions.id", ondelete="SET NULL"), nullable=True
        ),
    )
    answered_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    answer_bool: bool | None = Field(default=None, nullable=True)
    confidence: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    lower: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    upper: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    correct: bool = Field(nullable=False)
    score: float = Field(sa_column=Column(Float, nullable=False))

"""Forecasts: append-only rows, one standing row per user and question."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import Column, Float, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from forecast.models.types import FloatArray, UTCDateTime


class Forecast(SQLModel, table=True):
    """A probability (binary) or a 201-point CDF (continuous), active from start to end."""

    __tablename__ = "forecasts"
    __table_args__ = (
        UniqueConstraint("question_id", "user_id", "start_time", name="uq_forecasts_start"),
        # At most one standing forecast per user and question, enforced by the database.
        Index(
            "uq_forecasts_standing",
            "question_id",
            "user_id",
            unique=True,
            sqlite_where=text("end_time IS NULL"),
            postgresql_where=text("end_time IS NULL"),
        ),
        Index("ix_forecasts_user", "user_id", "question_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    start_time: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    end_time: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    probability: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    cdf: np.ndarray | None = Field(default=None, sa_column=Column(FloatArray, nullable=True))
    rationale: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The percentiles as the forecaster typed them, JSON [[level, value], ...] (dates as ISO):
    # shown back as typed. The CDF is the forecast; rows from before 0010 hold none.
    quantiles: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    model_config = {"arbitrary_types_allowed": True}

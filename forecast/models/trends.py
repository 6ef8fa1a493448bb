"""Trend series: a dated data series attached to a numeric or date question, and its fit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class TrendSeries(SQLModel, table=True):
    """One question's series ("this line continues"): its points, the fit and its window.

    `points` is JSON, `[{"date": ISO, "value": x, "source": text|null}, ...]` in date order;
    `level` (date questions) is the value whose reaching the question asks about.
    """

    __tablename__ = "trend_series"
    __table_args__ = (
        CheckConstraint("fit IN ('linear', 'log_linear')", name="ck_trend_series_fit"),
    )

    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    )
    fit: str = Field(sa_column=Column(String(12), nullable=False))
    window_years: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    level: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    points: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

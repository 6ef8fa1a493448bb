"""Pastcasts: a person's answer to a resolved question shown as of a past vantage date."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class PastcastAnswer(SQLModel, table=True):
    """One person's graded pastcast of one question; one per person and question.

    It keeps the vantage instant and what the community said then, so the reveal shows what
    the person was shown even if the aggregation method or its cache changes later.
    """

    __tablename__ = "pastcast_answers"
    __table_args__ = (UniqueConstraint("user_id", "question_id", name="uq_pastcast_answers_once"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    question_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # binary or interval
    vantage_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    answered_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # Binary: the probability of yes as given, and the same answer as a training item reads it
    # (yes/no with the confidence that it is right).
    probability: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    answer_bool: bool | None = Field(default=None, nullable=True)
    confidence: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    # Interval (numeric and date questions): the 90% interval given, on the question's axis.
    lower: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    upper: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    correct: bool = Field(nullable=False)  # binary: the right side; interval: a hit
    # Binary: Brier; interval: the interval score in the question's unit (dates: days).
    score: float = Field(sa_column=Column(Float, nullable=False))  # lower is better
    log_score: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    # The community prediction (default method) and forecasters standing at the vantage instant:
    # binary, its probability of yes; interval, its median with its 5th and 95th percentiles.
    community_then: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    community_lower: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    community_upper: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    forecasters_then: int = Field(default=0, sa_column=Column(Integer, nullable=False))

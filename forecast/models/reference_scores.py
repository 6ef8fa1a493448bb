"""Scores of a reference line (the trend) on a resolved question, kept apart from people's.

A reference forecast is nobody's: it takes no rank and no prize, so it has no user and no place
in `scores` (whose rows every leaderboard, track record and reputation sums). One row per
question and reference method: its Baseline, its Peer against the community prediction, its
coverage of the scoring window, and the community's own Baseline beside it ("did the crowd beat
the line?").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class ReferenceScore(SQLModel, table=True):
    """A reference line's scores on one resolved question."""

    __tablename__ = "reference_scores"

    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    )
    method: str = Field(sa_column=Column(String(30), primary_key=True))
    baseline: float = Field(sa_column=Column(Float, nullable=False))
    peer: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    coverage: float = Field(sa_column=Column(Float, nullable=False))
    crowd_baseline: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    computed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

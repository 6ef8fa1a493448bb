"""Derived data: per-(question, user) scores, cached aggregate histories and their versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class Score(SQLModel, table=True):
    """One user's scores on one resolved question (rebuilt by the resolver)."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_scores_question_user"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    baseline: float = Field(sa_column=Column(Float, nullable=False))
    peer: float = Field(sa_column=Column(Float, nullable=False))
    coverage: float = Field(sa_column=Column(Float, nullable=False))
    brier: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    log: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    computed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class AggregateCache(SQLModel, table=True):
    """A question's aggregate history for one method, valid while forecasts_version matches."""

    __tablename__ = "aggregate_cache"
    __table_args__ = (
        UniqueConstraint("question_id", "method", name="uq_aggregate_cache_question_method"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    method: str = Field(sa_column=Column(String(30), nullable=False))
    forecasts_version: int = Field(sa_column=Column(Integer, nullable=False))
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    computed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class DataVersion(SQLModel, table=True):
    """A counter moved in the same transaction as every write to one kind of derived data.

    `scores` moves with every write to the scores table, so an aggregate built on the scores
    (track-record reputations) can tell that it is out of date.
    """

    __tablename__ = "data_versions"

    name: str = Field(sa_column=Column(String(40), primary_key=True))
    version: int = Field(sa_column=Column(BigInteger, nullable=False, server_default="0"))

"""Decision boundaries: versioned, committed before looking, evaluated against aggregates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class BoundaryStatus(StrEnum):
    """A boundary is drafted, then committed; a committed one never changes."""

    DRAFT = "draft"
    COMMITTED = "committed"


class Boundary(SQLModel, table=True):
    """A leader's decision rule on one question; its content lives in versions."""

    __tablename__ = "boundaries"

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, sa_column=Column(String(100), unique=True, nullable=True))
    owner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    question_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    ladder: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    status: str = Field(
        default=BoundaryStatus.DRAFT.value, sa_column=Column(String(12), nullable=False)
    )
    shared: bool = Field(default=False)
    # Shared with the leaders of this team (beside `shared`, which is every leader).
    shared_team_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("teams.id"), nullable=True)
    )
    # Blind mode: the owner does not see the question's aggregate until the boundary is committed.
    blind: bool = Field(default=False)
    current_version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    # Width of the band, in probability, that the aggregate must clear to change state again.
    hysteresis: float = Field(
        default=0.0, sa_column=Column(Float, nullable=False, server_default="0")
    )
    # The state changes only while at least this many forecasters stand on the question.
    min_forecasters: int = Field(
        default=1, sa_column=Column(Integer, nullable=False, server_default="1")
    )
    # Last state the alert job recorded ("crossed" / "not_crossed"), for exactly-once alerts.
    last_state: str | None = Field(default=None, sa_column=Column(String(12), nullable=True))
    last_probability: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    last_evaluated_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class BoundaryVersion(SQLModel, table=True):
    """One version of a boundary's content; immutable once committed."""

    __tablename__ = "boundary_versions"
    __table_args__ = (UniqueConstraint("boundary_id", "version", name="uq_boundary_versions"),)

    id: int | None = Field(default=None, primary_key=True)
    boundary_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("boundaries.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    action: str = Field(sa_column=Column(Text, nullable=False))
    event: str = Field(
        sa_column=Column(Text, nullable=False)
    )  # JSON, e.g. {"kind": "within", "years": 10}
    comparator: str = Field(sa_column=Column(String(2), nullable=False))
    threshold: float = Field(sa_column=Column(Float, nullable=False))
    method: str = Field(sa_column=Column(String(30), nullable=False))
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    content_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    committed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class BoundaryEvent(SQLModel, table=True):
    """A change of a committed boundary's state, recorded once by the alert job."""

    __tablename__ = "boundary_events"
    __table_args__ = (
        UniqueConstraint("boundary_id", "at", "state", name="uq_boundary_events_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    boundary_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("boundaries.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    state: str = Field(sa_column=Column(String(12), nullable=False))
    probability: float = Field(sa_column=Column(Float, nullable=False))
    threshold: float = Field(sa_column=Column(Float, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class BoundaryEvaluation(SQLModel, table=True):
    """The latest evaluation of a boundary, reused while its inputs are unchanged and recent."""

    __tablename__ = "boundary_evaluations"

    boundary_id: int = Field(
        sa_column=Column(Integer, ForeignKey("boundaries.id", ondelete="CASCADE"), primary_key=True)
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    forecasts_version: int = Field(sa_column=Column(Integer, nullable=False))
    evaluated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON report row

"""Tournaments, questions and the audit trail of what happened to each question."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Text, false
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class QuestionType(StrEnum):
    """The kinds of question (how each behaves: forecast.services.kinds)."""

    BINARY = "binary"
    NUMERIC = "numeric"
    DATE = "date"
    MULTIPLE_CHOICE = "multiple_choice"


class QuestionStatus(StrEnum):
    """Where a question is in its life."""

    DRAFT = "draft"
    PENDING = "pending"
    RETURNED = "returned"
    REJECTED = "rejected"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    RESOLVED = "resolved"
    ANNULLED = "annulled"


# Statuses in which a question is scheduled and its open/close times decide what it is now.
SCHEDULED_STATUSES = (QuestionStatus.UPCOMING, QuestionStatus.OPEN, QuestionStatus.CLOSED)
REVIEW_STATUSES = (QuestionStatus.PENDING, QuestionStatus.RETURNED)
# Statuses in which only the proposer and organizers see a question.
HIDDEN_STATUSES = (*REVIEW_STATUSES, QuestionStatus.DRAFT, QuestionStatus.REJECTED)


class Tournament(SQLModel, table=True):
    """A set of questions scored together."""

    __tablename__ = "tournaments"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), unique=True, nullable=False, index=True))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    prize_pool: float = Field(
        default=0.0, sa_column=Column(Float, nullable=False, server_default="0")
    )
    # A team's private tournament: only the team's members see it (services/teams/visibility).
    team_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("teams.id"), nullable=True, index=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Question(SQLModel, table=True):
    """A question with its resolution criteria, schedule, range and resolution."""

    __tablename__ = "questions"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(100), unique=True, nullable=False, index=True))
    tournament_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("tournaments.id"), nullable=True, index=True),
    )
    type: str = Field(sa_column=Column(String(20), nullable=False))
    status: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    resolution_criteria: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    open_time: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    close_time: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    resolve_time: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # Continuous questions: bounds on the question's own axis (dates as Unix seconds).
    range_min: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    range_max: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    open_lower: bool = Field(default=False)
    open_upper: bool = Field(default=False)
    zero_point: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    # Multiple-choice questions: the option labels in order, as a JSON list.
    options: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Resolution: outcome is yes/no/annulled/ambiguous/below_lower_bound/above_upper_bound/value,
    # or option (multiple choice: resolution_value is the option's index).
    resolution_outcome: str | None = Field(
        default=None, sa_column=Column(String(20), nullable=True)
    )
    resolution_value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # Anti-herding: hide the community prediction until the viewer forecasts / until a time.
    hide_aggregate_until_forecast: bool = Field(default=False)
    aggregate_reveal_time: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    # Leaders see the hidden community prediction too (said on the question's page).
    aggregate_open_to_leaders: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    proposer_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    review_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # A team's private question: only the team's members see it (services/teams/visibility).
    team_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("teams.id"), nullable=True, index=True)
    )
    # Scoring weight in tournament leaderboards.
    weight: float = Field(default=1.0, sa_column=Column(Float, nullable=False, server_default="1"))
    # Bumped by every forecast write; aggregate caches compare against it.
    forecasts_version: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    # When organizers were last reminded that the question is past its resolve-by time.
    resolution_reminded_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

    @property
    def is_continuous(self) -> bool:
        return self.type in (QuestionType.NUMERIC.value, QuestionType.DATE.value)

    @property
    def option_labels(self) -> list[str]:
        """Return a multiple-choice question's option labels in order ([] for other kinds)."""
        return option_list(self.options)


def option_list(stored: str | None) -> list[str]:
    """Return the option labels kept as a JSON list ([] when there are none)."""
    if not stored:
        return []
    labels = json.loads(stored)
    return [str(label) for label in labels]


class QuestionEvent(SQLModel, table=True):
    """One entry of a question's audit trail: proposals, reviews, edits, resolutions."""

    __tablename__ = "question_events"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    action: str = Field(sa_column=Column(String(30), nullable=False))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

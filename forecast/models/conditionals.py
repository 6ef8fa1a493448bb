"""Conditional questions: a question asked on one branch of a binary condition question."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class Branch(StrEnum):
    """The branch of the condition a conditional question is asked on."""

    YES = "yes"
    NO = "no"


class Conditional(SQLModel, table=True):
    """Links a conditional question to its condition (binary) and outcome, for one branch.

    The conditional question itself is an ordinary `questions` row of the outcome's type, range
    and window; its resolution is never set by hand but follows from the two linked questions.
    """

    __tablename__ = "conditionals"
    __table_args__ = (
        UniqueConstraint("condition_id", "outcome_id", "branch", name="uq_conditionals_pair"),
        CheckConstraint("branch IN ('yes', 'no')", name="ck_conditionals_branch"),
        CheckConstraint("condition_id <> outcome_id", name="ck_conditionals_distinct"),
    )

    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    )
    condition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id"), nullable=False, index=True)
    )
    outcome_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id"), nullable=False, index=True)
    )
    branch: str = Field(sa_column=Column(String(3), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

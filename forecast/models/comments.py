"""Discussion: comments on questions, their moderation log, and who follows which question."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class CommentKind(StrEnum):
    """Where a comment came from: written as one, or a forecast's rationale made public."""

    COMMENT = "comment"
    RATIONALE = "rationale"


class Comment(SQLModel, table=True):
    """A Markdown comment on a question, or a reply to one (one level deep).

    The body is kept as typed and rendered (then sanitised) when read. Deleting keeps the row as
    a tombstone (deleted_at, body emptied) so the replies keep their place in the thread.
    """

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_question", "question_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    author_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("comments.id"), nullable=True, index=True),
    )
    kind: str = Field(
        default=CommentKind.COMMENT.value,
        sa_column=Column(String(12), nullable=False, server_default="comment"),
    )
    body: str = Field(sa_column=Column(Text, nullable=False))
    # The author's forecast standing when the comment was written (forecasts are append-only,
    # so the row keeps that moment's value).
    forecast_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("forecasts.id"), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    edited_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    hidden_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    hidden_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class CommentModeration(SQLModel, table=True):
    """One moderation act on a comment (hide, unhide), with who did it and why."""

    __tablename__ = "comment_moderation"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    actor_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    action: str = Field(sa_column=Column(String(20), nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class QuestionFollow(SQLModel, table=True):
    """A user following a question: new comments, its resolution, large community moves.

    move_threshold is the move of the community prediction (in probability, or in fraction of
    the range for continuous questions) worth a notification; baseline is the value last told
    (None until the follower may see it), seen_version the question's forecasts_version last
    checked, so the job only looks at questions that took forecasts since.
    """

    __tablename__ = "question_follows"
    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_question_follows"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    move_threshold: float = Field(
        default=0.1, sa_column=Column(Float, nullable=False, server_default="0.1")
    )
    baseline: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    seen_version: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

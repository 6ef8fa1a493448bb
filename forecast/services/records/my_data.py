"""A user's own data for download: every forecast, every score and every comment."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.infra.clock import format_iso
from forecast.models import Comment, Forecast, Question, User
from forecast.services.records.score_views import all_scores


def my_forecasts(*, session: Session, user: User) -> list[dict[str, Any]]:
    """Return every forecast of the user, by question and time."""
    rows = session.execute(
        sa_select(
            col(Question.key),
            col(Question.title),
            col(Forecast.start_time),
            col(Forecast.end_time),
            col(Forecast.probability),
            col(Forecast.cdf),
            col(Forecast.rationale),
        )
        .join(Question, col(Question.id) == col(Forecast.question_id))
        .where(col(Forecast.user_id) == user.id)
        .order_by(col(Question.key), col(Forecast.start_time))
    ).all()
    return [
        {
            "question": key,
            "title": title,
            "time": format_iso(start),
            "end_time": format_iso(end) if end else None,
            "probability": p,
            "cdf": np.asarray(cdf).tolist() if cdf is not None else None,
            "rationale": why,
        }
        for key, title, start, end, p, cdf, why in rows
    ]


def my_scores(*, session: Session, user: User) -> list[dict[str, Any]]:
    """Return every score of the user."""
    return all_scores(session=session, user_id=user.id)


def my_comments(*, session: Session, user: User) -> list[dict[str, Any]]:
    """Return every comment the user wrote, by question and time, as typed (Markdown).

    Hidden comments are included with the organizer's reason: the text is still the author's.
    A deleted one keeps its row (a tombstone with an empty body), so replies to it still name
    their parent.
    """
    rows = session.execute(
        sa_select(Comment, col(Question.key), col(Question.title))
        .join(Question, col(Question.id) == col(Comment.question_id))
        .where(col(Comment.author_id) == user.id)
        .order_by(col(Question.key), col(Comment.created_at), col(Comment.id))
    ).all()
    return [
        {
            "question": key,
            "title": title,
            "id": c.id,
            "reply_to": c.parent_id,
            "kind": c.kind,
            "time": format_iso(c.created_at),
            "edited": format_iso(c.edited_at) if c.edited_at else None,
            "deleted": format_iso(c.deleted_at) if c.deleted_at else None,
            "hidden": format_iso(c.hidden_at) if c.hidden_at else None,
            "hidden_reason": c.hidden_reason,
            "body": c.body,
        }
        for c, key, title in rows
    ]

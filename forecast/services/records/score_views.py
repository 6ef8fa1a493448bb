"""Scores for exports: one object per (question, user), in the public contract's shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.models import Question, Score, User
from forecast.services.tournaments.catalog import find_tournament

# A score row's measures, in the order the public contract lists them (exports, track records).
MEASURES = ("baseline", "peer", "coverage", "brier", "log")
MEASURE_COLUMNS = tuple(col(getattr(Score, name)) for name in MEASURES)


def measures(values: Sequence[Any]) -> dict[str, Any]:
    """Name the values read from MEASURE_COLUMNS (the same order)."""
    return dict(zip(MEASURES, values, strict=True))


def all_scores(
    *,
    session: Session,
    tournament: str | None = None,
    question_id: int | None = None,
    user_id: int | None = None,
) -> list[dict[str, Any]]:
    """Return the score rows, optionally of one tournament, question or user, ordered by
    question and user."""
    query = (
        sa_select(
            col(Question.key),
            col(User.username),
            *MEASURE_COLUMNS,
        )
        .join(Question, col(Question.id) == col(Score.question_id))
        .join(User, col(User.id) == col(Score.user_id))
        .order_by(col(Question.key), col(User.username))
    )
    if tournament:
        query = query.where(col(Question.tournament_id) == find_tournament(session, tournament).id)
    if question_id is not None:
        query = query.where(col(Score.question_id) == question_id)
    if user_id is not None:
        query = query.where(col(Score.user_id) == user_id)
    return [
        {"question": key, "user": name, **measures(values)}
        for key, name, *values in session.execute(query)
    ]

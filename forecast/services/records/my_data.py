"""A user's own data for download: every forecast and every score."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.infra.clock import format_iso
from forecast.models import Forecast, Question, User
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

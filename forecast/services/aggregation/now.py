"""The community prediction now, for every question of a list, in one statement.

A list shows the default method's value without its interval, so it needs only the forecasts
standing now, not the question's history: it reads them straight (through the partial index of
standing forecasts) instead of building or reading the aggregate cache of each question, and is
never stale. After the close no forecast can change, so what stands now is what stood then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.core.aggregation.aggregate import DEFAULT_METHOD, aggregate_now
from forecast.core.distributions import quantile_of
from forecast.infra.clock import to_epoch, utcnow
from forecast.models import Forecast, Question, User
from forecast.services.aggregation.values import evaluation_time
from forecast.services.aggregation.visibility import hidden_among
from forecast.services.kinds import kind_of
from forecast.services.questions.input import question_scale

QUARTILES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class CommunityNow:
    """A question's community prediction now under the default method (no interval)."""

    forecaster_count: int
    probability: float | None = None  # binary
    probabilities: tuple[float, ...] | None = None  # multiple choice: one per option
    # Continuous: the 25th, 50th and 75th percentiles on the question's axis (dates as Unix s).
    quartiles: tuple[float, float, float] | None = None

    @property
    def median(self) -> float | None:
        """Return the continuous median (None for binary questions or without forecasts)."""
        return None if self.quartiles is None else self.quartiles[1]


def community_now(
    *,
    session: Session,
    questions: Sequence[Question],
    viewer: User | None,
    now: datetime | None = None,
) -> dict[int, CommunityNow]:
    """Return the community prediction now of each question whose aggregate the viewer may see."""
    now = now or utcnow()
    hidden = hidden_among(session, questions, viewer, now)
    shown = {q.id: q for q in questions if q.id is not None and q.id not in hidden}
    if not shown:
        return {}
    rows = session.execute(
        sa_select(
            col(Forecast.question_id),
            col(Forecast.user_id),
            col(Forecast.start_time),
            col(Forecast.probability),
            col(Forecast.cdf),
        ).where(col(Forecast.question_id).in_(list(shown)), col(Forecast.end_time).is_(None))
    ).all()
    by_question: dict[int, list[Any]] = {qid: [] for qid in shown}
    for row in rows:
        by_question[int(row[0])].append(row)
    return {qid: _value(shown[qid], by_question[qid], now) for qid in shown}


def _value(question: Question, rows: list[Any], now: datetime) -> CommunityNow:
    t = to_epoch(evaluation_time(question, now))
    start = np.array([r[2].timestamp() for r in rows], dtype=np.float64)
    standing = start <= t
    count = int(standing.sum())
    if count == 0:
        return CommunityNow(0)
    user = np.array([r[1] for r in rows], dtype=np.int64)[standing]
    picked = [r for r, keep in zip(rows, standing.tolist(), strict=True) if keep]
    if question.is_continuous or question.options:
        values = np.vstack([np.asarray(r[4], dtype=np.float64) for r in picked])
    else:
        values = np.array([r[3] for r in picked], dtype=np.float64)
    value = aggregate_now(
        start[standing],
        user,
        values,
        method=DEFAULT_METHOD,
        t=t,
        open_time=to_epoch(question.open_time),
        scheduled_close=to_epoch(question.close_time),
    )
    if question.options:
        return CommunityNow(count, probabilities=tuple(np.asarray(value).tolist()))
    if not question.is_continuous:
        return CommunityNow(count, probability=float(value))
    scale = question_scale(question)
    low, median, high = (quantile_of(np.asarray(value), scale, q) for q in QUARTILES)
    return CommunityNow(count, quartiles=(low, median, high))


def community_json(value: CommunityNow | None, question: Question) -> dict[str, Any] | None:
    """Render a list's community value for the API (None while hidden from the caller)."""
    if value is None:
        return None
    body: dict[str, Any] = {"method": DEFAULT_METHOD, "forecaster_count": value.forecaster_count}
    if not question.is_continuous:
        raw = value.probabilities if question.options else value.probability
        body.update(kind_of(question).value_json(raw))
        return body
    quartiles: list[Any] | None = None
    if value.quartiles is not None:
        quartiles = [kind_of(question).render_point(v) for v in value.quartiles]
    body["median"] = None if quartiles is None else quartiles[1]
    body["quartiles"] = None if quartiles is None else [quartiles[0], quartiles[2]]
    return body

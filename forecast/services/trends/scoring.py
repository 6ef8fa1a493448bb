"""Scoring the trend line like a forecaster once its question resolves (SCORING.md).

The reference CDF stands from the moment its series was attached (or the question's open) to the
close, as one forecast would. Its Baseline is the continuous Baseline, time-averaged over the
scoring window. Its Peer is scored against the community prediction (recency-weighted, the
default method) as if the two were the only forecasters: at every moment both stand,
`100 * 2 * ln(p_trend / GM) / 2` with GM the geometric mean of the two, time-averaged the same
way. The community's own Baseline is scored beside it, so "did the crowd beat the line?" is
one comparison. Rows go to `reference_scores`, never to `scores`: a reference line takes no rank
and no prize, and no track record or reputation sums it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import delete, insert
from sqlmodel import Session

from forecast.core.aggregation.aggregate import DEFAULT_METHOD
from forecast.core.distributions import resolution_bucket
from forecast.core.scoring import (
    ForecastArrays,
    QuestionArrays,
    continuous_outcome_probability,
    score,
)
from forecast.infra.clock import parse_iso, to_epoch, utcnow
from forecast.models import Question, QuestionStatus, ReferenceScore
from forecast.services.aggregation.arrays import load_forecasts
from forecast.services.questions.input import question_scale
from forecast.services.trends.series import trend_of

TREND = "trend"
_LINE, _CROWD = 0, 1  # the two scored "forecasters"
_R = ReferenceScore.__table__  # type: ignore[attr-defined]


def _bucket(question: Question) -> int:
    if question.resolution_outcome == "below_lower_bound":
        return 0
    if question.resolution_outcome == "above_upper_bound":
        return 201
    assert question.resolution_value is not None
    return int(resolution_bucket(question.resolution_value, question_scale(question)))


def _scored(question: Question) -> bool:
    return (
        question.is_continuous
        and question.status == QuestionStatus.RESOLVED.value
        and question.resolution_outcome not in (None, "annulled", "ambiguous")
    )


def trend_scores(session: Session, question: Question) -> dict[str, Any] | None:
    """Return the trend's Baseline, Peer against the community, coverage and the community's
    Baseline on a resolved question with a series (None otherwise)."""
    if not _scored(question):
        return None
    trend = trend_of(session, question)
    if trend is None:
        return None
    bucket = _bucket(question)
    open_t, close_t = to_epoch(question.open_time), to_epoch(question.close_time)
    since = max(to_epoch(parse_iso(trend["updated_at"])), open_t)
    actual_close = min(to_epoch(question.resolved_at or question.close_time), close_t)
    f = load_forecasts(session, question)
    h = f.history(method=DEFAULT_METHOD, open_time=open_t, scheduled_close=close_t)
    crowd = np.flatnonzero(h.forecaster_count > 0)
    cdfs = np.vstack([np.asarray(trend["cdf"])[None, :], h.value[crowd]])
    users = np.array([_LINE] + [_CROWD] * len(crowd), dtype=np.int64)
    table = score(
        QuestionArrays(
            open_time=np.array([open_t]),
            scheduled_close=np.array([close_t]),
            actual_close=np.array([actual_close]),
            continuous=np.array([True]),
            open_bounds=np.array([int(question.open_lower) + int(question.open_upper)]),
            outcome_bucket=np.array([bucket], dtype=np.int64),
            options=np.array([0], dtype=np.int64),
        ),
        ForecastArrays(
            question=np.zeros(len(users), dtype=np.int64),
            user=users,
            start=np.concatenate([[since], h.start[crowd]]),
            end=np.concatenate([[np.inf], h.end[crowd]]),
            p_outcome=continuous_outcome_probability(cdfs, np.full(len(users), bucket)),
            p_yes=np.full(len(users), np.nan),
            brier=np.full(len(users), np.nan),
        ),
    )
    rows = {int(u): k for k, u in enumerate(table.user.tolist())}
    if _LINE not in rows:
        return None  # attached after the close: the line never stood in the window
    line = rows[_LINE]
    return {
        "method": TREND,
        "baseline": float(table.baseline[line]),
        "peer": float(table.peer[line]) if _CROWD in rows else None,
        "coverage": float(table.coverage[line]),
        "crowd_baseline": float(table.baseline[rows[_CROWD]]) if _CROWD in rows else None,
    }


def write_reference_scores(session: Session, questions: Sequence[Question]) -> int:
    """Replace the questions' reference rows (the caller holds the write transaction)."""
    ids = [q.id for q in questions if q.id is not None]
    if not ids:
        return 0
    session.execute(delete(_R).where(_R.c.question_id.in_(ids)))
    now = utcnow()
    values = []
    for question in questions:
        found = trend_scores(session, question)
        if found is not None:
            values.append({"question_id": question.id, "computed_at": now, **found})
    if values:
        session.execute(insert(_R), values)
    return len(values)


def reference_score(session: Session, question: Question, viewer: Any) -> dict[str, Any] | None:
    """Return the trend's scores on a resolved question as the viewer may see them: the line's
    Baseline always (public data), the community's Baseline and the line's Peer against it
    only where the community prediction is visible to the viewer."""
    from forecast.services.aggregation.visibility import hidden_reason

    row = session.get(ReferenceScore, (question.id, TREND))
    if row is None:
        return None
    shown = hidden_reason(session, question, viewer) is None
    crowd = row.crowd_baseline if shown else None
    return {
        "baseline": row.baseline,
        "coverage": row.coverage,
        "crowd_baseline": crowd,
        "peer": row.peer if shown else None,
        "crowd_beat_line": None if crowd is None else crowd > row.baseline,
    }

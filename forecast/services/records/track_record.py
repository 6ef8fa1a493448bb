"""A forecaster's track record: scores, calibration, Murphy decomposition, score over time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.core.leaderboard import calibration_bins, murphy_decomposition
from forecast.infra.clock import format_iso, utcnow
from forecast.models import Forecast, Question, QuestionStatus, QuestionType, Score, User
from forecast.services.accounts.users import get_user
from forecast.services.records.score_views import MEASURE_COLUMNS, measures
from forecast.services.teams.visibility import team_condition
from forecast.services.tournaments.catalog import find_tournament


def _nan_none(value: float) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def track_record(
    *,
    session: Session,
    username: str,
    tournament: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
    viewer: User | None = None,
) -> dict[str, Any]:
    """Return a user's record over resolved questions, optionally filtered, as viewer may see
    it: only the questions viewer may see count (a team's questions for its members only)."""
    user = get_user(session, username)
    now = now or utcnow()
    filters = [col(Score.user_id) == user.id, team_condition(Question.team_id, viewer)]
    if tournament:
        tournament_id = find_tournament(session, tournament, viewer).id
        filters.append(col(Question.tournament_id) == tournament_id)
    if since:
        filters.append(col(Question.resolved_at) >= since)
    if until:
        filters.append(col(Question.resolved_at) <= until)
    rows = session.execute(
        sa_select(
            col(Question.id),
            col(Question.key),
            col(Question.title),
            col(Question.type),
            col(Question.resolved_at),
            *MEASURE_COLUMNS,
        )
        .join(Question, col(Question.id) == col(Score.question_id))
        .where(*filters)
        .order_by(col(Question.resolved_at))
    ).all()
    scores = [
        {
            "question": key,
            "title": title,
            "type": qtype,
            "resolved_at": format_iso(resolved_at),
            **measures(values),
        }
        for _, key, title, qtype, resolved_at, *values in rows
    ]
    brier = [s["brier"] for s in scores if s["brier"] is not None]
    logs = [s["log"] for s in scores if s["log"] is not None]
    cumulative = np.cumsum([s["peer"] for s in scores]).tolist()
    record: dict[str, Any] = {
        "user": user.username,
        "resolved_questions": len(scores),
        "mean_baseline": _nan_none(float(np.mean([s["baseline"] for s in scores])))
        if scores
        else None,
        "mean_peer": _nan_none(float(np.mean([s["peer"] for s in scores]))) if scores else None,
        "mean_brier": float(np.mean(brier)) if brier else None,
        "mean_log": float(np.mean(logs)) if logs else None,
        "scores": scores,
        "over_time": [
            {
                "at": s["resolved_at"],
                "cumulative_peer": c,
                "question": s["question"],
                "title": s["title"],
                "peer": s["peer"],
            }
            for s, c in zip(scores, cumulative, strict=True)
        ],
    }
    binary_ids = [qid for qid, _, _, qtype, *_ in rows if qtype == QuestionType.BINARY.value]
    record.update(_calibration(session, user.id or 0, binary_ids, now))
    return record


def _calibration(
    session: Session, user_id: int, question_ids: list[int], now: datetime
) -> dict[str, Any]:
    """Calibration bins and Murphy decomposition over binary questions past their resolve-by."""
    empty: dict[str, Any] = {"calibration": [], "murphy": None}
    if not question_ids:
        return empty
    rows = session.execute(
        sa_select(
            col(Forecast.start_time),
            col(Forecast.end_time),
            col(Forecast.probability),
            col(Question.open_time),
            col(Question.close_time),
            col(Question.resolved_at),
            col(Question.resolution_outcome),
        )
        .join(Question, col(Question.id) == col(Forecast.question_id))
        .where(
            col(Forecast.user_id) == user_id,
            col(Forecast.question_id).in_(question_ids),
            col(Question.resolve_time) <= now,
            col(Question.status) == QuestionStatus.RESOLVED.value,
        )
    ).all()
    if not rows:
        return empty
    start = np.array([r[0].timestamp() for r in rows])
    end = np.array([r[1].timestamp() if r[1] else np.inf for r in rows])
    p = np.array([r[2] for r in rows], dtype=np.float64)
    open_t = np.array([r[3].timestamp() for r in rows])
    close_t = np.array([r[4].timestamp() for r in rows])
    actual = np.minimum(np.array([r[5].timestamp() for r in rows]), close_t)
    outcome = np.array([1.0 if r[6] == "yes" else 0.0 for r in rows])
    # Time weights as in scoring: the forecast's active share of the question's window.
    weight = np.clip(np.minimum(end, actual) - np.maximum(start, open_t), 0, None) / (
        close_t - open_t
    )
    bins = calibration_bins(p, outcome, weight)
    murphy = murphy_decomposition(p, outcome, weight)
    return {
        "calibration": [
            {
                "lower": float(lo),
                "upper": float(hi),
                "count": int(n),
                "mean_forecast": _nan_none(mf),
                "mean_outcome": _nan_none(mo),
                "interval": [_nan_none(il), _nan_none(ih)],
            }
            for lo, hi, n, mf, mo, il, ih in zip(
                bins.lower.tolist(),
                bins.upper.tolist(),
                bins.count.tolist(),
                bins.mean_forecast.tolist(),
                bins.mean_outcome.tolist(),
                bins.interval_low.tolist(),
                bins.interval_high.tolist(),
                strict=True,
            )
        ],
        "murphy": {
            "reliability": murphy.reliability,
            "resolution": murphy.resolution,
            "uncertainty": murphy.uncertainty,
            "brier": murphy.brier,
        },
    }

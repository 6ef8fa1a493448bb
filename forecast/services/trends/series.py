"""Attach a trend series to a numeric or date question, and read it back with its fit, its
doubling time, its extrapolation to the resolution date and its reference forecast
(`forecast.core.trend` has the math). A series is public wherever its question is: it is data
the organizer typed in, not drawn from anyone's forecasts."""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core.trend import FITS, TrendError, TrendFit, fit_trend, reference_cdf
from forecast.errors import ValidationFailed
from forecast.infra.clock import format_iso, parse_iso, to_epoch, utcnow
from forecast.infra.db import write
from forecast.models import Question, QuestionType, Role, TrendSeries, User
from forecast.services.accounts.permissions import require_role
from forecast.services.aggregation.reads import visible_question
from forecast.services.questions.input import question_scale
from forecast.services.questions.lifecycle import get_question

MAX_POINTS = 2_000
MAX_SOURCE = 500


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValidationFailed("must be a finite number", field)
    return float(value)


def _points(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(
            "points must be a non-empty list of {date, value, source?}", "points"
        )
    if len(raw) > MAX_POINTS:
        raise ValidationFailed(f"at most {MAX_POINTS} points", "points")
    points: list[tuple[float, dict[str, Any]]] = []
    for k, item in enumerate(raw):
        field = f"points[{k}]"
        if not isinstance(item, Mapping):
            raise ValidationFailed("each point is an object {date, value, source?}", field)
        try:
            when = parse_iso(str(item.get("date")))
        except ValueError:
            raise ValidationFailed("date must be an ISO 8601 date", f"{field}.date") from None
        source = item.get("source")
        if source is not None and (not isinstance(source, str) or len(source) > MAX_SOURCE):
            raise ValidationFailed(f"source is text of at most {MAX_SOURCE}", f"{field}.source")
        point = {
            "date": format_iso(when),
            "value": _number(item.get("value"), f"{field}.value"),
            "source": source or None,
        }
        points.append((to_epoch(when), point))
    points.sort(key=lambda p: p[0])
    return [p for _, p in points]


def _fit(points: list[dict[str, Any]], kind: str, window: float | None) -> TrendFit:
    times = [to_epoch(parse_iso(p["date"])) for p in points]
    try:
        return fit_trend(times, [p["value"] for p in points], kind, window)  # type: ignore[arg-type]
    except TrendError as exc:
        raise ValidationFailed(str(exc), "points") from None


def attach_series(
    *, session: Session, actor: User | None, question_id: int, data: Mapping[str, Any]
) -> TrendSeries:
    """Attach (or replace) a question's series; an organizer's action, all or nothing."""
    actor = require_role(actor, Role.ORGANIZER)
    question = visible_question(session=session, viewer=actor, question_id=question_id)
    if question.type not in (QuestionType.NUMERIC.value, QuestionType.DATE.value):
        raise ValidationFailed("a trend series goes on a numeric or date question", "question")
    kind = data.get("fit")
    if kind not in FITS:
        raise ValidationFailed(f"fit must be one of {', '.join(FITS)}", "fit")
    window = data.get("window")
    window = None if window is None else _number(window, "window")
    if window is not None and window <= 0:
        raise ValidationFailed("window must be a positive number of years", "window")
    level = data.get("level")
    level = None if level is None else _number(level, "level")
    if question.type == QuestionType.DATE.value and level is None:
        raise ValidationFailed(
            "on a date question, level is the value whose reaching the question asks about",
            "level",
        )
    points = _points(data.get("points"))
    fit = _fit(points, kind, window)
    _reference(fit, question, level)  # refuses a level the line can never reach on its scale
    with write(session):
        row = session.get(TrendSeries, question.id)
        if row is None:
            row = TrendSeries(
                question_id=question.id or 0, fit=kind, points="[]", created_by=actor.id or 0
            )
        row.fit, row.window_years, row.level = kind, window, level
        row.points = json.dumps(points)
        row.created_by = actor.id or 0
        row.updated_at = utcnow()
        session.add(row)
    session.refresh(row)
    return row


def _reference(fit: TrendFit, question: Question, level: float | None) -> np.ndarray:
    scale = question_scale(question)
    try:
        if question.type == QuestionType.DATE.value:
            return reference_cdf(fit, scale, level=level)
        resolve = question.resolve_time or question.close_time
        return reference_cdf(fit, scale, resolve_time=to_epoch(resolve))
    except TrendError as exc:
        raise ValidationFailed(str(exc), "level") from None


def trend_of(session: Session, question: Question) -> dict[str, Any] | None:
    """Return a question's series with its fit and reference CDF (None without one)."""
    row = session.get(TrendSeries, question.id)
    if row is None:
        return None
    points = json.loads(row.points)
    fit = _fit(points, row.fit, row.window_years)
    resolve = question.resolve_time or question.close_time
    cdf = _reference(fit, question, row.level)
    return {
        "points": points,
        "fit": row.fit,
        "window": row.window_years,
        "level": row.level,
        "slope_per_year": fit.slope,
        "doubling_years": fit.doubling_years,
        "extrapolated": {"at": format_iso(resolve), "value": float(fit.value(to_epoch(resolve)))},
        "cdf": cdf.tolist(),
        "line": [
            {"date": p["date"], "value": float(fit.value(to_epoch(parse_iso(p["date"]))))}
            for p in points
        ],
        "updated_at": format_iso(row.updated_at),
    }


def read_series(*, session: Session, viewer: User | None, question_id: int) -> dict[str, Any]:
    """Return the series of a question the viewer may see (404 without a series)."""
    from forecast.errors import NotFound

    # The question's own visibility: a series is public data, not the hidden aggregate.
    question = get_question(session=session, viewer=viewer, question_id=question_id)
    found = trend_of(session, question)
    if found is None:
        raise NotFound("this question has no trend series")
    return found


def load_series_seeds(session: Session, document: Mapping[str, Any]) -> tuple[int, int]:
    """Attach the seed file's series (each by its organizer) to questions that have none;
    return (attached, already present)."""
    from sqlmodel import col, select

    from forecast.models import User

    attached = present = 0
    for i, record in enumerate(document.get("series") or []):
        question = session.exec(
            select(Question).where(col(Question.key) == record.get("question"))
        ).first()
        organizer = session.exec(
            select(User).where(col(User.username) == record.get("organizer"))
        ).first()
        if question is None or organizer is None:
            raise ValidationFailed(f"series[{i}]: unknown question or organizer", "series")
        if session.get(TrendSeries, question.id) is not None:
            present += 1
            continue
        data = {k: v for k, v in record.items() if k not in ("question", "organizer")}
        attach_series(session=session, actor=organizer, question_id=question.id or 0, data=data)
        attached += 1
    return attached, present

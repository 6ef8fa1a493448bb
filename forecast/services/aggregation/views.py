"""Aggregates rendered for the API, the CSV download and `forecast export aggregates`."""

from __future__ import annotations

from typing import Any

import numpy as np

from forecast.core.aggregation.aggregate import History
from forecast.core.distributions import cdf_at
from forecast.infra.clock import format_iso, from_epoch
from forecast.models import Question
from forecast.services.aggregation.values import AggregateValue
from forecast.services.kinds import kind_named, kind_of
from forecast.services.questions.input import question_scale


def value_json(value: AggregateValue, question: Question) -> dict[str, Any]:
    """Render an aggregate value; CDFs and option probabilities carry a pointwise interval."""
    body: dict[str, Any] = {
        "method": value.method,
        "at": format_iso(value.at),
        "forecaster_count": value.forecaster_count,
        "interval": None,
    }
    kind = kind_of(question)
    body.update(kind.value_json(value.raw))
    if value.interval is not None:
        low, high = value.interval
        if kind.value_kind == "binary":
            body["interval"] = [float(low), float(high)]
        else:
            body["interval"] = [np.asarray(low).tolist(), np.asarray(high).tolist()]
    return body


def axis_point(question: Question, raw: str, field: str) -> float:
    """Read a value on the question's axis from a query string (ISO dates on date questions)."""
    return kind_of(question).read_point(raw, field)


def event_probabilities(value: AggregateValue, question: Question, x: float) -> dict[str, Any]:
    """Answer P(X <= x) and P(X >= x) from the aggregate CDF, with bounds from the interval."""
    assert value.cdf is not None
    scale = question_scale(question)
    below = float(cdf_at(value.cdf, scale, x))
    result: dict[str, Any] = {"x": x, "p_below": below, "p_above": 1.0 - below}
    if value.interval is not None:
        low = float(cdf_at(np.asarray(value.interval[0]), scale, x))
        high = float(cdf_at(np.asarray(value.interval[1]), scale, x))
        result["p_below_interval"] = [low, high]
        result["p_above_interval"] = [1.0 - high, 1.0 - low]
    return result


def history_records(
    h: History, question: Question | str, first: int = 0, last: int | None = None
) -> list[dict[str, Any]]:
    """Render history entries in the export shape of the public contract."""
    kind = kind_named(question) if isinstance(question, str) else kind_of(question)
    records = []
    stop = len(h.start) if last is None else min(last, len(h.start))
    for i in range(first, stop):
        end = h.end[i]
        record: dict[str, Any] = {
            "start": format_iso(from_epoch(float(h.start[i]))),
            "end": format_iso(from_epoch(float(end))) if np.isfinite(end) else None,
            "forecaster_count": int(h.forecaster_count[i]),
        }
        record.update(kind.value_json(h.value[i]))
        records.append(record)
    return records

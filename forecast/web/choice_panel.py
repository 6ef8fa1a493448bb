"""The community-prediction panel of a multiple-choice question, and its CSV columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from forecast.core.aggregation.aggregate import History
from forecast.models import Forecast, Question
from forecast.services.aggregation.values import AggregateValue
from forecast.web.aggregate_charts import choice_history_chart, series_class


def option_rows(
    question: Question, value: AggregateValue, history: Sequence[Forecast]
) -> list[dict[str, Any]]:
    """Return each option with the community's probability, its interval and your own."""
    assert value.probabilities is not None
    standing = next((f for f in history if f.end_time is None and f.cdf is not None), None)
    low = high = None
    if value.interval is not None:
        low, high = (np.asarray(end, dtype=np.float64) for end in value.interval)
    rows = []
    for k, label in enumerate(question.option_labels):
        rows.append(
            {
                "label": label,
                "series": series_class(k),
                "community": float(value.probabilities[k]),
                "low": None if low is None else float(low[k]),
                "high": None if high is None else float(high[k]),
                "mine": None if standing is None else float(np.asarray(standing.cdf)[k]),
            }
        )
    return rows


def choice_context(
    question: Question,
    value: AggregateValue,
    h: History,
    window: tuple[float, float],
    history: Sequence[Forecast],
) -> dict[str, Any]:
    """Return what the page shows of a multiple-choice aggregate: the bars and the chart."""
    return {
        "options": option_rows(question, value, history),
        "chart": choice_history_chart(
            starts=h.start,
            values=h.value,
            labels=question.option_labels,
            t_from=window[0],
            t_to=window[1],
        ),
    }


def choice_csv(
    question: Question, records: list[dict[str, Any]]
) -> tuple[list[str], list[list[Any]]]:
    """Return the CSV columns and rows of a multiple-choice history: one column per option."""
    labels = question.option_labels
    columns = ["start", "end", "forecaster_count", *labels]
    rows = []
    for record in records:
        p = record.get("probabilities")
        rows.append(
            [
                record["start"],
                record["end"],
                record["forecaster_count"],
                *(p if p is not None else [None] * len(labels)),
            ]
        )
    return columns, rows

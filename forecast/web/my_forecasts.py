"""The viewer's standing forecast on each question of a list, as the list shows it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forecast.core.distributions import quantile_of
from forecast.models import User
from forecast.services.questions.input import question_scale
from forecast.services.questions.views import standing_values
from forecast.web.formatting import axis_value, percent


def my_forecasts(session: Session, viewer: User, questions: list[Any]) -> dict[int, str]:
    """Say the viewer's standing forecast per listed question: '35.0%', 'median 2031-06-01'."""
    assert viewer.id is not None
    by_id = {q.id: q for q in questions if q.id}
    shown = {}
    for qid, (probability, cdf) in standing_values(session, viewer.id, list(by_id)).items():
        question = by_id[qid]
        if probability is not None:
            shown[qid] = percent(probability)
        elif cdf is not None and question.options:
            labels = question.option_labels
            top = int(max(range(len(labels)), key=lambda i: float(cdf[i])))
            shown[qid] = f"{labels[top]} {percent(float(cdf[top]))}"
        elif cdf is not None:
            median = quantile_of(cdf, question_scale(question), 0.5)
            shown[qid] = f"median {axis_value(median, question.type)}"
    return shown

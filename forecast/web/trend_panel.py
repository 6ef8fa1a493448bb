"""The trend section of a numeric or date question's page: the series with its sources, the
fitted line, its doubling time and its extrapolation to the resolution date. The series is
public data, shown wherever the question is, even while the community prediction is hidden."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forecast.models import Question, User
from forecast.services.accounts.permissions import is_organizer
from forecast.services.methods.trend import reference
from forecast.services.trends.scoring import reference_score
from forecast.web.trend_charts import series_chart, short_number


def trend_panel(session: Session, question: Question, viewer: User | None) -> dict[str, Any]:
    """Return the page's trend context: the series and its chart (None without one)."""
    trend = reference(session, question) if question.is_continuous else None
    context: dict[str, Any] = {
        "trend": trend,
        "can_attach_series": question.is_continuous and is_organizer(viewer),
    }
    if trend is not None:
        context["trend_score"] = reference_score(session, question, viewer)
        context["trend_chart"] = series_chart(trend)
        context["trend_extrapolated"] = short_number(float(trend["extrapolated"]["value"]))
    return context

"""The community prediction as a viewer may read it: the one way pages and the API reach it.

Each function takes the viewer and applies the hiding rules of visibility.py itself, so no
entry point decides what a person may see: it either refuses (Forbidden, with the reason)
or answers with the value, the history, or None where a hidden value is simply left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from forecast.models import Question, User
from forecast.services.aggregation import values as aggregation
from forecast.services.aggregation.rows import CachedAggregate
from forecast.services.aggregation.values import AggregateValue
from forecast.services.aggregation.visibility import hidden_reason, require_visible
from forecast.services.questions.lifecycle import get_question


def visible_question(*, session: Session, viewer: User | None, question_id: int) -> Question:
    """Return the question when viewer may see it and its aggregate (NotFound, Forbidden)."""
    question = get_question(session=session, viewer=viewer, question_id=question_id)
    require_visible(session, question, viewer)
    return question


def read_value(
    *,
    session: Session,
    viewer: User | None,
    question: Question,
    method: str | None = None,
    at: datetime | None = None,
) -> AggregateValue:
    """Return the aggregate under method now or at `at`; Forbidden when hidden from viewer."""
    require_visible(session, question, viewer)
    method = aggregation.parse_method(method)
    if at is None:
        return aggregation.current_value(session, question, method)
    return aggregation.value_at(session, question, method=method, at=at)


def read_history(
    *, session: Session, viewer: User | None, question: Question, method: str | None = None
) -> CachedAggregate:
    """Return the aggregate's history under method; Forbidden when hidden from viewer."""
    require_visible(session, question, viewer)
    return aggregation.cached_aggregate(session, question, aggregation.parse_method(method))


def value_if_visible(
    *, session: Session, viewer: User | None, question: Question
) -> AggregateValue | None:
    """Return the current aggregate under the default method, or None when hidden from viewer."""
    if hidden_reason(session, question, viewer) is not None:
        return None
    return aggregation.current_value(session, question)


@dataclass(frozen=True)
class AggregateView:
    """What the question page may show: why it is hidden, or the history and the value now."""

    hidden: str | None
    cached: CachedAggregate | None = None
    value: AggregateValue | None = None


def aggregate_view(
    *, session: Session, viewer: User | None, question: Question, method: str
) -> AggregateView:
    """Return the reason the aggregate is hidden from viewer, or its banded history and value."""
    reason = hidden_reason(session, question, viewer)
    if reason:
        return AggregateView(hidden=reason)
    cached = aggregation.cached_aggregate(session, question, method, band=True)
    value = aggregation.current_value(session, question, method)
    return AggregateView(hidden=None, cached=cached, value=value)

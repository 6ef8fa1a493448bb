"""Which resolved questions a person may pastcast, the next one, and what it shows.

A question is offered when it is resolved yes or no (binary), the person may see it (the
question list's own visibility condition: teams' private questions only for members), they
never forecast on it (a withdrawn forecast counts: they knew more) and have not pastcast it.
What is shown is only what was known at the vantage instant: the texts, the forecasters then
and the community prediction then, under pastcast_hidden_reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from forecast.core.aggregation.aggregate import DEFAULT_METHOD
from forecast.core.pastcasts import order_key, vantage_epoch
from forecast.errors import NotFound
from forecast.infra.clock import format_iso, from_epoch, to_epoch
from forecast.infra.db import MAX_ROW_ID
from forecast.models import Forecast, PastcastAnswer, Question, QuestionStatus, QuestionType, User
from forecast.services.aggregation.values import cached_aggregate, evaluation_time
from forecast.services.aggregation.visibility import pastcast_hidden_reason
from forecast.services.questions.lifecycle import can_view
from forecast.services.questions.lists import visibility_condition

OUTCOMES = ("yes", "no")


def _offered(user: User) -> Any:
    """Return the SQL condition of a question being a pastcast the user may still answer."""
    return (
        col(Question.status) == QuestionStatus.RESOLVED.value,
        col(Question.type) == QuestionType.BINARY.value,
        col(Question.resolution_outcome).in_(OUTCOMES),
        col(Question.close_time) > col(Question.open_time),
        visibility_condition(user),
        ~exists().where(
            col(Forecast.question_id) == col(Question.id), col(Forecast.user_id) == user.id
        ),
        ~exists().where(
            col(PastcastAnswer.question_id) == col(Question.id),
            col(PastcastAnswer.user_id) == user.id,
        ),
    )


def remaining(session: Session, user: User) -> int:
    """Return how many pastcasts the user has left."""
    counted = select(func.count()).select_from(Question).where(*_offered(user))
    return int(session.exec(counted).one())


def next_question(session: Session, user: User) -> Question | None:
    """Return the user's next pastcast, in their own fixed order (None when none is left)."""
    ids = [i for i in session.exec(select(col(Question.id)).where(*_offered(user))) if i]
    if not ids:
        return None
    user_id = user.id or 0
    return session.get(Question, min(ids, key=lambda q: order_key(user_id, q)))


def vantage_of(question: Question, user: User) -> datetime:
    """Return the person's vantage instant on the question."""
    at = vantage_epoch(
        to_epoch(question.open_time), to_epoch(question.close_time), user.id or 0, question.id or 0
    )
    return from_epoch(at)


@dataclass(frozen=True)
class Community:
    """The community prediction (default method) and forecasters standing at an instant."""

    probability: float | None
    forecasters: int


def community_at(session: Session, question: Question, at: datetime) -> Community:
    """Read the aggregate history at an instant: the entry standing then, none before the first."""
    h = cached_aggregate(session, question, DEFAULT_METHOD).history
    i = int(np.searchsorted(h.start, to_epoch(evaluation_time(question, at)), side="right")) - 1
    if i < 0 or int(h.forecaster_count[i]) == 0:
        return Community(None, 0)
    return Community(float(h.value[i]), int(h.forecaster_count[i]))


def load(session: Session, user: User, question_id: int) -> tuple[Question, PastcastAnswer | None]:
    """Return a question the user may pastcast or has pastcast, and their answer if any."""
    question = session.get(Question, question_id) if 0 < question_id <= MAX_ROW_ID else None
    if question is None or not can_view(question, user):
        raise NotFound(f"no pastcast of question {question_id}", "question")
    done = session.exec(
        select(PastcastAnswer).where(
            col(PastcastAnswer.user_id) == user.id, col(PastcastAnswer.question_id) == question_id
        )
    ).first()
    if done is None:
        offered = session.exec(
            select(col(Question.id)).where(col(Question.id) == question_id, *_offered(user))
        ).first()
        if offered is None:
            raise NotFound(f"no pastcast of question {question_id} for you", "question")
    return question, done


def shown(session: Session, user: User, question: Question) -> dict[str, Any]:
    """Return the item as of the vantage instant, before any answer."""
    vantage = vantage_of(question, user)
    then = community_at(session, question, vantage)
    hidden = pastcast_hidden_reason(session, question, user, vantage, answered=False)
    return {
        "question_id": question.id,
        "kind": "binary",
        "title": question.title,
        "description": question.description,
        "resolution_criteria": question.resolution_criteria,
        "opened": format_iso(question.open_time),
        "vantage": format_iso(vantage),
        "forecasters_then": then.forecasters,
        "community_then": None if hidden else then.probability,
        "community_hidden": hidden,
    }

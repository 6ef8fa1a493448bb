"""Which resolved questions a person may pastcast, the next one, and what it shows.

A question is offered when it is resolved yes or no (binary) or to a value (numeric and
date: an interval item, see interval.py), the person may see it (the
question list's own visibility condition: teams' private questions only for members), they
never forecast on it (a withdrawn forecast counts: they knew more) and have not pastcast it.
What is shown is only what was known at the vantage instant: the texts, the forecasters then
and the community prediction then, under pastcast_hidden_reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, col, func, select

from forecast.core.pastcasts import order_key, vantage_epoch
from forecast.errors import NotFound
from forecast.infra.clock import format_iso, from_epoch, to_epoch
from forecast.infra.db import MAX_ROW_ID
from forecast.models import Forecast, PastcastAnswer, Question, QuestionStatus, QuestionType, User
from forecast.services.aggregation.visibility import pastcast_hidden_reason
from forecast.services.pastcasting.community import community_at, community_interval_at
from forecast.services.pastcasting.interval import interval_shown
from forecast.services.questions.lifecycle import can_view
from forecast.services.questions.lists import visibility_condition

OUTCOMES = ("yes", "no")
CONTINUOUS = (QuestionType.NUMERIC.value, QuestionType.DATE.value)


def _offered(user: User) -> Any:
    """Return the SQL condition of a question being a pastcast the user may still answer."""
    return (
        col(Question.status) == QuestionStatus.RESOLVED.value,
        or_(
            and_(
                col(Question.type) == QuestionType.BINARY.value,
                col(Question.resolution_outcome).in_(OUTCOMES),
            ),
            and_(
                col(Question.type).in_(CONTINUOUS),
                col(Question.resolution_outcome) == "value",
                col(Question.resolution_value).is_not(None),
            ),
        ),
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
    """Return the item as of the vantage instant, before any answer.

    A binary item shows the community probability then; an interval item (numeric, date) the
    question's range and the community's median and 90% interval then.
    """
    vantage = vantage_of(question, user)
    hidden = pastcast_hidden_reason(session, question, user, vantage, answered=False)
    item: dict[str, Any] = {
        "question_id": question.id,
        "kind": "binary",
        "title": question.title,
        "description": question.description,
        "resolution_criteria": question.resolution_criteria,
        "opened": format_iso(question.open_time),
        "vantage": format_iso(vantage),
        "community_hidden": hidden,
    }
    if question.is_continuous:
        then = community_interval_at(session, question, vantage)
        item.update(kind="interval", forecasters_then=then.forecasters)
        item.update(interval_shown(then, question, hidden))
        return item
    binary = community_at(session, question, vantage)
    item.update(
        forecasters_then=binary.forecasters,
        community_then=None if hidden else binary.probability,
    )
    return item

"""Answering a pastcast, graded as a training item (true/false or 90% interval), and its reveal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from forecast.core.calibration import grade_binary
from forecast.core.pastcasts import PROBABILITY_MAX, PROBABILITY_MIN, as_training_answer, brier
from forecast.errors import Conflict
from forecast.infra.clock import format_iso
from forecast.models import PastcastAnswer, Question, User
from forecast.services.accounts.permissions import require_user
from forecast.services.aggregation.visibility import pastcast_hidden_reason
from forecast.services.pastcasting.community import community_at
from forecast.services.pastcasting.interval import interval_reveal, interval_row
from forecast.services.pastcasting.offer import load, next_question, remaining, shown, vantage_of
from forecast.services.training_answers import bounded, store_once

ALREADY = "you have already answered this pastcast"


def next_pastcast(*, session: Session, user: User | None) -> dict[str, Any] | None:
    """Return the user's next pastcast as of its vantage date (None when none is left)."""
    user = require_user(user)
    question = next_question(session, user)
    if question is None:
        return None
    item = shown(session, user, question)
    return {**item, "remaining": remaining(session, user), "answer": None, "reveal": None}


def remaining_for(*, session: Session, user: User | None) -> int:
    """Return how many pastcasts the user has left."""
    return remaining(session, require_user(user))


def pastcast(*, session: Session, user: User | None, question_id: int) -> dict[str, Any]:
    """Return one pastcast: as of its vantage date, with the reveal once it is answered."""
    user = require_user(user)
    question, done = load(session, user, question_id)
    if done is None:
        return {**shown(session, user, question), "answer": None, "reveal": None}
    return _with_reveal(session, user, question, done)


def _probability(data: Mapping[str, Any]) -> float:
    return bounded(
        data.get("probability"),
        "probability",
        PROBABILITY_MIN,
        PROBABILITY_MAX,
        "probability must be between 0.01 and 0.99",
    )


def answer(
    *, session: Session, user: User | None, question_id: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Grade and store a pastcast; a second answer to the same question is a conflict.

    A binary question takes {probability} of yes; a numeric or date question {lower, upper},
    a 90% interval (dates as ISO 8601), graded as interval.py says.
    """
    user = require_user(user)
    question, done = load(session, user, question_id)
    if done is not None:
        raise Conflict(ALREADY, "question")
    if question.is_continuous:
        row = interval_row(session, user, question, vantage_of(question, user), data)
    else:
        row = _binary_row(session, user, question, data)
    store_once(session, row, ALREADY, "question")
    return _with_reveal(session, user, question, row)


def _binary_row(
    session: Session, user: User, question: Question, data: Mapping[str, Any]
) -> PastcastAnswer:
    """Grade a probability of yes as a true/false training item; return its row, not stored."""
    probability = _probability(data)
    truth = question.resolution_outcome == "yes"
    given, confidence = as_training_answer(probability)
    right, score, log = grade_binary(given, confidence, truth)
    vantage = vantage_of(question, user)
    then = community_at(session, question, vantage)
    return PastcastAnswer(
        user_id=user.id,  # type: ignore[arg-type]
        question_id=question.id,  # type: ignore[arg-type]
        kind="binary",
        vantage_at=vantage,
        probability=probability,
        answer_bool=given,
        confidence=confidence,
        correct=right,
        score=score,
        log_score=log,
        community_then=then.probability,
        forecasters_then=then.forecasters,
    )


def _with_reveal(
    session: Session, user: User, question: Question, done: PastcastAnswer
) -> dict[str, Any]:
    """Return the item as shown, the answer as graded, and what happened after the vantage."""
    hidden = pastcast_hidden_reason(session, question, user, done.vantage_at, answered=True)
    item = shown(session, user, question)
    item.update(
        vantage=format_iso(done.vantage_at),
        forecasters_then=done.forecasters_then,
        community_hidden=hidden,
    )
    if done.kind == "interval":
        given, reveal, then = interval_reveal(session, question, done, hidden)
        item.update(community_interval_then=then)
        return {**item, "answer": given, "reveal": reveal}
    truth = question.resolution_outcome == "yes"
    at_close = community_at(session, question, question.close_time)
    community_then = None if hidden else done.community_then
    probability = float(done.probability or 0.0)
    then_score = None if community_then is None else brier(community_then, truth)
    item.update(community_then=community_then)
    return {
        **item,
        "answer": {
            "probability": probability,
            "answer": done.answer_bool,
            "confidence": done.confidence,
            "answered_at": format_iso(done.answered_at),
        },
        "reveal": {
            "key": question.key,
            "outcome": question.resolution_outcome,
            "truth": truth,
            "resolved_at": format_iso(question.resolved_at) if question.resolved_at else None,
            "correct": done.correct,
            "score": done.score,
            "log_score": done.log_score,
            "community_then": community_then,
            "community_then_score": then_score,
            # Positive: the person's Brier score beat the community's at the vantage date.
            "beat_community_by": None if then_score is None else then_score - done.score,
            "community_at_close": None if hidden else at_close.probability,
            "forecasters_at_close": at_close.forecasters,
        },
    }


def answered_rows(session: Session, user: User) -> list[PastcastAnswer]:
    """Return the user's pastcast answers, oldest first."""
    return list(
        session.exec(
            select(PastcastAnswer)
            .where(col(PastcastAnswer.user_id) == user.id)
            .order_by(col(PastcastAnswer.answered_at), col(PastcastAnswer.id))
        )
    )

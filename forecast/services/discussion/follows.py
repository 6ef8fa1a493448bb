"""Following a question: new comments, its resolution, large moves of the community prediction.

A large move is judged against the value the follower was last told (their baseline), on the
community prediction they may see: a follower from whom the question hides it (anti-herding,
a reveal time, a blind draft) is told nothing and keeps no baseline until it shows. Binary
questions move in probability; continuous ones by their median's move as a fraction of the
range (on the question's own axis, so a log question moves by its ratio).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecast.core.formatting import percent
from forecast.errors import NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import SCHEDULED_STATUSES, Forecast, Question, QuestionFollow, User
from forecast.services.accounts.permissions import require_user
from forecast.services.aggregation.now import CommunityNow, community_now
from forecast.services.aggregation.visibility import hidden_reason
from forecast.services.kinds import kind_of
from forecast.services.notifications import notify
from forecast.services.questions.input import question_scale
from forecast.services.questions.lifecycle import get_question

DEFAULT_THRESHOLD = 0.1
MIN_THRESHOLD, MAX_THRESHOLD = 0.01, 1.0


def parse_threshold(raw: Any) -> float:
    """Read a move threshold in percentage points (1 to 100) as a fraction."""
    if raw is None or raw == "":
        return DEFAULT_THRESHOLD
    try:
        points = float(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "the threshold must be a number of percentage points", "threshold"
        ) from None
    fraction = points / 100
    if not MIN_THRESHOLD <= fraction <= MAX_THRESHOLD:
        raise ValidationFailed("the threshold must be between 1 and 100 points", "threshold")
    return fraction


def following(session: Session, viewer: User | None, question_id: int) -> QuestionFollow | None:
    """Return the viewer's follow of the question, if any."""
    if viewer is None:
        return None
    return session.exec(
        select(QuestionFollow).where(
            col(QuestionFollow.question_id) == question_id,
            col(QuestionFollow.user_id) == viewer.id,
        )
    ).first()


def follow(
    *, session: Session, actor: User | None, question_id: int, threshold: Any = None
) -> QuestionFollow:
    """Follow the question (or change the move threshold of an existing follow)."""
    actor = require_user(actor)
    fraction = parse_threshold(threshold)
    get_question(session=session, viewer=actor, question_id=question_id)
    try:
        with write(session):
            row = following(session, actor, question_id)
            if row is None:
                row = QuestionFollow(question_id=question_id, user_id=actor.id)  # type: ignore[arg-type]
            row.move_threshold = fraction
            session.add(row)
    except IntegrityError:  # a second click of the same follower won the race
        row = following(session, actor, question_id)
        assert row is not None
    return row


def unfollow(*, session: Session, actor: User | None, question_id: int) -> None:
    """Stop following the question."""
    actor = require_user(actor)
    with write(session):
        row = following(session, actor, question_id)
        if row is None:
            raise NotFound("you do not follow this question", "question")
        session.delete(row)


def follower_ids(session: Session, question_id: int) -> list[int]:
    """Return the ids of the question's followers."""
    query = select(col(QuestionFollow.user_id)).where(
        col(QuestionFollow.question_id) == question_id
    )
    return list(session.exec(query).all())


def tell_followers_resolved(session: Session, question: Question) -> int:
    """Tell the followers who did not forecast that the question resolved (inside the caller's
    transaction; those who forecast hear it from the resolution itself)."""
    forecasters = set(
        session.exec(
            select(col(Forecast.user_id)).where(col(Forecast.question_id) == question.id).distinct()
        ).all()
    )
    told = 0
    for user_id in follower_ids(session, question.id):  # type: ignore[arg-type]
        if user_id in forecasters:
            continue
        notify(
            session,
            user_id,
            kind="resolution",
            message=f"A question you follow resolved: “{question.title}”",
            link=f"/questions/{question.id}#resolution",
        )
        told += 1
    return told


def check_moves(*, session: Session, now: datetime | None = None) -> int:
    """Tell each follower whose visible community prediction moved past their threshold.

    Looks only at follows of open questions that took forecasts since they were last checked.
    Returns how many followers were told.
    """
    now = now or utcnow()
    scheduled = [s.value for s in SCHEDULED_STATUSES]
    rows = session.exec(
        select(QuestionFollow, Question, User)
        .join(Question, col(Question.id) == col(QuestionFollow.question_id))
        .join(User, col(User.id) == col(QuestionFollow.user_id))
        .where(
            col(QuestionFollow.seen_version) != col(Question.forecasts_version),
            col(Question.status).in_(scheduled),
        )
    ).all()
    if not rows:
        return 0
    values: dict[int, CommunityNow | None] = {}
    told = 0
    with write(session):
        for follow_row, question, user in rows:
            follow_row.seen_version = question.forecasts_version
            session.add(follow_row)
            if hidden_reason(session, question, user, now) is not None:
                continue
            qid = question.id or 0
            if qid not in values:
                values[qid] = community_now(
                    session=session, questions=[question], viewer=user, now=now
                ).get(qid)
            position = _position(question, values[qid])
            if position is None:
                continue
            before = follow_row.baseline
            if before is not None and abs(position - before) >= follow_row.move_threshold - 1e-12:
                notify(
                    session,
                    user.id,  # type: ignore[arg-type]
                    kind="community_move",
                    message=_move_message(question, before, position, values[qid]),
                    link=f"/questions/{qid}#community",
                )
                told += 1
            if before is None or abs(position - before) >= follow_row.move_threshold - 1e-12:
                follow_row.baseline = position
    return told


def _position(question: Question, value: CommunityNow | None) -> float | None:
    """Place the community value on [0, 1]: a probability, or the median on the axis."""
    if value is None or value.forecaster_count == 0:
        return None
    if value.probability is not None:
        return value.probability
    if value.median is not None and question.is_continuous:
        return float(question_scale(question).to_u(value.median))
    return None


def _move_message(
    question: Question, before: float, after: float, value: CommunityNow | None
) -> str:
    title = f"“{question.title}”"
    if not question.is_continuous:
        moved = f"from {percent(before)} to {percent(after)}"
        return f"The community prediction on {title} moved {moved}"
    median = value.median if value is not None else None
    shown = "—"
    if median is not None:
        shown = kind_of(question).point_words(median)
    moved = percent(abs(after - before), 0)
    return f"The community median on {title} moved by {moved} of its range, to {shown}"

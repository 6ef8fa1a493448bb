"""Resolving questions: resolve, re-resolve and un-resolve with reasons, scored at once.

Every change is a compare-and-set on the question's current resolution, so when two organizers
resolve the same question at once exactly one succeeds and the other is told (409); the scores
are written in the same transaction as the resolution they belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import (
    SCHEDULED_STATUSES,
    Forecast,
    Question,
    QuestionStatus,
    QuestionType,
    Role,
    Score,
    User,
)
from forecast.services.accounts.permissions import require_organizer_for, require_role
from forecast.services.aggregation.data_versions import SCORES, move_data_version
from forecast.services.conditionals.follow import follow
from forecast.services.conditionals.links import is_conditional
from forecast.services.discussion.follows import tell_followers_resolved
from forecast.services.notifications import notify
from forecast.services.questions.input import question_range
from forecast.services.questions.lifecycle import can_view, log_event, scheduled_status
from forecast.services.questions.serialize import resolution_json
from forecast.services.records.score_views import all_scores
from forecast.services.resolution.input import Resolution, parse_resolution
from forecast.services.scoring.resolver import write_scores
from forecast.services.teams.visibility import who_may_see

RESOLVABLE = {s.value for s in SCHEDULED_STATUSES}


def _reason(reason: str | None, *, required: bool) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationFailed("say why the resolution changes", "reason")
    if len(text) > 5_000:
        raise ValidationFailed("reason is longer than 5000 characters", "reason")
    return text or None


def _load(session: Session, question_id: int, actor: User) -> Question:
    question = session.get(Question, question_id)
    finished = {QuestionStatus.RESOLVED.value, QuestionStatus.ANNULLED.value}
    if question is None or not can_view(question, actor) or question.status not in (
        RESOLVABLE | finished
    ):
        raise NotFound(f"no resolvable question {question_id}")
    require_organizer_for(session, actor, question.team_id)
    return question


def _refuse_conditional(session: Session, question_id: int) -> None:
    if is_conditional(session, question_id):
        raise Conflict(
            "a conditional question is never resolved by hand: it follows its condition and "
            "its outcome"
        )


def _same_resolution(question: Question) -> Any:
    if question.resolution_outcome is None:
        return col(Question.resolution_outcome).is_(None)
    return (col(Question.resolution_outcome) == question.resolution_outcome) & (
        col(Question.resolved_at) == question.resolved_at
    )


def resolve(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> tuple[Question, int]:
    """Resolve (or, with a reason, re-resolve) a question and score it; return it and the rows."""
    actor = require_role(actor, Role.ORGANIZER)
    with write(session):
        _refuse_conditional(session, question_id)
        question = _load(session, question_id, actor)
        reresolving = question.resolution_outcome is not None
        if reresolving and not (data.get("reason") or "").strip():
            # Also what the loser of two simultaneous resolutions hears.
            raise Conflict(
                "the question is already resolved; to change its resolution, give a reason",
                "reason",
            )
        reason = _reason(data.get("reason"), required=reresolving)
        resolution = parse_resolution(
            data,
            qtype=QuestionType(question.type),
            range_=question_range(question),
            open_time=question.open_time,
            default_resolved_at=now or utcnow(),
            options=question.option_labels,
        )
        before = resolution_json(question)
        status = QuestionStatus.ANNULLED if resolution.void else QuestionStatus.RESOLVED
        changed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Question)
            .where(col(Question.id) == question_id, _same_resolution(question))
            .values(
                resolution_outcome=resolution.outcome,
                resolution_value=resolution.value,
                resolved_at=resolution.resolved_at,
                status=status.value,
            )
        )
        if changed.rowcount != 1:
            raise Conflict("someone else changed this question's resolution just now; reload")
        session.refresh(question)
        log_event(
            session,
            question,
            actor,
            "re-resolved" if reresolving else "resolved",
            reason,
            {"before": before, "after": resolution_json(question)},
        )
        written = write_scores(session, [question])
        _tell_forecasters(session, question, resolution)
        tell_followers_resolved(session, question)
        follow(session, [question_id], actor=actor, now=now)
    return question, written


def unresolve(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    reason: str | None,
    now: datetime | None = None,
) -> Question:
    """Take a resolution back (a reason is required); its scores go, its audit entry stays."""
    actor = require_role(actor, Role.ORGANIZER)
    text = _reason(reason, required=True)
    with write(session):
        _refuse_conditional(session, question_id)
        question = _load(session, question_id, actor)
        if question.resolution_outcome is None:
            raise Conflict("the question is not resolved")
        before = resolution_json(question)
        status = scheduled_status(question, now or utcnow())
        changed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Question)
            .where(col(Question.id) == question_id, _same_resolution(question))
            .values(
                resolution_outcome=None,
                resolution_value=None,
                resolved_at=None,
                status=status.value,
            )
        )
        if changed.rowcount != 1:
            raise Conflict("someone else changed this question's resolution just now; reload")
        session.execute(delete(Score).where(col(Score.question_id) == question_id))
        move_data_version(session, SCORES)
        session.refresh(question)
        log_event(session, question, actor, "unresolved", text, {"before": before})
        follow(session, [question_id], actor=actor, now=now)
    return question


def _tell_forecasters(session: Session, question: Question, resolution: Resolution) -> None:
    users = (
        session.execute(
            sa_select(col(Forecast.user_id))
            .where(col(Forecast.question_id) == question.id)
            .distinct()
        )
        .scalars()
        .all()
    )
    what = "was annulled" if resolution.void else "resolved"
    # A team's question tells only those still in the team.
    for user_id in who_may_see(session, question.team_id, list(users)):
        notify(
            session,
            user_id,
            kind="question_resolved",
            message=f"A question you forecast {what}: “{question.title}”",
            link=f"/questions/{question.id}",
        )


def scores_json(session: Session, question: Question) -> list[dict[str, Any]]:
    """Render a question's scores in the export shape."""
    return all_scores(session=session, question_id=question.id)

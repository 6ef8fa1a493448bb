"""Questions: proposing, reviewing, scheduling, listing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import write
from forecast.models import (
    HIDDEN_STATUSES,
    Question,
    QuestionEvent,
    QuestionStatus,
    Role,
    Tournament,
    User,
)
from forecast.models.schedule import scheduled_status, status_now
from forecast.services.accounts.permissions import (
    is_organizer,
    require_organizer_for,
    require_role,
    require_user,
)
from forecast.services.notifications import notify, notify_role
from forecast.services.questions.input import (
    QuestionDraft,
    new_key,
    parse_question,
    range_to_json,
    store_range,
    stored_options,
)
from forecast.services.teams.items import TEAM_TOURNAMENT_RULE, item_team, team_organizer_ids
from forecast.services.teams.visibility import sees_team
from forecast.services.tournaments.catalog import find_tournament

REVIEW_DECISIONS = ("approve", "return", "reject")


def effective_status(question: Question, now: datetime | None = None) -> QuestionStatus:
    """Return the status a person should see now (schedule applied without waiting for the job)."""
    return status_now(question.status, question.open_time, question.close_time, now or utcnow())


def can_view(question: Question, viewer: User | None) -> bool:
    """Tell whether viewer may see the question (proposals: only proposer and organizers).

    A team's question only its members see, whatever their site role (teams/visibility.py).
    """
    if not sees_team(question, viewer):
        return False
    hidden = question.status in {s.value for s in HIDDEN_STATUSES}
    if not hidden:
        return True
    return viewer is not None and (is_organizer(viewer) or question.proposer_id == viewer.id)


def get_question(*, session: Session, viewer: User | None, question_id: int) -> Question:
    """Return the question if it exists and viewer may see it."""
    question = session.get(Question, question_id)
    if question is None or not can_view(question, viewer):
        raise NotFound(f"no question {question_id}")
    return question


def get_question_by_key(*, session: Session, viewer: User | None, key: str) -> Question:
    """Return the question with that key if viewer may see it."""
    question = session.exec(select(Question).where(col(Question.key) == key)).first()
    if question is None or not can_view(question, viewer):
        raise NotFound(f"no question {key!r}", "question")
    return question


def question_from_draft(draft: QuestionDraft, key: str, tournament_id: int | None) -> Question:
    """A new question row holding what the draft says (its status still to be set): one
    question created through the service and one read from an interchange file alike."""
    question = Question(
        key=key,
        type=draft.type.value,
        status="",
        title=draft.title,
        open_time=draft.open_time,
        close_time=draft.close_time,
        resolve_time=draft.resolve_time,
    )
    _apply_draft(question, draft, tournament_id)
    return question


def _apply_draft(question: Question, draft: QuestionDraft, tournament_id: int | None) -> None:
    question.type = draft.type.value
    question.title = draft.title
    question.description = draft.description
    question.resolution_criteria = draft.resolution_criteria
    question.source = draft.source
    question.open_time = draft.open_time
    question.close_time = draft.close_time
    question.resolve_time = draft.resolve_time
    if tournament_id is not None:
        question.tournament_id = tournament_id
    store_range(question, draft.range)
    question.options = stored_options(draft.options)
    question.hide_aggregate_until_forecast = draft.hide_aggregate_until_forecast
    question.aggregate_reveal_time = draft.aggregate_reveal_time
    question.aggregate_open_to_leaders = draft.aggregate_open_to_leaders


def log_event(
    session: Session,
    question: Question,
    actor: User | None,
    action: str,
    comment: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an entry to a question's audit trail (the caller commits)."""
    session.add(
        QuestionEvent(
            question_id=question.id,  # type: ignore[arg-type]
            actor_id=actor.id if actor else None,
            action=action,
            comment=comment,
            detail=json.dumps(detail, sort_keys=True) if detail else None,
        )
    )


def create_question(
    *, session: Session, actor: User | None, data: dict[str, Any], now: datetime | None = None
) -> Question:
    """Create a question: an organizer's is scheduled as given, anyone else's waits for review."""
    actor = require_user(actor)
    draft = parse_question(data)
    now = now or utcnow()
    organizer = is_organizer(actor)
    if organizer and draft.tournament is None:
        raise ValidationFailed("choose the tournament the question belongs to", "tournament")
    with write(session):
        tournament = find_tournament(session, draft.tournament, actor) if draft.tournament else None
        team_id = item_team(session, actor, data.get("team"), tournament)
        if organizer:
            require_organizer_for(session, actor, team_id)
        key = draft.key or new_key(draft.title)
        if (
            session.exec(select(col(Question.id)).where(col(Question.key) == key)).first()
            is not None
        ):
            raise Conflict(f"a question with key {key!r} exists", "key")
        question = question_from_draft(draft, key, tournament.id if tournament else None)
        question.team_id = team_id
        question.created_by_id = actor.id
        if organizer:
            question.status = scheduled_status(question, now).value
        else:
            question.status = QuestionStatus.PENDING.value
            question.proposer_id = actor.id
        session.add(question)
        session.flush()
        log_event(session, question, actor, "created" if organizer else "proposed")
        if not organizer and team_id is not None:
            for organizer_id in team_organizer_ids(session, team_id):
                notify(
                    session,
                    organizer_id,
                    kind="question_proposed",
                    message=f"{actor.username} proposed a question: “{question.title}”",
                    link=f"/questions/{question.id}",
                )
        elif not organizer:
            notify_role(
                session,
                Role.ORGANIZER,
                kind="question_proposed",
                message=f"{actor.username} proposed a question: “{question.title}”",
                link=f"/questions/{question.id}",
            )
    return question


def review_question(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    decision: str,
    comment: str | None = None,
    tournament: str | None = None,
    changes: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Question:
    """Approve (possibly edited, into a tournament), return with a comment, or reject a proposal."""
    actor = require_role(actor, Role.ORGANIZER)
    if decision not in REVIEW_DECISIONS:
        raise ValidationFailed("decision must be approve, return or reject", "decision")
    comment = (comment or "").strip() or None
    if decision in ("return", "reject") and not comment:
        raise ValidationFailed(f"say why you {decision} the question", "comment")
    now = now or utcnow()
    with write(session):
        question = session.get(Question, question_id)
        if question is None or not can_view(question, actor):
            raise NotFound(f"no question {question_id}")
        require_organizer_for(session, actor, question.team_id)
        if question.status != QuestionStatus.PENDING.value:
            raise Conflict(f"the question is {question.status}, not pending review", "status")
        if decision == "approve":
            if changes:
                merged = question_as_input(session, question)
                merged.update(changes)
                draft = parse_question(merged)
                _apply_draft(question, draft, None)
            slug = tournament or _tournament_slug(session, question)
            if slug is None:
                raise ValidationFailed("choose the tournament the question joins", "tournament")
            joined = find_tournament(session, slug, actor)
            if joined.team_id != question.team_id:
                raise ValidationFailed(TEAM_TOURNAMENT_RULE, "tournament")
            question.tournament_id = joined.id
            if question.close_time <= now:
                raise ValidationFailed(
                    "the question's close time has passed; edit it first", "close_time"
                )
            question.status = scheduled_status(question, now).value
            message = f"Your question “{question.title}” was approved."
        elif decision == "return":
            question.status = QuestionStatus.RETURNED.value
            message = f"Your question “{question.title}” was sent back for changes: {comment}"
        else:
            question.status = QuestionStatus.REJECTED.value
            message = f"Your question “{question.title}” was rejected: {comment}"
        question.review_comment = comment
        session.add(question)
        log_event(
            session,
            question,
            actor,
            {"approve": "approved", "return": "returned", "reject": "rejected"}[decision],
            comment,
            changes,
        )
        if question.proposer_id is not None:
            notify(
                session,
                question.proposer_id,
                kind=f"question_{decision}",
                message=message,
                link=f"/questions/{question.id}",
            )
    return question


def resubmit_question(
    *, session: Session, actor: User | None, question_id: int, data: dict[str, Any]
) -> Question:
    """Let the proposer revise a returned question and send it back for review."""
    actor = require_user(actor)
    with write(session):
        question = session.get(Question, question_id)
        if question is None or question.proposer_id != actor.id:
            raise NotFound(f"no question {question_id} of yours")
        if question.status != QuestionStatus.RETURNED.value:
            raise Conflict("only a question sent back for changes can be resubmitted", "status")
        merged = question_as_input(session, question)
        merged.update(data)
        _apply_draft(question, parse_question(merged), None)
        question.status = QuestionStatus.PENDING.value
        session.add(question)
        log_event(session, question, actor, "resubmitted")
    return question


def _tournament_slug(session: Session, question: Question) -> str | None:
    if question.tournament_id is None:
        return None
    tournament = session.get(Tournament, question.tournament_id)
    return tournament.slug if tournament else None


def question_as_input(session: Session, question: Question) -> dict[str, Any]:
    """Return the question's editable fields in the interchange shape."""
    return {
        "key": question.key,
        "tournament": _tournament_slug(session, question),
        "type": question.type,
        "title": question.title,
        "description": question.description,
        "resolution_criteria": question.resolution_criteria,
        "source": question.source,
        "open_time": format_iso(question.open_time),
        "close_time": format_iso(question.close_time),
        "resolve_time": format_iso(question.resolve_time),
        "range": range_to_json(question),
        "options": question.option_labels or None,
    }


def advance_schedule(*, session: Session, now: datetime | None = None) -> dict[str, int]:
    """Open upcoming questions whose open time has come and close those past their close time."""
    now = now or utcnow()
    with write(session):
        opened: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Question)
            .where(
                col(Question.status) == QuestionStatus.UPCOMING.value,
                col(Question.open_time) <= now,
                col(Question.close_time) > now,
            )
            .values(status=QuestionStatus.OPEN.value)
        )
        closed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Question)
            .where(
                col(Question.status).in_(
                    [QuestionStatus.UPCOMING.value, QuestionStatus.OPEN.value]
                ),
                col(Question.close_time) <= now,
            )
            .values(status=QuestionStatus.CLOSED.value)
        )
    return {"opened": int(opened.rowcount or 0), "closed": int(closed.rowcount or 0)}

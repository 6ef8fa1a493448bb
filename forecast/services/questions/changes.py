"""Organizers change a scheduled question: edit it, or close it before its close time.

Both leave an entry in the question's audit trail. Once anyone has forecast, an edit may only
change what does not change the question's meaning: the title's wording, the background, the
source to check, the resolve-by time, the anti-herding settings, and the close time, later
only. The type, the range, the open time, the tournament and the resolution criteria are
fixed, since every forecast already made answers the question as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import write
from forecast.models import (
    SCHEDULED_STATUSES,
    AggregateCache,
    Forecast,
    Question,
    QuestionStatus,
    Role,
    User,
)
from forecast.services.accounts.permissions import require_organizer_for, require_role
from forecast.services.questions.input import (
    QuestionDraft,
    field_words,
    parse_question,
    store_range,
    stored_options,
    words,
)
from forecast.services.questions.lifecycle import (
    can_view,
    effective_status,
    log_event,
    question_as_input,
    scheduled_status,
)
from forecast.services.teams.items import TEAM_TOURNAMENT_RULE
from forecast.services.tournaments.catalog import find_tournament

# What an edit may name (the key is the question's identity and never changes).
EDITABLE = (
    "title",
    "description",
    "source",
    "resolution_criteria",
    "type",
    "tournament",
    "open_time",
    "close_time",
    "resolve_time",
    "range",
    "options",
    "hide_aggregate_until_forecast",
    "aggregate_reveal_time",
    "aggregate_open_to_leaders",
)
# What changes the meaning of forecasts already made.
FIXED_ONCE_FORECAST = (
    "type",
    "range",
    "options",
    "open_time",
    "tournament",
    "resolution_criteria",
)
MAX_REASON = 5_000


def _reason(reason: str | None) -> str | None:
    text = (reason or "").strip()
    if len(text) > MAX_REASON:
        raise ValidationFailed(f"The reason is longer than {MAX_REASON:,} characters", "reason")
    return text or None


def _load(session: Session, question_id: int, actor: User) -> Question:
    question = session.get(Question, question_id)
    if question is None or not can_view(question, actor):
        raise NotFound(f"no question {question_id}")
    require_organizer_for(session, actor, question.team_id)
    return question


def _forget_aggregates(session: Session, question: Question) -> None:
    """Drop the question's cached aggregates: their histories end at the old close time."""
    session.execute(delete(AggregateCache).where(col(AggregateCache.question_id) == question.id))
    session.execute(
        update(Question)
        .where(col(Question.id) == question.id)
        .values(forecasts_version=col(Question.forecasts_version) + 1)
    )


def has_forecasts(session: Session, question_id: int) -> bool:
    """Tell whether anyone has forecast on the question (withdrawn forecasts count)."""
    found = session.exec(
        select(col(Forecast.id)).where(col(Forecast.question_id) == question_id).limit(1)
    ).first()
    return found is not None


def close_early(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    reason: str | None = None,
    now: datetime | None = None,
) -> Question:
    """Close an open question now: its close time becomes now and it takes no more forecasts."""
    actor = require_role(actor, Role.ORGANIZER)
    text = _reason(reason)
    now = now or utcnow()
    with write(session):
        question = _load(session, question_id, actor)
        status = effective_status(question, now)
        if status is not QuestionStatus.OPEN:
            raise Conflict(f"Only an open question can be closed early; this one is {status}")
        scheduled = question.close_time
        question.close_time = now
        question.status = QuestionStatus.CLOSED.value
        session.add(question)
        _forget_aggregates(session, question)
        log_event(
            session,
            question,
            actor,
            "closed early",
            text,
            {"close_time": {"before": format_iso(scheduled), "after": format_iso(now)}},
        )
    session.refresh(question)
    return question


def editable_input(session: Session, question: Question) -> dict[str, Any]:
    """Return every field an edit may change, in the interchange shape."""
    data = question_as_input(session, question)
    data.update(
        hide_aggregate_until_forecast=question.hide_aggregate_until_forecast,
        aggregate_reveal_time=(
            format_iso(question.aggregate_reveal_time) if question.aggregate_reveal_time else None
        ),
        aggregate_open_to_leaders=question.aggregate_open_to_leaders,
    )
    return data


def _changed(before: QuestionDraft, after: QuestionDraft) -> list[str]:
    names = [f.name for f in fields(QuestionDraft) if f.name in EDITABLE]
    return [name for name in names if getattr(before, name) != getattr(after, name)]


def _shown(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_iso(value)
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    if value is not None and not isinstance(value, str | bool | int | float):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return value


def _refuse_meaning_changes(
    changed: list[str], before: QuestionDraft, after: QuestionDraft
) -> None:
    fixed = [name for name in changed if name in FIXED_ONCE_FORECAST]
    if fixed:
        raise Conflict(
            f"People have forecast on this question, so {words(fixed[0])} can no longer "
            "change: it would change what their forecasts answer",
            fixed[0],
        )
    if "close_time" in changed and after.close_time < before.close_time:
        raise Conflict(
            "People have forecast on this question, so the close time can only move later; "
            "to stop forecasts now, close it early",
            "close_time",
        )


def _write(
    session: Session, question: Question, draft: QuestionDraft, changed: list[str], actor: User
) -> None:
    for name in changed:
        if name == "type":
            question.type = draft.type.value
        elif name == "tournament":
            tournament = (
                find_tournament(session, draft.tournament, actor) if draft.tournament else None
            )
            if tournament is not None and tournament.team_id != question.team_id:
                raise ValidationFailed(TEAM_TOURNAMENT_RULE, "tournament")
            question.tournament_id = tournament.id if tournament else None
        elif name == "range":
            store_range(question, draft.range)
        elif name == "options":
            question.options = stored_options(draft.options)
        else:
            setattr(question, name, getattr(draft, name))


def edit_question(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    changes: Mapping[str, Any],
    reason: str | None = None,
    now: datetime | None = None,
) -> tuple[Question, list[str]]:
    """Change some fields of a scheduled question; return it and the names of what changed."""
    actor = require_role(actor, Role.ORGANIZER)
    if not isinstance(changes, Mapping):
        raise ValidationFailed("The changes must be an object of question fields", "changes")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(f"{unknown[0]} cannot be edited", unknown[0])
    text = _reason(reason)
    now = now or utcnow()
    with write(session):
        question = _load(session, question_id, actor)
        if question.status not in {s.value for s in SCHEDULED_STATUSES}:
            raise Conflict(
                f"The question is {question.status}: only an upcoming, open or closed question "
                "can be edited (un-resolve a resolved one first; proposals change in review)",
                "status",
            )
        current = editable_input(session, question)
        before = parse_question(current)
        after = parse_question({**current, **changes})
        changed = _changed(before, after)
        if not changed:
            return question, []
        if has_forecasts(session, question_id):
            _refuse_meaning_changes(changed, before, after)
        if "close_time" in changed and after.close_time <= now:
            raise ValidationFailed(
                "The new close time has passed; to stop forecasts now, close the question early",
                "close_time",
            )
        _write(session, question, after, changed, actor)
        question.status = scheduled_status(question, now).value
        session.add(question)
        if {"open_time", "close_time"} & set(changed):
            _forget_aggregates(session, question)
        summary = ", ".join(field_words(name) for name in changed)
        log_event(
            session,
            question,
            actor,
            "edited",
            f"{summary}{f'; {text}' if text else ''}",
            {
                name: {
                    "before": _shown(getattr(before, name)),
                    "after": _shown(getattr(after, name)),
                }
                for name in changed
            },
        )
    session.refresh(question)
    return question, changed

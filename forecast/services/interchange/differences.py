"""What an interchange record says differently from the stored row of the same key.

An import is idempotent by key: a user, tournament or question whose key is stored already is
not applied again, so a file that reuses a key with a changed title keeps the stored title. The
import says so, one line per field, instead of keeping the stored values silently. Only fields
the record states are compared: a field it leaves out changes nothing and is not reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from forecast.infra.clock import as_utc
from forecast.models import Question, QuestionType, Tournament, User
from forecast.services.questions.input import QuestionDraft, question_range
from forecast.services.resolution.input import Resolution

QUESTION_FIELDS = (
    "type",
    "tournament",
    "title",
    "description",
    "resolution_criteria",
    "source",
    "open_time",
    "close_time",
    "resolve_time",
    "range",
    "hide_aggregate_until_forecast",
    "aggregate_reveal_time",
    "aggregate_open_to_leaders",
)


@dataclass
class Matched:
    """Records of a file whose key is stored already, with their parsed values."""

    users: list[tuple[str, Mapping[str, Any], str]] = field(default_factory=list)
    tournaments: list[tuple[str, Mapping[str, Any], dict[str, str]]] = field(default_factory=list)
    questions: list[tuple[Mapping[str, Any], QuestionDraft, Resolution | None]] = field(
        default_factory=list
    )


def _kept(kind: str, key: str, name: str) -> str:
    return f"{kind} {key}: {name} differs from the stored one; kept the stored {name}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return as_utc(a) == as_utc(b)
    return bool(a == b)


def _stored_draft(question: Question, slug: str | None) -> QuestionDraft:
    return QuestionDraft(
        key=question.key,
        tournament=slug,
        type=QuestionType(question.type),
        title=question.title,
        description=question.description,
        resolution_criteria=question.resolution_criteria,
        source=question.source or None,
        open_time=question.open_time,
        close_time=question.close_time,
        resolve_time=question.resolve_time,
        range=question_range(question),
        hide_aggregate_until_forecast=question.hide_aggregate_until_forecast,
        aggregate_reveal_time=question.aggregate_reveal_time,
        aggregate_open_to_leaders=question.aggregate_open_to_leaders,
    )


def _resolution(value: Resolution | None) -> tuple[Any, ...]:
    if value is None:
        return (None, None, None)
    return (value.outcome, value.value, as_utc(value.resolved_at))


def _stored_resolution(question: Question) -> tuple[Any, ...]:
    if question.resolution_outcome is None:
        return (None, None, None)
    resolved = as_utc(question.resolved_at) if question.resolved_at else None
    return (question.resolution_outcome, question.resolution_value, resolved)


def _user_notes(session: Session, matched: Matched) -> list[str]:
    if not matched.users:
        return []
    roles = dict(session.exec(select(col(User.username), col(User.role))).all())
    return [
        _kept("user", name, "role")
        for name, record, role in matched.users
        if "role" in record and role != roles.get(name)
    ]


def _tournament_notes(tournaments: Mapping[str, Tournament], matched: Matched) -> list[str]:
    return [
        _kept("tournament", slug, name)
        for slug, record, parsed in matched.tournaments
        for name in ("title", "description")
        if name in record and parsed[name] != getattr(tournaments[slug], name)
    ]


def _question_notes(
    session: Session, tournaments: Mapping[str, Tournament], matched: Matched
) -> list[str]:
    slug_of = {t.id: t.slug for t in tournaments.values()}
    keys = [draft.key for _, draft, _ in matched.questions]
    stored: dict[str | None, Question] = {}
    for begin in range(0, len(keys), 500):
        query = select(Question).where(col(Question.key).in_(keys[begin : begin + 500]))
        stored.update((q.key, q) for q in session.exec(query))
    notes = []
    for record, draft, resolution in matched.questions:
        question = stored[draft.key]
        tournament = slug_of.get(question.tournament_id) if question.tournament_id else None
        before = _stored_draft(question, tournament)
        notes += [
            _kept("question", str(draft.key), name)
            for name in QUESTION_FIELDS
            if name in record and not _same(getattr(draft, name), getattr(before, name))
        ]
        if "resolution" in record and _resolution(resolution) != _stored_resolution(question):
            notes.append(_kept("question", str(draft.key), "resolution"))
    return notes


def unapplied(session: Session, matched: Matched) -> list[str]:
    """Describe every stated field of a matched record that differs from the stored row."""
    tournaments = {t.slug: t for t in session.exec(select(Tournament)).all()}
    return [
        *_user_notes(session, matched),
        *_tournament_notes(tournaments, matched),
        *_question_notes(session, tournaments, matched),
    ]

"""Plain-dict views of rows, shared by the API and the interchange export."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import numpy as np
from sqlmodel import Session, col, select

from forecast.infra.clock import format_iso
from forecast.models import Question, Tournament, User
from forecast.services.kinds import kind_named as kind_of_type
from forecast.services.kinds import kind_of
from forecast.services.questions.input import range_to_json

VALUE_OUTCOME = "value"
VOID_OUTCOMES = ("annulled", "ambiguous")


def resolution_json(question: Question) -> dict[str, Any] | None:
    """Render a question's resolution as the interchange object (None while unresolved)."""
    if question.resolution_outcome is None or question.resolved_at is None:
        return None
    resolved_at = format_iso(question.resolved_at)
    if question.resolution_outcome in VOID_OUTCOMES:
        return {"outcome": question.resolution_outcome, "resolved_at": resolved_at}
    return {**kind_of(question).resolution_json(question), "resolved_at": resolved_at}


def interchange_question(
    question: Question, tournament: str | None, team: str | None = None
) -> dict[str, Any]:
    """Render a question as an interchange record (`team` only on a team's private question)."""
    record: dict[str, Any] = {
        "key": question.key,
        "tournament": tournament,
        "type": question.type,
        "title": question.title,
        "description": question.description,
        "resolution_criteria": question.resolution_criteria,
        "open_time": format_iso(question.open_time),
        "close_time": format_iso(question.close_time),
        "resolve_time": format_iso(question.resolve_time),
        "range": range_to_json(question),
        "resolution": resolution_json(question),
    }
    options = kind_of(question).options_of(question)
    if options:
        record["options"] = options
    if question.source:
        record["source"] = question.source
    if question.hide_aggregate_until_forecast:
        record["hide_aggregate_until_forecast"] = True
    if question.aggregate_reveal_time is not None:
        record["aggregate_reveal_time"] = format_iso(question.aggregate_reveal_time)
    if question.aggregate_open_to_leaders:
        record["aggregate_open_to_leaders"] = True
    if team is not None:
        record["team"] = team
    return record


def api_question(
    question: Question,
    *,
    tournament: str | None,
    proposer: str | None,
    status: str,
    team: str | None = None,
) -> dict[str, Any]:
    """Render a question for the API (`team`: the team it is private to, or null)."""
    record = interchange_question(question, tournament, team)
    record.update(
        team=team,
        id=question.id,
        status=status,
        source=question.source,
        proposer=proposer,
        review_comment=question.review_comment,
    )
    return record


class ForecastLike(Protocol):
    """A forecast row, ORM object or lightweight record alike."""

    @property
    def id(self) -> int | None: ...
    @property
    def start_time(self) -> datetime: ...
    @property
    def end_time(self) -> datetime | None: ...
    @property
    def probability(self) -> float | None: ...
    @property
    def cdf(self) -> np.ndarray | None: ...
    @property
    def rationale(self) -> str | None: ...


def forecast_json(
    forecast: ForecastLike, *, question_key: str, username: str, qtype: str | None = None
) -> dict[str, Any]:
    """Render a forecast row for the API (a multiple-choice one with its `probabilities`)."""
    head = {
        "id": forecast.id,
        "question": question_key,
        "user": username,
        "time": format_iso(forecast.start_time),
        "end_time": format_iso(forecast.end_time) if forecast.end_time else None,
    }
    if qtype is not None and kind_of_type(qtype).value_kind == "multiple_choice":
        vector = forecast.cdf
        return {
            **head,
            "probabilities": vector.tolist() if vector is not None else None,
            "rationale": forecast.rationale,
        }
    return {
        **head,
        "probability": forecast.probability,
        "cdf": forecast.cdf.tolist() if forecast.cdf is not None else None,
        "rationale": forecast.rationale,
    }


def name_maps(session: Session, questions: list[Question]) -> tuple[dict[int, str], dict[int, str]]:
    """Return tournament slugs and proposer usernames for a batch of questions (two queries)."""
    tournament_ids = {q.tournament_id for q in questions if q.tournament_id is not None}
    user_ids = {q.proposer_id for q in questions if q.proposer_id is not None}
    slugs: dict[int, str] = {}
    names: dict[int, str] = {}
    if tournament_ids:
        for tid, slug in session.exec(
            select(col(Tournament.id), col(Tournament.slug)).where(
                col(Tournament.id).in_(tournament_ids)
            )
        ):
            slugs[tid] = slug  # type: ignore[index]
    if user_ids:
        for uid, username in session.exec(
            select(col(User.id), col(User.username)).where(col(User.id).in_(user_ids))
        ):
            names[uid] = username  # type: ignore[index]
    return slugs, names

"""Read models of questions for pages and the API (batched, no per-row queries)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.infra.clock import utcnow
from forecast.models import Forecast, Question, QuestionEvent, QuestionStatus, User
from forecast.services.questions.conditions import links_of
from forecast.services.questions.lifecycle import can_view, effective_status, get_question
from forecast.services.questions.serialize import api_question, name_maps
from forecast.services.teams.membership import team_slugs
from forecast.services.teams.visibility import team_condition


def forecaster_counts(session: Session, question_ids: list[int]) -> dict[int, int]:
    """Return how many users hold a standing forecast on each question."""
    if not question_ids:
        return {}
    rows = session.execute(
        sa_select(col(Forecast.question_id), func.count())
        .where(col(Forecast.question_id).in_(question_ids), col(Forecast.end_time).is_(None))
        .group_by(col(Forecast.question_id))
    ).all()
    return {int(qid): int(n) for qid, n in rows}


def standing_values(
    session: Session, user_id: int, question_ids: list[int]
) -> dict[int, tuple[float | None, Any]]:
    """Return one user's standing (probability, cdf) on each of the questions that has one."""
    if not question_ids:
        return {}
    rows = session.execute(
        sa_select(col(Forecast.question_id), col(Forecast.probability), col(Forecast.cdf)).where(
            col(Forecast.user_id) == user_id,
            col(Forecast.question_id).in_(question_ids),
            col(Forecast.end_time).is_(None),
        )
    ).all()
    return {int(qid): (probability, cdf) for qid, probability, cdf in rows}


def question_payloads(session: Session, questions: list[Question]) -> list[dict[str, Any]]:
    """Render questions for the API with their tournament, proposer, status and forecaster count."""
    slugs, names = name_maps(session, questions)
    teams = team_slugs(session, {q.team_id for q in questions})
    counts = forecaster_counts(session, [q.id for q in questions if q.id is not None])
    links = links_of(session, [q.id for q in questions if q.id is not None])
    now = utcnow()
    payloads = []
    for q in questions:
        record = api_question(
            q,
            tournament=slugs.get(q.tournament_id) if q.tournament_id else None,
            proposer=names.get(q.proposer_id) if q.proposer_id else None,
            status=effective_status(q, now).value,
            team=teams.get(q.team_id) if q.team_id else None,
        )
        record["forecaster_count"] = counts.get(q.id or 0, 0)
        record["aggregate"] = None
        link = links.get(q.id or 0)
        record["condition"] = link.as_json() if link else None
        payloads.append(record)
    return payloads


def question_payload(session: Session, question: Question) -> dict[str, Any]:
    """Render one question for the API: what every single-question reply (create, read, edit,
    review, close, resolve, unresolve) sends back, the same as it stands in a list."""
    return question_payloads(session, [question])[0]


def standing_forecasts(
    *, session: Session, viewer: User, limit: int = 20
) -> list[tuple[Question, Forecast]]:
    """Return the viewer's standing forecasts with their questions, closing soonest first."""
    rows = session.execute(
        sa_select(Question, Forecast)
        .join(Forecast, col(Forecast.question_id) == col(Question.id))
        .where(
            col(Forecast.user_id) == viewer.id,
            col(Forecast.end_time).is_(None),
            team_condition(Question.team_id, viewer),
        )
        .order_by(col(Question.close_time))
        .limit(limit)
    ).all()
    return [(q, f) for q, f in rows]


def question_events(
    *, session: Session, viewer: User | None, question_id: int
) -> list[tuple[QuestionEvent, str | None]]:
    """Return the question's history with each actor's username, oldest first."""
    get_question(session=session, viewer=viewer, question_id=question_id)
    rows = session.execute(
        sa_select(QuestionEvent, col(User.username))
        .join(User, col(User.id) == col(QuestionEvent.actor_id), isouter=True)
        .where(col(QuestionEvent.question_id) == question_id)
        .order_by(col(QuestionEvent.created_at))
    ).all()
    return [(event, username) for event, username in rows]


BOUNDARY_STATUSES = (QuestionStatus.OPEN, QuestionStatus.UPCOMING, QuestionStatus.CLOSED)


def boundary_questions(*, session: Session, viewer: User | None) -> list[Question]:
    """Return the questions a boundary may be set on that viewer may see, by title."""
    rows = session.exec(
        select(Question)
        .where(col(Question.status).in_([s.value for s in BOUNDARY_STATUSES]))
        .order_by(col(Question.title))
    )
    return [q for q in rows if can_view(q, viewer)]
